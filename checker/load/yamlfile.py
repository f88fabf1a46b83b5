"""Reading YAML with positions and limits.

``load_yaml`` turns a file into plain data (dicts, lists, strings, numbers,
booleans) plus a map from each path in the document to its line and column,
so that every later diagnostic can point at the right place. Dates stay
strings, as in check-jsonschema, so that the schema's date format applies.

Hostile input is refused before it can cost anything: files over
``MAX_BYTES``, text that is not UTF-8, binary content, nesting deeper than
``MAX_DEPTH`` and documents whose aliases expand past ``MAX_NODES`` nodes
(the "billion laughs"). Duplicate keys are errors, not silent overwrites.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ..diagnostics import Diagnostic

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_NODES = 20_000
#: Texts up to this many characters go straight to ``yaml.compose``: they hold
#: at most a few thousand values or levels, which compose handles in well under
#: a second, and the builder then applies MAX_DEPTH and MAX_NODES. Longer texts
#: are first checked on the event stream, because compose recurses once per
#: level (it crashes the interpreter near 100,000 levels) and keeps every node.
PREPASS_ABOVE = 8_192

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_scalars = yaml.constructor.SafeConstructor()
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


@dataclass
class Document:
    """Plain data read from a YAML file, with the position of every value."""

    data: Any  # plain data of any shape: a mapping, a list, text, a number...
    file: str
    marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path, key=False) -> tuple[int, int]:
        """Line and column of the value at ``path`` (or of its key), or of its
        nearest parent that exists."""
        path = tuple(path)
        if key and path in self.key_marks:
            return self.key_marks[path]
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (1, 1))

    def diagnostic(self, code, message, path=(), hint="", severity="error", key=False):
        """A diagnostic located at the value at ``path`` (or at its key)."""
        line, column = self.locate(path, key)
        return Diagnostic(code, message, self.file, line, column, tuple(path),
                          hint, severity)


class _TooBig(Exception):
    def __init__(self, code, message, mark, hint):
        self.code, self.message, self.mark, self.hint = code, message, mark, hint


def read_text(path, file=None) -> tuple[str | None, list[Diagnostic]]:
    """Read a file as UTF-8 text within the size limit."""
    file = file or str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return None, [Diagnostic("input.not_found", "no such file", file,
                                 hint="check the path and the spelling")]
    except IsADirectoryError:
        return None, [Diagnostic("input.is_directory", "this is a folder, not a file",
                                 file, hint="name a .yaml file inside it")]
    except OSError as err:
        return None, [Diagnostic("input.unreadable", f"cannot read the file: {err.strerror}",
                                 file, hint="check that the file exists and is readable")]
    return decode_text(raw, file)


def decode_text(raw: bytes, file: str) -> tuple[str | None, list[Diagnostic]]:
    """The text of a file's bytes, or a diagnostic when they are too many, binary or not UTF-8."""
    if len(raw) > MAX_BYTES:
        line = raw[:MAX_BYTES].count(b"\n") + 1  # where the limit is passed
        return None, [Diagnostic(
            "input.too_large", f"the file is larger than the limit of {MAX_BYTES:,} bytes",
            file, line, 1, hint="a scheme or policy file is a few kilobytes; is this the right file?")]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, [Diagnostic("input.binary", "the file holds binary data, not text",
                                 file, line, 1, hint="save the file as plain UTF-8 text")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, [Diagnostic(
            "input.not_utf8", f"byte 0x{raw[err.start]:02x} is not valid UTF-8 text",
            file, line, column, hint="save the file as UTF-8 (most editors have this option)")]
    return text.lstrip("\ufeff"), []


def load_yaml(path, file=None) -> tuple[Document | None, list[Diagnostic]]:
    """Load one YAML document from a file path."""
    file = file or str(path)
    text, problems = read_text(path, file)
    if problems or text is None:
        return None, problems
    return parse_yaml(text, file)


def parse_yaml(text: str, file: str = "<input>") -> tuple[Document | None, list[Diagnostic]]:
    """Parse YAML text into a Document, or return diagnostics."""
    try:
        if len(text) > PREPASS_ABOVE:
            _check_depth(text)
        node = yaml.compose(text, Loader=_Loader)
    except _TooBig as err:
        return None, [Diagnostic(err.code, err.message, file, err.mark.line + 1,
                                 err.mark.column + 1, hint=err.hint)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        message = (err.problem or err.context or "not valid YAML").strip()
        if "expected a single document" in str(err):
            message = "the file holds more than one YAML document"
        elif mark and _char_at(text, mark) == "\t":
            message += " (a tab)"  # libyaml, unlike PyYAML, does not name the character
        return None, [Diagnostic(
            "yaml.syntax", f"not valid YAML: {message}", file,
            mark.line + 1 if mark else 0, mark.column + 1 if mark else 0,
            hint=_syntax_hint(message))]
    except yaml.YAMLError as err:
        return None, [Diagnostic("yaml.syntax", f"not valid YAML: {err}", file,
                                 hint="check the file in a YAML-aware editor")]
    if node is None:
        return None, [Diagnostic("input.empty", "the file is empty", file, 1, 1,
                                 hint="start from an example in cases/ or run `vires new`")]
    doc = Document(None, file)
    builder = _Builder(doc)
    builder.aliases = "*" in text
    try:
        doc.data = builder.build(node, ())
    except _TooBig as err:
        return None, [Diagnostic(err.code, err.message, file, err.mark.line + 1,
                                 err.mark.column + 1, hint=err.hint)]
    return doc, builder.problems


def _char_at(text: str, mark) -> str:
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column] if mark.column < len(line) else ""


def _syntax_hint(message: str) -> str:
    if "more than one YAML document" in message:
        return "a file holds one scheme: remove the '---' line, or split the file in two"
    if "tab" in message:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in message:
        return "a value containing ': ' needs quotes"
    if "flow" in message or "expected ',' or" in message:
        return "a [ or { was opened and not closed"
    return "check indentation and quotes near this position"


def _check_depth(text: str) -> None:
    """Refuse deep nesting, and too many values, using the event stream, which
    is not recursive and holds no node objects: a 1 MB flow list of half a
    million numbers is refused here in milliseconds, before ``compose`` would
    spend seconds and hundreds of megabytes building its nodes."""
    depth = count = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _TooBig("input.too_deep",
                              f"the document is nested more than {MAX_DEPTH} levels deep",
                              event.start_mark, "a scheme needs only a few levels of nesting")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
            continue
        elif not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            continue
        count += 1
        if count > MAX_NODES:
            raise _TooBig("input.too_many_nodes",
                          f"the document holds more than {MAX_NODES:,} values",
                          event.start_mark,
                          "a scheme or policy file holds a few hundred values; is this the right file?")


class _Builder:
    """Builds plain data from a node graph, counting nodes as it expands aliases."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.count = 0
        self.problems: list[Diagnostic] = []
        self.open: dict = {}  # id -> node, of the collection nodes being built (the current path)
        self.aliases = True  # whether the text uses aliases (parse_yaml knows)

    def build(self, node, path):
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig("input.too_many_nodes",
                          f"the document expands to more than {MAX_NODES:,} values "
                          "(are aliases repeating it?)",
                          node.start_mark, "write the values out instead of using & and * aliases")
        self.doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            # Aliases can nest deeper than the text does (a chain of anchors,
            # each holding the previous one) or refer to themselves (&a [*a]):
            # both would otherwise end in a RecursionError.
            if id(node) in self.open:
                raise _TooBig("input.recursive_alias",
                              "an alias refers to the value that contains it, so it never ends",
                              node.start_mark, "write the values out instead of using & and * aliases")
            if len(self.open) >= MAX_DEPTH:
                if self.aliases:  # point at the top-level entry that grows too deep
                    raise _TooBig("input.too_deep", f"the document, with its aliases expanded, is "
                                  f"nested more than {MAX_DEPTH} levels deep",
                                  list(self.open.values())[1].start_mark,
                                  "write the values out instead of using & and * aliases")
                raise _TooBig("input.too_deep", f"the document is nested more than {MAX_DEPTH} levels deep",
                              node.start_mark, "a scheme needs only a few levels of nesting")
            if node.tag not in _COLLECTION_TAGS:  # e.g. !!python/object/apply [...]
                self.problems.append(self.doc.diagnostic(
                    "yaml.bad_value", f"cannot read this value: the tag '{node.tag}' is not supported",
                    path, "remove the '!' tag before the value"))
            self.open[id(node)] = node
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, path)
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            finally:
                del self.open[id(node)]
        if node.tag == _TIMESTAMP:
            return node.value
        try:
            return _scalars.construct_object(node)
        except yaml.constructor.ConstructorError as err:
            self.problems.append(self.doc.diagnostic(
                "yaml.bad_value", f"cannot read this value: {err.problem}", path,
                "quote the value to keep it as text"))
            return node.value

    def _mapping(self, node, path):
        out = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _TooBig("yaml.bad_key", "a key must be a plain word, not a list or mapping",
                              key_node.start_mark, "write the key as text")
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _TooBig("yaml.merge_key", "merge keys (<<) are not supported",
                              key_node.start_mark, "write the keys out in full")
            key = key_node.value
            if key in out:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                first = self.doc.key_marks.get(path + (key,), (0, 0))[0]
                self.problems.append(Diagnostic(
                    "yaml.duplicate_key", f"the key '{key}' appears twice in the same mapping",
                    self.doc.file, line, col, path + (key,),
                    f"the first '{key}' is on line {first}; keep one of them"))
                continue
            self.doc.key_marks[path + (key,)] = (key_node.start_mark.line + 1,
                                                  key_node.start_mark.column + 1)
            out[key] = self.build(value_node, path + (key,))
        return out
