"""Fix: the smallest sets of negotiable changes that make a scheme valid.

**Candidates** are single changes to the levers of ``policy/negotiation.yaml``
(plus any fact freed with ``--free``). Two prunings keep the search small:
a candidate that makes the scheme bad input on its own is dropped, and so
is one that changes no fact tested by a rule that can decide a verdict
(ultra_vires, refused or approval_required) in the scheme's edition. A new
approval is tried only from a body whose approval some rule of the edition
requires, and never from a body that has refused (a refusal stands).

The **search** is breadth-first by number of changes and stops at the first
size that yields fixes, unless ``limit`` asks for more; a superset of a fix
is not a fix (it is not smallest). Every combination is checked through
``checker.explore.whatif.changed_scheme``, the code path of ``vires whatif``, so
any fix replays there to ``valid``.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ..dates import next_contract_year
from ..diagnostics import Diagnostic, InputError
from ..evaluate.result import VERDICTS, Finding, Result
from ..evaluate.verdict import DECISIVE
from ..load.schema import find_node, fixed_values
from ..rules.facts import LISTS, scheme_facts
from ..rules.negotiation import Lever, Negotiation, Record, covers
from .whatif import Change, Comparison, changed_facts, changed_scheme, explain, rule_fields, split_path

#: Closeness of a verdict to valid: pending is nearer than refused, refused
#: nearer than ultra_vires (the verdicts' order, checker.evaluate.result).
CLOSENESS = {verdict: len(VERDICTS) - 1 - rank for rank, verdict in enumerate(VERDICTS)}


@dataclass
class Attempt:
    """One combination of changes tried, and the result it gave."""

    changes: tuple[Change, ...]
    result: Result
    order: tuple[int, ...]  # candidate indices: the deterministic tie-break

    def rank(self) -> tuple:
        """The attempt's place among the closest: nearer verdict, fewer deciding rules and changes first."""
        return (CLOSENESS[self.result.verdict], len(self.result.decided_by), len(self.changes),
                len(self.result.risks), self.order)


@dataclass
class FixReport:
    """What a fix search found: the smallest fixes or, if none, the closest attempts and why."""

    before: Result
    fixes: list[tuple[Attempt, Comparison]] = field(default_factory=list)
    closest: list[Attempt] = field(default_factory=list)
    max_changes: int = 3
    candidates: int = 0
    tried: int = 0
    blockers: list[tuple[Finding, list]] = field(default_factory=list)  # [(finding, [(fact, entry)])]


def find_fixes(checker, scheme, max_changes: int = 3, limit: int | None = None, free=()) -> FixReport:
    """Search for the smallest sets of changes that make ``scheme`` valid."""
    negotiation = Negotiation.from_policy(checker.policy.negotiation)
    before = checker.check_scheme(scheme)
    report = FixReport(before, max_changes=max_changes)
    if before.verdict == "valid":
        return report
    edition = checker.policy.edition(before.edition)
    candidates = candidate_changes(scheme, negotiation, free)
    candidates = _relevant(checker, scheme, edition, candidates)
    report.candidates = len(candidates)
    fixes: list[_Found] = []
    attempts: list[Attempt] = []
    for size in range(1, max_changes + 1):
        for combo in itertools.combinations(range(len(candidates)), size):
            if _conflict([candidates[i] for i in combo]) or any(f.order <= frozenset(combo) for f in fixes):
                continue
            changes = tuple(candidates[i] for i in combo)
            result = _check(checker, scheme, changes)
            report.tried += 1
            if result is None:
                continue
            attempt = Attempt(changes, result, combo)
            if result.verdict == "valid":
                fixes.append(_Found(frozenset(combo), attempt))
            else:
                attempts.append(attempt)
        if fixes and (limit is None or len(fixes) >= limit):
            break
    # Smallest first, then fewer remaining risks, then negotiation-file order.
    found = sorted((f.attempt for f in fixes),
                   key=lambda a: (len(a.changes), len(a.result.risks), a.order))[:limit]
    report.fixes = [(a, explain(checker, scheme.data, _data(scheme, a.changes), before, a.result, a.changes))
                    for a in found]
    if not found:
        start = (CLOSENESS[before.verdict], len(before.decided_by))
        better = [a for a in attempts if a.rank()[:2] < start]
        report.closest = sorted(better, key=Attempt.rank)[:limit or 3]
        report.blockers = blockers(edition, before, negotiation)
    return report


@dataclass
class _Found:
    order: frozenset
    attempt: Attempt


def _data(scheme, changes):
    from .whatif import apply_changes

    return apply_changes(scheme.data, changes)


def _check(checker, scheme, changes):
    try:
        return checker.check_scheme(changed_scheme(checker, scheme, changes))
    except InputError:
        return None


def _conflict(changes) -> bool:
    """Two changes to the same fact (or one inside the other) cannot both
    apply; several additions to one list can."""
    for a, b in itertools.combinations(changes, 2):
        if a.op == b.op == "add" and a.path == b.path:
            continue
        if covers([str(p) for p in a.parts], b.parts) or covers([str(p) for p in b.parts], a.parts):
            return True
    return False


def candidate_changes(scheme, negotiation: Negotiation, free=()) -> list[Change]:
    """Every single change the negotiation file (and --free) allows, in file order."""
    data = scheme.data
    out = []
    for lever in negotiation.levers:
        out += _lever_changes(data, lever)
    for path in free:
        out += _freed_changes(scheme, negotiation, path)
    return _unique(out)


def _unique(changes):
    seen, out = set(), []
    for c in changes:
        key = (c.op, c.path, repr(c.value))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _lever_changes(data, lever: Lever) -> list[Change]:
    out = []
    for parts in expand(data, split_path(lever.path)):
        path = ".".join(map(str, parts))
        if lever.op == "add":
            out += [c for c in (_approval(data, path, v) for v in lever.values) if c]
            continue
        current = _get(data, parts)
        for value in _values(data, lever.values, parts):
            if value != current:
                out.append(Change("set", path, value))
    return out


def _values(data, values, parts):
    if values == "schema":
        return fixed_values(find_node(parts)) or []
    if values == "next_contract_year":
        return [next_contract_year(data["date"])]
    return list(values)


def _approval(data, path, template) -> Change | None:
    """Seek and obtain an approval: a new decision, never from a body that
    has refused, dated on or after that body's latest dated decision so that
    it is the body's latest word (checker.evaluate.verdict.approval_status)."""
    kind = (template.get("body") or {}).get("kind") if isinstance(template, dict) else None
    mine = [d for d in data.get(path, []) if d.get("body", {}).get("kind") == kind] if kind else []
    if any(d.get("status") == "refused" for d in mine):
        return None
    value = dict(template)
    dates = [d["date"] for d in mine if d.get("date")]
    if dates and "date" not in value:
        value["date"] = max(dates)
    return Change("add", path, value)


def _freed_changes(scheme, negotiation: Negotiation, path: str) -> list[Change]:
    parts = split_path(path)
    entry = negotiation.entry_for(parts)
    if isinstance(entry, Record) and entry.history:
        raise _free_error(scheme, path, f"{path} is history and is never changed by a fix: {entry.why}",
                          "explore it with `vires whatif` instead")
    node = find_node(parts)
    if node is None:
        raise _free_error(scheme, path, f"'{path}' is not a path of the scheme",
                          "write a dotted path, e.g. proposers.0.co_commissioning")
    choices = fixed_values(node)
    concrete = expand(scheme.data, parts)
    if choices is not None:
        return [Change("set", ".".join(map(str, p)), v) for p in concrete for v in choices
                if v != _get(scheme.data, p)]
    if parts and isinstance(parts[-1], int):
        if _get(scheme.data, parts) is None:
            raise _free_error(scheme, path, f"this scheme has no {path}",
                              "list items are numbered from 0; check the scheme")
        return [Change("remove", path)]
    raise _free_error(scheme, path, f"'{path}' has no fixed set of values to try",
                      "free a field with fixed choices (e.g. a co_commissioning level) or one list item to remove")


def _free_error(scheme, path, message, hint):
    line, column = scheme.doc.locate(split_path(path))
    return InputError([Diagnostic("fix.bad_free", f"--free {path}: {message}", scheme.file, line, column,
                                  split_path(path), hint)])


def expand(data, parts) -> list[tuple]:
    """Concrete paths for a pattern: * becomes each existing item's number."""
    paths: list[tuple] = [()]
    for part in parts:
        nxt = []
        for p in paths:
            if part == "*":
                node = _get(data, p)
                nxt += [p + (i,) for i in range(len(node))] if isinstance(node, list) else []
            else:
                nxt.append(p + (part,))
        paths = nxt
    return paths


def _get(data, parts):
    node = data
    for part in parts:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _relevant(checker, scheme, edition, candidates) -> list[Change]:
    """Drop candidates that are bad input alone or touch no deciding fact."""
    deciding = set()
    for rule in edition.rules:
        if rule.effect in DECISIVE:
            deciding |= rule_fields(rule)
    approvers = {r.body for r in edition.rules if r.effect == "approval_required"}
    base = scheme_facts(scheme.data)
    out = []
    for change in candidates:
        try:
            changed = changed_scheme(checker, scheme, [change])
        except InputError:
            continue
        if change.op == "add" and change.parts[0] == "decisions":
            if change.value.get("body", {}).get("kind") in approvers:
                out.append(change)
            continue
        moved = changed_facts(base, scheme_facts(changed.data))
        if checker.edition_for(changed).id != edition.id or deciding.intersection(moved):
            out.append(change)
    return out


def blockers(edition, result, negotiation: Negotiation) -> list:
    """For each rule deciding the verdict, the facts it tests and whether each
    is negotiable or of record: why no fix was found."""
    out = []
    for finding in result.findings:
        if finding.rule not in result.decided_by:
            continue
        facts = sorted(rule_fields(edition.rule(finding.rule)))
        out.append((finding, [(name, negotiation.entry_for(scheme_path(name))) for name in facts]))
    return out


def scheme_path(fact: str) -> tuple:
    """Where a fact comes from in the scheme: decisions.status -> decisions.*.status."""
    parts = fact.split(".")
    if parts[0] in LISTS:
        rest = ["body", "kind"] if parts[1] == "body" else parts[1:]
        return (parts[0], "*", *rest)
    if parts[0] == "timing":
        return ("effective_from",)
    if parts[:2] == ["change", "alternative_work"] and parts[-1] == "present":
        return ("change", "alternative_work")
    return tuple(parts)
