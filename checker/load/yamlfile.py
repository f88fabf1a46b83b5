"""Reading YAML with positions and limits.

``load_yaml`` turns a file into plain data (dicts, lists, strings, numbers,
booleans) plus a map from each path in the document to its line and column,
so that every later diagnostic can point at the right place. Dates stay
strings, as in check-jsonschema, so that the schema's date format applies.

Hostile input is refused before it can cost anything: anything but a
regular file (a named pipe would block the read for ever), files over
``MAX_BYTES``, text that is not UTF-8 (a file saved as Windows-1252 or UTF-16
is named as such), binary content, nesting deeper than ``MAX_DEPTH`` and
documents whose aliases expand past ``MAX_NODES`` nodes (the "billion
laughs"). Duplicate keys are errors, not silent overwrites.

Plain scalars are read as YAML 1.2 reads them, not as YAML 1.1 (PyYAML)
does, so that a value never changes meaning unseen (docs/diagnostics.md,
"YAML 1.1 surprises"): ``yes``/``no``/``on``/``off``, ``1:30`` and ``1_000``
are text; ``1e-5`` is a number. Where the two readings would give different
numbers the value is refused with a hint: an integer with a leading zero
(``012``: 10 in YAML 1.1, 12 in YAML 1.2). ``.nan``, ``.inf`` and numbers too
large for a float are refused: every number vires reads is finite.
"""
from __future__ import annotations

import math
import os
import re
import stat
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


def _scalar(node):
    """A scalar node's value as YAML's safe loader reads it. The constructor
    remembers every node it has built (for anchors, which a scalar needs
    not): forgotten at once, or a batch of files would keep every one."""
    try:
        return _scalars.construct_object(node)
    finally:
        _scalars.constructed_objects.pop(node, None)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
#: Tags the YAML 1.1 resolver gives plain scalars: such a scalar is read again
#: by the YAML 1.2 core schema (``_core_value``).
_IMPLICIT_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in
                           ("null", "bool", "int", "float", "str", "timestamp"))
# The YAML 1.2 core schema (yaml.org/spec/1.2.2, 10.3.2).
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_OCTAL_1_1 = re.compile(r"[-+]?0[0-9]+")
_INT_BASES = ((re.compile(r"0o[0-7]+"), 8), (re.compile(r"0x[0-9a-fA-F]+"), 16))
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_NOT_FINITE = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


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
    """Read a regular file as UTF-8 text within the size limit. The file is
    opened without blocking and refused unless it is a regular file: a named
    pipe (FIFO) called ``x.yaml`` would otherwise wait for a writer for ever."""
    file = file or str(path)
    raw, problem = _read_raw(path, file)
    if problem is not None or raw is None:
        return None, [problem] if problem else []
    return decode_text(raw, file)


def read_bytes(path) -> bytes | None:
    """The bytes of a regular file within the size limit (MAX_BYTES), or None
    when ``read_text`` would refuse it before decoding."""
    raw, problem = _read_raw(path, str(path))
    return None if problem is not None or raw is None or len(raw) > MAX_BYTES else raw


def _read_raw(path, file: str) -> tuple[bytes | None, Diagnostic | None]:
    """Up to MAX_BYTES + 1 bytes of a regular file, or why it cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None, Diagnostic("input.not_found", "no such file", file, hint="check the path and the spelling")
    except IsADirectoryError:
        return None, _is_directory(file)
    except OSError as err:
        return None, _unreadable(file, err)
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            return None, _is_directory(file)
        if not stat.S_ISREG(mode):
            return None, not_regular(file, mode)
        # Read what the file holds, up to one byte past the limit: a buffered
        # read(MAX_BYTES + 1) set aside a megabyte for every file (28 us a policy
        # file instead of 6; a run reads about thirty).
        chunks, total, want, size = [], 0, MAX_BYTES + 1, info.st_size
        while total < want:
            chunk = os.read(fd, min(want - total, max(size + 1 - total, 65_536)))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks), None
    except OSError as err:
        return None, _unreadable(file, err)
    finally:
        os.close(fd)


def _unreadable(file: str, err: OSError) -> Diagnostic:
    return Diagnostic("input.unreadable", f"cannot read the file: {err.strerror}", file,
                      hint="check that the file exists and is readable")


def _is_directory(file: str) -> Diagnostic:
    return Diagnostic("input.is_directory", "this is a folder, not a file", file,
                      hint="name a .yaml file inside it (`vires check` also takes a folder)")


def not_regular(file: str, mode: int) -> Diagnostic:
    """The diagnostic for a path that is a named pipe, a device or a socket, not a file."""
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return Diagnostic("input.not_regular", f"this is {kind}, not a file vires can read", file,
                      hint="name a regular .yaml file; vires never reads pipes or devices")


def decode_text(raw: bytes, file: str) -> tuple[str | None, list[Diagnostic]]:
    """The text of a file's bytes, or a diagnostic when they are too many, binary or not UTF-8."""
    if len(raw) > MAX_BYTES:
        line = raw[:MAX_BYTES].count(b"\n") + 1  # where the limit is passed
        return None, [Diagnostic(
            "input.too_large", f"the file is larger than the limit of {MAX_BYTES:,} bytes",
            file, line, 1, hint="a scheme or policy file is a few kilobytes; is this the right file?")]
    if _utf16(raw):
        return None, [Diagnostic("input.utf16", "the file is saved as UTF-16 text, not UTF-8", file, 1, 1,
                                 hint=SAVE_AS_UTF8)]
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
        return None, [Diagnostic("input.not_utf8", f"byte 0x{raw[err.start]:02x} is not UTF-8 text"
                                 + legacy_encoding(raw, raw[err.start]), file, line, column, hint=SAVE_AS_UTF8)]
    return text.lstrip("\ufeff"), []


#: How to save a file as UTF-8, for people who did not choose its encoding.
SAVE_AS_UTF8 = ("save the file as UTF-8: in Notepad, File > Save As, then Encoding: UTF-8; "
                "in Word, save as Plain Text and choose Unicode (UTF-8); other editors have "
                "an 'Encoding' or 'Save with encoding' option")


def legacy_encoding(raw: bytes, byte: int) -> str:
    """What a non-UTF-8 text most likely is, for a message: ': the file seems
    to be saved as Windows-1252, where 0x93 is “' ('' when not even that fits)."""
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return ""
    char = bytes([byte]).decode("cp1252")
    name = "Windows-1252" if 0x80 <= byte <= 0x9f else "Windows-1252 or Latin-1"
    return f": the file seems to be saved as {name}, where 0x{byte:02x} is {char}"


def _utf16(raw: bytes) -> bool:
    """Whether bytes are UTF-16 text: a byte-order mark, or (without one) a NUL
    byte beside nearly every character of plain English text."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = raw[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return False
    even, odd = sample[0::2], sample[1::2]
    for nuls, text in ((odd, even), (even, odd)):  # little-endian, then big-endian
        if nuls.count(0) >= 0.9 * len(nuls) and text.count(0) <= 0.1 * len(text):
            return True
    return False


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


def _core_value(text: str):
    """A plain scalar as the YAML 1.2 core schema reads it: (value, None), or
    (the text, (code, message, hint)) when vires refuses it."""
    if text in _NULLS:
        return None, None
    if text in _BOOLS:
        return _BOOLS[text], None
    if _INT.fullmatch(text):
        if _OCTAL_1_1.fullmatch(text):
            return text, _leading_zero(text)
        return _number(text, int)
    for pattern, base in _INT_BASES:
        if pattern.fullmatch(text):
            return int(text[2:], base), None
    if _FLOAT.fullmatch(text):
        return _number(text, float)
    if _NOT_FINITE.fullmatch(text):
        return text, _not_finite(text)
    return text, None


def _leading_zero(text: str):
    digits = text.lstrip("+-")
    plain = text[: len(text) - len(digits)] + (digits.lstrip("0") or "0")
    old = f"the octal number {int(digits, 8)}" if set(digits) <= set("01234567") else "text"
    return ("yaml.ambiguous_number",
            f"'{text}' has a leading zero, which YAML readers disagree on: some read it as {old}, "
            f"others as {plain}",
            f"write {plain} without the leading zero, or put the value in quotes ('{text}') if it is text")


def _number(text: str, kind):
    try:
        value = kind(text)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        return text, ("input.bad_number", f"'{text[:20]}...' has too many digits to be a number",
                      "write a number of a sensible size, or put the value in quotes if it is text")
    if isinstance(value, float) and not math.isfinite(value):
        return text, _not_finite(text)
    return value, None


def _not_finite(text: str):
    return ("input.bad_number", f"'{text}' is not a finite number",
            "write a number such as 40 or 12.5; if the value is not known, leave the field out")


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
        if not node.style and node.tag in _IMPLICIT_TAGS:  # a plain scalar: YAML 1.2 decides
            value, problem = _core_value(node.value)
            if problem:
                self.problems.append(self.doc.diagnostic(*problem[:2], path, problem[2]))
            return value
        if node.tag == _TIMESTAMP:
            return node.value
        try:
            value = _scalar(node)
        except (yaml.constructor.ConstructorError, ValueError) as err:
            self.problems.append(self.doc.diagnostic(
                "yaml.bad_value", f"cannot read this value: {getattr(err, 'problem', err)}", path,
                "quote the value to keep it as text"))
            return node.value
        if isinstance(value, float) and not math.isfinite(value):  # !!float "nan"
            value, problem = node.value, _not_finite(node.value)
            self.problems.append(self.doc.diagnostic(*problem[:2], path, problem[2]))
        return value

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


def yaml_text(value) -> str:
    """A value as one line of YAML, e.g. {body: {kind: lmc}, status: granted}
    (what-if changes, fixes and their words give values so)."""
    if isinstance(value, str) and value.strip() == value and value:
        doc, problems = parse_yaml(value)
        if doc is not None and not problems and doc.data == value:  # plain text and dates need no quotes here
            return value
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10_000)
    return text.strip().removesuffix("...").strip()
