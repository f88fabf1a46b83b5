"""What the web app does with a scheme, shared by its pages and its API:
read it (with the CLI's safe loader and limits), check it, compare what-ifs,
find fixes and precedents, build the briefing, and record each check.

Every step is the CLI's own: ``checker.load`` reads the text (size, depth
and alias limits, no constructor that can run code), the ``Checker``
checks, ``checker.explore`` compares and searches, ``checker.reporters``
words and renders. Bad input raises ``InputError`` with the same located
diagnostics and codes as the CLI.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from ..diagnostics import Diagnostic, InputError
from ..evaluate.checker import checker_for
from ..explore.fix import find_fixes
from ..explore.precedents import load_library, nearest
from ..explore.whatif import Change, compare
from ..load.scheme import Scheme
from ..load.yamlfile import MAX_DEPTH, MAX_NODES, Document, decode_text, parse_yaml
from ..reporters.briefing import FIX_SEARCH, PRECEDENTS, build_briefing
from ..reporters.json_report import result_dict
from .store import Store, policy_hash

#: The operations a what-if change may be.
OPS = ("set", "add", "remove")
_NOT_PLAIN = object()


@dataclass
class JsonDocument(Document):
    """A document read fast as plain JSON: no positions, but its text, to
    read again with them when something in it must be located."""

    text: str = ""

    def located(self) -> Document:
        """The same document read by the CLI's loader, with every value's line and column."""
        doc, _ = parse_yaml(self.text, self.file)
        return doc or self


def plain_json(text: str):
    """The data of a text that is plain JSON within the YAML loader's limits
    (``MAX_DEPTH`` levels, ``MAX_NODES`` values, no key twice in a mapping),
    or ``_NOT_PLAIN``: then the CLI's loader reads it and says what is wrong."""
    def no_twice(pairs):
        mapping = dict(pairs)
        if len(mapping) != len(pairs):
            raise ValueError("a key twice")
        return mapping

    if not text.lstrip().startswith(("{", "[")):
        return _NOT_PLAIN
    try:
        data = json.loads(text, object_pairs_hook=no_twice)
    except (ValueError, RecursionError):
        return _NOT_PLAIN
    count, stack = 0, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH or count > MAX_NODES:
            return _NOT_PLAIN
        if isinstance(node, dict):
            stack += [(v, depth + 1) for v in node.values()]
        elif isinstance(node, list):
            stack += [(v, depth + 1) for v in node]
        elif isinstance(node, float) and node != node or node in (float("inf"), float("-inf")):
            return _NOT_PLAIN  # NaN and Infinity are not JSON; the loader says so
    return data


@dataclass
class Checked:
    """A scheme checked: the scheme and its result."""

    scheme: Scheme
    result: object


class Service:
    """The checker, the case library and the store that the web app serves."""

    def __init__(self, store: Store, policy_dir=None):
        self.checker = checker_for(policy_dir)
        self.store = store
        self.policy_hash = policy_hash(self.checker.policy.directory)
        self._library: list | None = None
        self._lock = threading.Lock()

    # --- reading ---------------------------------------------------------------

    def read_text(self, raw: bytes, file: str, fast_json: bool = False) -> Document:
        """A YAML (or JSON) document from bytes, within the CLI's limits.

        With ``fast_json``, text that is plain JSON within the limits (no
        duplicate key, depth and values within the loader's limits) is read
        by the json module, about twenty times faster than the YAML loader
        that records every value's position; anything else, and any scheme
        found to be bad input (``scheme``), is read by the CLI's loader, so
        every diagnostic is the CLI's, located by line and column."""
        text, problems = decode_text(raw, file)
        if problems or text is None:
            raise InputError(problems)
        if fast_json:
            data = plain_json(text)
            if data is not _NOT_PLAIN:
                return JsonDocument(data, file, text=text)
        doc, problems = parse_yaml(text, file)
        if problems or doc is None:
            raise InputError(problems)
        return doc

    def scheme(self, data, file: str = "<data>", doc: Document | None = None, at: tuple = ()) -> Scheme:
        """The scheme held in ``data``, validated as `vires check` validates a
        file; a diagnostic is located in ``doc`` (at ``at`` + its path) when given."""
        if not isinstance(data, dict):
            where = doc.locate(at) if doc else (0, 0)
            raise InputError([Diagnostic("scheme.not_mapping", "a scheme must be a mapping of fields", file,
                                         where[0], where[1], at,
                                         "send the scheme's fields: id, title, jurisdiction, date, change...")])
        try:
            return self.checker.from_data(data, file)
        except InputError as err:
            if doc is None:
                raise
            if isinstance(doc, JsonDocument):  # read fast: read again, with positions
                doc = doc.located()
            raise InputError([_locate(d, doc, at) for d in err.diagnostics]) from None

    def scheme_from_bytes(self, raw: bytes, file: str) -> Scheme:
        """A scheme file's bytes (an upload), read as `vires check` reads a file."""
        doc = self.read_text(raw, file)
        return self.scheme(doc.data, file, doc)

    # --- checking ----------------------------------------------------------------

    def check(self, scheme: Scheme):
        """The result of checking a scheme (InputError when no edition covers it)."""
        return self.checker.check_scheme(scheme)

    def whatif(self, scheme: Scheme, changes: list[Change], before=None):
        """The comparison of a scheme before and after changes."""
        return compare(self.checker, scheme, changes, before)

    def fixes(self, scheme: Scheme, max_changes: int = 3, limit: int | None = 5):
        """The smallest fixes, as `vires fix` searches them."""
        return find_fixes(self.checker, scheme, max_changes=max_changes, limit=limit)

    def library(self) -> list:
        """(file, scheme, result) for each case of the library (empty when the installation has none)."""
        with self._lock:
            if self._library is None:
                try:
                    self._library, _ = load_library(self.checker)
                except InputError:
                    self._library = []
            return self._library

    def precedents(self, scheme: Scheme, result, limit: int = 3):
        """The nearest cases of the library."""
        return nearest(self.checker, scheme, result, self.library(), limit)

    def briefing(self, scheme: Scheme, result):
        """The committee briefing, with its smallest fix and nearest precedents, as `vires report`
        builds it; and the fix search (None for a valid scheme)."""
        fix = find_fixes(self.checker, scheme, **FIX_SEARCH) if result.verdict != "valid" else None
        precedents = self.precedents(scheme, result, PRECEDENTS) if self.library() else None
        return build_briefing(scheme, result, precedents, fix), fix

    def record(self, scheme: Scheme, result, draft_id: str | None = None) -> str:
        """Record a check in the decision record; its id."""
        return self.store.record(scheme.data, result_dict(result), self.policy_hash, draft_id)

    def recheck(self, record: dict) -> dict:
        """A record checked again against today's policy: whether the answer changed."""
        then = record["result"]
        try:
            now = result_dict(self.check(self.scheme(record["scheme"], f"record {record['id']}")))
        except InputError as err:
            return {"changed": True, "verdict_now": None, "policy_changed": record["policy_hash"] != self.policy_hash,
                    "problems": [d.to_dict() for d in err.diagnostics]}
        return {"changed": (now["verdict"], now.get("decided_by")) != (then["verdict"], then.get("decided_by")),
                "verdict_then": then["verdict"], "verdict_now": now["verdict"],
                "decided_by_then": then.get("decided_by"), "decided_by_now": now.get("decided_by"),
                "edition_now": now["edition"], "policy_changed": record["policy_hash"] != self.policy_hash,
                "policy_hash_now": self.policy_hash}

    def editions(self) -> list[dict]:
        """Every policy edition: id, title, nation and period."""
        return [{"id": e.id, "title": e.title, "jurisdiction": e.jurisdiction, "start": e.start, "end": e.end,
                 "summary": " ".join(e.summary.split())} for e in self.checker.policy.editions]


def changes_from(items, file: str, doc: Document | None = None, at: tuple = ()) -> list[Change]:
    """What-if changes from plain data ([{op, path, value}]), or InputError located at the bad one."""
    def bad(where: tuple, message: str, hint: str) -> InputError:
        located = doc.located() if isinstance(doc, JsonDocument) else doc
        line, column = located.locate(at + where) if located else (0, 0)
        return InputError([Diagnostic("request.bad_change", message, file, line, column, at + where, hint)])

    if not isinstance(items, list):
        raise bad((), "changes must be a list", 'e.g. [{"op": "set", "path": "change.instrument", "value": '
                  '"local_incentive_scheme"}]')
    out = []
    for n, item in enumerate(items):
        if not isinstance(item, dict) or item.get("op") not in OPS:
            raise bad((n,), "a change needs an op: set, add or remove", 'e.g. {"op": "set", "path": ...}')
        path = item.get("path")
        if not isinstance(path, str) or not path or any(not p for p in path.split(".")):
            raise bad((n,), "a change needs a dotted path", "e.g. change.instrument or decisions.1.status")
        if item["op"] != "remove" and "value" not in item:
            raise bad((n,), f"a {item['op']} change needs a value", "give the new value")
        out.append(Change(item["op"], path, item.get("value")))
    return out


def _locate(d: Diagnostic, doc: Document, at: tuple) -> Diagnostic:
    """A diagnostic of a scheme validated as data, located in the text it was read from."""
    from dataclasses import replace

    line, column = doc.locate(at + tuple(d.path), key=d.code == "scheme.unknown_field")
    return replace(d, file=doc.file, line=line, column=column)
