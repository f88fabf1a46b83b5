"""The negotiation file: which facts of a scheme a negotiator can change.

``policy/negotiation.yaml`` lists **levers** (negotiable facts, each with
the values ``vires fix`` tries, never ``unknown``) and **facts of record**
(jurisdiction, a past decision, the maker, who asks, the parts of the
contract changed), which a fix never changes. It is policy,
not code, so that what counts as negotiable is reviewed with the rules.
Paths are dotted paths into the scheme, ``*`` standing for any list item.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Diagnostic, did_you_mean
from ..load.schema import fields_under, find_node, fixed_values, node_at
from ..load.validate import validate_document, value_problem
from ..load.yamlfile import load_yaml
from .facts import UNKNOWN


@dataclass(frozen=True)
class Lever:
    """A negotiable fact and the values to try for it."""

    path: str
    op: str
    values: tuple | str  # a tuple of values, or 'schema' or 'next_contract_year'
    label: str
    why: str


@dataclass(frozen=True)
class Record:
    """A fact of record; ``history`` ones cannot be freed even for one run."""

    path: str
    why: str
    history: bool = False


@dataclass(frozen=True)
class Negotiation:
    """The negotiation file read: its levers and its facts of record."""

    levers: tuple[Lever, ...]
    records: tuple[Record, ...]

    @classmethod
    def from_policy(cls, data: dict) -> "Negotiation":
        """The negotiation of a policy, from its ``negotiation`` mapping."""
        levers = tuple(Lever(e["path"], e.get("op", "set"),
                             e["try"] if isinstance(e["try"], str) else tuple(e["try"]),
                             e.get("label", e["path"]), e["why"])
                       for e in (data or {}).get("negotiable", []))
        records = tuple(Record(e["path"], e["why"], e.get("history", False))
                        for e in (data or {}).get("record", []))
        return cls(levers, records)

    def entry_for(self, parts) -> Lever | Record | None:
        """The most specific entry whose path covers ``parts`` (a prefix match)."""
        best, best_len = None, -1
        for entry in self.records + self.levers:
            pattern = entry.path.split(".")
            if len(pattern) > best_len and covers(pattern, parts):
                best, best_len = entry, len(pattern)
        return best


def covers(pattern, parts) -> bool:
    """True if a path pattern (with * for items) is a prefix of ``parts``."""
    if len(pattern) > len(parts):
        return False
    return all(p == str(q) or (p == "*" and isinstance(q, int)) for p, q in zip(pattern, parts))


def read_negotiation(path, display: str, problems: list) -> dict:
    """The ``negotiation:`` mapping of a negotiation file; problems are added."""
    doc, found = load_yaml(path, display)
    problems += found
    if doc is None:
        return {}
    found = validate_document(doc, "negotiation", "negotiation")
    if not found:
        found = check_negotiation(doc)
    problems += found
    return {} if found else doc.data["negotiation"]


def check_negotiation(doc) -> list[Diagnostic]:
    """What the schema cannot say: paths exist in the scheme, values fit them
    (never ``unknown``), and no fact is both negotiable and of record."""
    out = []
    data = doc.data["negotiation"]
    for kind in ("negotiable", "record"):
        for i, entry in enumerate(data[kind]):
            out += _check_entry(doc, kind, i, entry)
    levers = {e["path"]: i for i, e in enumerate(data["negotiable"])}
    for i, entry in enumerate(data["record"]):
        if entry["path"] in levers and not _adds(data["negotiable"][levers[entry["path"]]]):
            out.append(doc.diagnostic(
                "negotiation.conflict", f"'{entry['path']}' is listed both as negotiable and as a fact of record",
                ("negotiation", "record", i, "path"), "keep it in one list"))
    return out


def _adds(entry) -> bool:
    # Adding a new item (a new decision) is compatible with the list's
    # existing items being history.
    return entry.get("op", "set") == "add"


def _check_entry(doc, kind, i, entry) -> list[Diagnostic]:
    where = ("negotiation", kind, i)
    parts = entry["path"].split(".")
    node = find_node(parts)
    if node is None:
        good = next(n for n in range(len(parts), -1, -1) if find_node(parts[:n]) is not None)
        return [doc.diagnostic("negotiation.unknown_path",
                               f"'{entry['path']}' is not a path of the scheme: no '{parts[good]}' there",
                               where + ("path",), did_you_mean(parts[good], fields_under(parts[:good])))]
    if kind == "record":
        return []
    op, values = entry.get("op", "set"), entry["try"]
    if op == "add":
        if node.get("type") != "array":
            return [doc.diagnostic("negotiation.not_a_list", f"'{entry['path']}' is not a list, so nothing can be added",
                                   where + ("op",), "use op: set")]
        node = node_at(parts + ["*"])
    if values == "schema":
        if fixed_values(node) is None:
            return [doc.diagnostic("negotiation.no_choices",
                                   f"'{entry['path']}' has no fixed set of values to try",
                                   where + ("try",), "list the values to try, e.g. try: [true]")]
        return []
    if values == "next_contract_year" and node.get("format") != "date":
        return [doc.diagnostic("negotiation.bad_try", f"'{entry['path']}' is not a date",
                               where + ("try",), "next_contract_year applies to a date field")]
    if isinstance(values, str):
        return []
    out = []
    for j, value in enumerate(values):
        if value == UNKNOWN:  # a fix agrees facts; it never unsettles one
            out.append(doc.diagnostic("negotiation.bad_value",
                                      f"'{entry['path']}' cannot be tried as 'unknown': a fix sets facts, "
                                      "it never makes one unknown", where + ("try", j), _hint(node)))
            continue
        problem = value_problem(node, value)
        if problem:
            out.append(doc.diagnostic("negotiation.bad_value",
                                      f"the value to try for '{entry['path']}' does not fit the scheme: {problem}",
                                      where + ("try", j), _hint(node)))
    return out


def _hint(node) -> str:
    choices = fixed_values(node)
    return ("expected one of: " + ", ".join(map(str, choices))) if choices else "see `vires schema`"
