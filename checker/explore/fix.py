"""Fix: the smallest sets of negotiable changes that make a scheme valid.

A **fix** is a set of changes after which the scheme is **valid**: a
determined verdict, resting on a power for every act. A change that leaves
the verdict undetermined is never a fix, however likely valid it looks.

**Candidates** are single changes to the levers of ``policy/negotiation.yaml``
(plus any fact freed with ``--free``): each value a lever tries that differs
from the scheme's, never ``unknown``. Setting a fact the scheme leaves unknown
is a candidate too: the negotiator agrees it that way. A new decision is
only ever added (a decision of record is never edited or removed), as a
formal grant dated no earlier than that body's latest decision, and never
for a body that has refused or whose decision is not known (a refusal
stands; an unknown one may be a refusal). The maker's own formal decision
(``<power>/made``) is obtained the same way.

**Pruning**: a candidate that makes the scheme bad input on its own is
dropped, and so is one that changes no fact tested by a component the
verdict reads (``checker.evaluate.verdict.decisive_components``) in any
act: it cannot change any verdict.

The **search** is breadth-first by number of changes and stops at the first
size that yields fixes, unless ``limit`` asks for more; a superset of a fix
is not a fix (it is not smallest). Every combination is checked through
``checker.explore.whatif.changed_scheme``, the code path of ``vires whatif``,
and decided by ``checker.evaluate.verdict.assess``, as ``vires check``
decides; so any fix replays through ``whatif`` to ``valid``.

When there is no fix, the report says what stands in the way: for each id
that decides the verdict (or, for an undetermined verdict, each fact to find
out), the facts of the scheme behind it and whether each is negotiable or
of record.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ..dates import add_days, is_date, next_contract_year
from ..diagnostics import Diagnostic, InputError
from ..evaluate.result import Finding, Result
from ..evaluate.unknowns import acts_of
from ..evaluate.verdict import VERDICTS, assess, decisive_components
from ..load.schema import find_node, fixed_values, unwrap
from ..load.scheme import existed
from ..rules.conditions import fields_of
from ..rules.facts import LISTS, UNKNOWN, act_facts, body_kinds, maker, targets
from ..rules.negotiation import Lever, Negotiation, Record, covers
from .whatif import Change, apply_changes, changed_facts, changed_scheme, explain, finding_fields, split_path

#: Closeness of a verdict to valid: 0 is valid; pending is nearer than
#: refused, refused nearer than ultra_vires (the verdicts' order).
CLOSENESS = {verdict: len(VERDICTS) - 1 - rank for rank, verdict in enumerate(VERDICTS)}


@dataclass
class Attempt:
    """One combination of changes tried, and the result it gave."""

    changes: tuple[Change, ...]
    result: Result
    order: tuple[int, ...]  # candidate indices: the deterministic tie-break
    deadlines: tuple = ()  # Deadline of each change that must be done before the scheme starts (fixes)

    def rank(self) -> tuple:
        """The attempt's place among the closest: nearer verdict (an undetermined
        one by the worst it could be, after a determined one as near), fewer
        deciding ids, fewer changes first."""
        return verdict_rank(self.result) + (len(self.changes), len(self.result.risks), self.order)


def verdict_rank(result) -> tuple:
    """How near a result is to valid: (closeness of its verdict, or of the worst
    an undetermined one could be; whether it is undetermined; deciding ids)."""
    if result.undetermined is not None:
        worst = result.undetermined.possible_verdicts[0] if result.undetermined.possible_verdicts else VERDICTS[0]
        return (CLOSENESS[worst], 1, len(result.decided_by))
    return (CLOSENESS[result.verdict], 0, len(result.decided_by))


@dataclass(frozen=True)
class Deadline:
    """When a change of a fix must be done by, counted from the scheme's ``date``
    (the day of the proposal): a consultation of ``weeks`` weeks, a consultation,
    an approval or the maker's own decision must be done before the scheme starts
    (``effective_from``). ``late`` says whether, begun on the scheme's date, it
    could not be done before the scheme would have ``started``, or ``ended``
    (``effective_to``); "" when it can. ``by`` is "" when the start is not known."""

    path: str  # the dotted path the change sets or adds
    what: str  # consultation_weeks | consultation | approval
    by: str  # the latest day to begin (weeks) or to have done it; "" when the start is not known
    done: str  # the earliest day it can be done, begun on the scheme's date
    starts: str  # the scheme's start, after the fix's changes ("" when not known)
    ends: str  # the scheme's end, after the fix's changes ("" when not known)
    late: str = ""  # "" | started | ended
    weeks: int = 0
    body: str = ""  # approvals: the kind of body


def deadlines(data: dict, changes) -> list[Deadline]:
    """For each change of a fix that needs something done before the scheme
    starts, by when, and whether that is already too late (docs/whatif.md)."""
    changed = apply_changes(data, changes)
    today = str(data["date"]) if is_date(data.get("date")) else ""
    starts = str(changed["effective_from"]) if is_date(changed.get("effective_from")) else ""
    ends = str(changed["effective_to"]) if is_date(changed.get("effective_to")) else ""
    out = []
    for change in changes:
        weeks, body = 0, ""
        if change.path == "consultations.local_weeks" and isinstance(change.value, int) and change.value > 0:
            what, weeks = "consultation_weeks", change.value
        elif change.path in ("consultations.lmc", "consultations.gpc") and change.value is True:
            what = "consultation"
        elif change.op == "add" and change.path == "decisions" and isinstance(change.value, dict):
            what, body = "approval", str((change.value.get("body") or {}).get("kind", ""))
        else:
            continue
        done = add_days(today, 7 * weeks) if today else ""
        by = add_days(starts, -7 * weeks) if starts and weeks else starts
        late = ""
        if done and ends and done > ends:
            late = "ended"
        elif done and starts and done > starts:
            late = "started"
        out.append(Deadline(change.path, what, by, done, starts, ends, late, weeks, body))
    return out


@dataclass(frozen=True)
class Blocker:
    """Why no fix was found: an id that decides the verdict (or a fact to find
    out when it is undetermined), what it says, and the scheme's facts behind
    it, each with its entry in the negotiation file (None: neither)."""

    reason: str  # an id of decided_by, or the dotted path of a fact to find out
    finding: Finding | None  # what the id says; None for a fact to find out
    facts: tuple[tuple[str, Lever | Record | None], ...]  # (scheme path, entry)

    def of_record(self) -> list[tuple[str, Record]]:
        """The facts of record behind this reason, which no fix changes."""
        return [(path, entry) for path, entry in self.facts if isinstance(entry, Record)]


@dataclass
class FixReport:
    """What a fix search found: the smallest fixes or, if none, the closest attempts and why."""

    before: Result
    fixes: list[tuple[Attempt, object]] = field(default_factory=list)  # (attempt, whatif Comparison)
    closest: list[Attempt] = field(default_factory=list)
    max_changes: int = 3
    candidates: int = 0
    tried: int = 0
    blockers: list[Blocker] = field(default_factory=list)
    unknown: frozenset = frozenset()  # dotted paths the scheme leaves unknown that a candidate sets
    maker: str | None = None  # the kind of body that makes the change, if known
    never: list[str] = field(default_factory=list)  # ids that rule out any fix, whatever the changes


def find_fixes(checker, scheme, max_changes: int = 3, limit: int | None = None, free=()) -> FixReport:
    """Search for the smallest sets of changes that make ``scheme`` valid."""
    negotiation = Negotiation.from_policy(checker.policy.negotiation)
    before = checker.check_scheme(scheme)
    body = maker(scheme.data)
    report = FixReport(before, max_changes=max_changes, maker=body["kind"] if body else None)
    if before.verdict == "valid":
        return report
    edition = checker.policy.edition(before.edition)
    candidates, movable = _relevant(checker, scheme, edition,
                                    candidate_changes(scheme, negotiation, free, checker.policy.lifespans))
    report.candidates = len(candidates)
    if movable is not None:
        acts = acts_of(scheme.data, lambda facts: checker.engine.truths(edition.id, facts))
        report.never = never_valid(edition, acts, movable)
        if report.never:  # no number of changes can do it: say why, without searching
            report.blockers = blockers(edition, before, negotiation)
            return report
    report.unknown = frozenset(c.path for c in candidates if c.op == "set" and _get(scheme.data, c.parts) in
                               (None, UNKNOWN))
    fixes: list[tuple[frozenset, tuple]] = []
    others: list[tuple[tuple, tuple]] = []
    seen: dict = {}
    for size in range(1, max_changes + 1):
        for combo in itertools.combinations(range(len(candidates)), size):
            if _conflict([candidates[i] for i in combo]) or any(f <= frozenset(combo) for f, _ in fixes):
                continue
            changes = tuple(candidates[i] for i in combo)
            report.tried += 1
            valid = _valid(checker, scheme, changes, seen)
            if valid:
                fixes.append((frozenset(combo), combo))
            elif valid is not None:
                others.append((combo, changes))
        if fixes and (limit is None or len(fixes) >= limit):
            break
    attempts = [_attempt(checker, scheme, tuple(candidates[i] for i in combo), combo) for _, combo in fixes]
    # Smallest first, then fewer remaining risks, then negotiation-file order.
    attempts.sort(key=lambda a: (len(a.changes), len(a.result.risks), a.order))
    for a in attempts:
        a.deadlines = tuple(deadlines(scheme.data, a.changes))
    report.fixes = [(a, explain(checker, scheme.data, apply_changes(scheme.data, a.changes), before, a.result,
                                a.changes)) for a in attempts[:limit]]
    if not attempts:
        tried = [_attempt(checker, scheme, changes, combo) for combo, changes in others]
        start = verdict_rank(before)
        better = [a for a in tried if verdict_rank(a.result) < start]
        report.closest = sorted(better, key=Attempt.rank)[:limit or 3]
        report.blockers = blockers(edition, before, negotiation)
    return report


def _valid(checker, scheme, changes, seen: dict) -> bool | None:
    """Whether the changes make the scheme valid, a determined verdict, as ``vires
    check`` decides it (``assess``); None when they make it bad input. ``seen``
    keeps the answer for each set of acts' truths already decided."""
    try:
        changed = changed_scheme(checker, scheme, changes)
    except InputError:
        return None
    edition = checker.edition_for(changed)
    acts = acts_of(changed.data, lambda facts: checker.engine.truths(edition.id, facts))
    key = (edition.id, tuple((target, tuple(sorted(truths.items()))) for target, truths in acts))
    if key not in seen:
        # A determined outcome is the outcome of every assignment of the unknown
        # components, so of the worst one: if that is not valid, neither is the
        # scheme, and the full enumeration is spared.
        worst = assess(edition, [(target, _worst(truths)) for target, truths in acts])
        if worst is None or worst.verdict != "valid":
            seen[key] = False
        else:
            outcome = assess(edition, acts)
            seen[key] = outcome is not None and outcome.verdict == "valid"
    return seen[key]


def _worst(truths: dict) -> dict:
    """The truths with every unknown component set against validity: a power's
    reach, limits, steps and grants false; needs, refusals and rules true."""
    out = dict(truths)
    for cid, value in truths.items():
        if value is None:
            out[cid] = cid.endswith(("#needed", "#refused")) or ("/" not in cid and "#" not in cid)
    return out


def _attempt(checker, scheme, changes, combo) -> Attempt:
    return Attempt(tuple(changes), checker.check_scheme(changed_scheme(checker, scheme, changes)), tuple(combo))


def _conflict(changes) -> bool:
    """Two changes to the same fact (or one inside the other) cannot both
    apply; several additions to one list can."""
    for a, b in itertools.combinations(changes, 2):
        if a.op == b.op == "add" and a.path == b.path:
            continue
        if covers([str(p) for p in a.parts], b.parts) or covers([str(p) for p in b.parts], a.parts):
            return True
    return False


def candidate_changes(scheme, negotiation: Negotiation, free=(), lifespans=None) -> list[Change]:
    """Every single change the negotiation file (and --free) allows, in file
    order; ``lifespans`` (the policy's) limit a freed maker to bodies that existed."""
    data = scheme.data
    out = []
    for lever in negotiation.levers:
        out += _lever_changes(data, lever)
    for path in free:
        out += _freed_changes(scheme, negotiation, path, lifespans)
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


def _choices(parts) -> list | None:
    """The known values a scheme field allows (never ``unknown``), or None."""
    node = find_node(parts)
    if node is None:
        return None
    values = fixed_values(unwrap(node)[0])
    return None if values is None else [v for v in values if v != UNKNOWN]


def _values(data, values, parts):
    if values == "schema":
        return _choices(parts) or []
    if values == "next_contract_year":
        return [next_contract_year(data["date"])]
    return [v for v in values if v != UNKNOWN]


def _approval(data, path, template) -> Change | None:
    """Seek and obtain a formal grant: a new decision, never from a body that
    has refused or whose decision is not known, dated on or after that body's
    latest dated decision so that it is the body's latest word
    (``checker.rules.facts.standing_of``)."""
    kind = (template.get("body") or {}).get("kind") if isinstance(template, dict) else None
    mine = [d for d in data.get(path, []) if d.get("body", {}).get("kind") == kind] if kind else []
    if any(d.get("status") in ("refused", UNKNOWN) for d in mine):
        return None
    value = dict(template)
    dates = [d["date"] for d in mine if d.get("date")]
    if dates and "date" not in value:
        value["date"] = max(dates)
    return Change("add", path, value)


def _freed_changes(scheme, negotiation: Negotiation, path: str, lifespans) -> list[Change]:
    parts = split_path(path)
    entry = negotiation.entry_for(parts)
    if isinstance(entry, Record) and entry.history:
        raise _free_error(scheme, path, f"{path} is history and is never changed by a fix: {entry.why}",
                          "explore it with `vires whatif` instead")
    if parts == ("maker",):
        return _maker_changes(scheme.data, lifespans)
    if find_node(parts) is None:
        raise _free_error(scheme, path, f"'{path}' is not a path of the scheme",
                          "write a dotted path, e.g. maker or maker.co_commissioning")
    choices = _choices(parts)
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
                      "free the maker, a field with fixed choices (e.g. maker.co_commissioning) "
                      "or one list item to remove")


def _maker_changes(data, lifespans) -> list[Change]:
    """Another maker: each kind of body that existed on the scheme's date (a
    CCG at each co-commissioning level), in the schema's order."""
    current = maker(data)
    now = (current["kind"], current.get("co_commissioning")) if current else None
    levels = _choices(("maker", "co_commissioning")) or []
    out = []
    for kind in body_kinds():
        if lifespans and not existed(lifespans, kind, data["date"], data.get("jurisdiction")):
            continue
        for level in (levels if kind == "ccg" else [None]):
            if (kind, level) != now:
                value = {"kind": kind, **({"co_commissioning": level} if level else {})}
                out.append(Change("set", "maker", value))
    return out


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


def deciding_fields(edition) -> set:
    """The fact fields tested by the components the verdict reads, as full names (decisions.status)."""
    decisive = set(decisive_components(edition))
    return {f"{i}.{n}" if i else n for c in edition.components if c.id in decisive for i, n in fields_of(c.when)}


def _relevant(checker, scheme, edition, candidates) -> tuple[list[Change], set | None]:
    """Drop candidates that are bad input alone or change no fact a component the
    verdict reads tests; with the kept ones, the facts they can change (None
    when one changes the edition or the targets, which changes every act)."""
    deciding = deciding_fields(edition)
    out: list[Change] = []
    movable: set | None = set()
    for change in candidates:
        try:
            changed = changed_scheme(checker, scheme, [change])
        except InputError:
            continue
        if checker.edition_for(changed).id != edition.id or targets(changed.data) != targets(scheme.data):
            out.append(change)
            movable = None
            continue
        moved = set()
        for target in targets(scheme.data):
            moved.update(changed_facts(act_facts(scheme.data, target), act_facts(changed.data, target)))
        if deciding & moved:
            out.append(change)
            if movable is not None:
                movable |= moved
    if movable is not None:  # facts derived from two changes together (a new maker and its decision)
        body = maker(scheme.data)
        if body is None or "maker.kind" in movable:
            movable |= {"maker.co_commissioning", "maker.standing"}
        elif f"standing.{body['kind']}" in movable:
            movable.add("maker.standing")
    return out, movable


def never_valid(edition, acts, movable: set) -> list[str]:
    """What makes a scheme never valid, whatever changes to the facts in
    ``movable``: the id of a prohibition or refusal that fires, or may, on
    facts that no change moves; ``act:<target>`` for an act every power of
    which is ruled out on such facts. Empty when a fix may exist.

    Sound because a determined ``valid`` needs, for every act, one power whose
    reach, limits, steps and required approvals are all known and met (set
    every unknown component the wrong way: the outcome must still be valid),
    and no decisive rule that is true or unknown."""
    tests = {c.id: {f"{i}.{n}" if i else n for i, n in fields_of(c.when)} for c in edition.components}
    fixed = lambda cid, truths: not (tests.get(cid, set()) & movable) and cid in truths
    bad = lambda cid, truths: fixed(cid, truths) and truths[cid] is not True
    out = [r.id for r in edition.rules if r.effect in ("ultra_vires", "refused")
           and any(fixed(r.id, t) and t[r.id] is not False for _, t in acts)]
    for target, truths in acts:
        if all(_ruled_out(p, truths, bad, fixed) for p in edition.powers):
            out.append(f"act:{target}")
    return out


def _ruled_out(power, truths, bad, fixed) -> bool:
    """Whether a power can never make an act valid, on facts no change moves."""
    if any(bad(f"{power.id}#{c}", truths) for c in ("holder", "instrument", "target", "when")):
        return True
    if any(bad(p.id, truths) for p in power.limits + power.steps):
        return True
    for a in power.approvals:
        needed = a.kind == "made" or a.when is None or (fixed(f"{a.id}#needed", truths)
                                                        and truths[f"{a.id}#needed"] is not False)
        if needed and bad(f"{a.id}#granted", truths):
            return True
    return False


def blockers(edition, result, negotiation: Negotiation) -> list[Blocker]:
    """Why no fix was found: for each id deciding the verdict, the scheme's facts
    its components test, each with its negotiation entry; for an undetermined
    verdict, each fact to find out."""
    if result.undetermined is not None:
        return [Blocker(fact, None, ((fact, negotiation.entry_for(split_path(fact))),))
                for fact in result.undetermined.ask]
    out = []
    for finding in result.why:
        paths = list(dict.fromkeys(".".join(scheme_path(name))
                                   for name in sorted(finding_fields(edition, finding.rule))))
        out.append(Blocker(finding.rule, finding,
                           tuple((p, negotiation.entry_for(split_path(p))) for p in paths)))
    return out


def scheme_path(fact: str) -> tuple:
    """Where a fact comes from in the scheme: decisions.status -> decisions.*.status,
    standing.icb -> decisions, timing.in_year -> effective_from, change.target -> change.targets."""
    parts = fact.split(".")
    if parts[0] in LISTS:
        rest = ["body", "kind"] if parts[1] == "body" else parts[1:]
        return (parts[0], "*", *rest)
    if parts[0] == "standing" or fact == "maker.standing":
        return ("decisions",)
    if parts[0] == "timing":
        return ("effective_from",)
    if fact == "change.target":
        return ("change", "targets")
    if parts[:2] == ["change", "alternative_work"]:
        return ("change", "alternative_work")
    return tuple(parts)
