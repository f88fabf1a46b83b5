"""Deciding the verdict from the powers and rules of an edition.

A public body may do only what a power lets it do. For each **act** (the
maker's change to one part of the contract) the engine gives the truth of
every component (``Edition.components``); from those truths:

1. the **candidates** are the powers whose holder, instrument, target and
   ``when`` hold; the **covering** powers are the candidates whose limits all
   hold (and, once the maker has decided, whose preconditions were met);
2. no covering power: the act is beyond the maker's powers (``ultra_vires``),
   because of the candidates' failed limits, or ``no-power:<target>``;
3. otherwise each covering power is ``refused`` (a required approval, the
   maker's own decision included, was refused), ``pending`` (one not formally
   given, or a step not taken) or ``valid``; the act takes the best, and that
   power is the **power used**.

The scheme's verdict, in this precedence: ``ultra_vires`` (a prohibition
fired or an act is uncovered), ``refused`` (a refusal rule fired or an act
is refused), ``pending``, ``valid``. ``decided_by`` names what decided it
(docs/policy-format.md, "The verdict").

With unknown facts a component's truth may be None. ``assess`` tries every
assignment of the unknown components that could matter: when all give the
same outcome, that is the outcome; otherwise it returns None, and
``checker.evaluate.unknowns`` splits on a fact to find out.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..rules.policy import Edition, Power, Rule

#: The verdicts, worst first: the first that applies is the scheme's.
VERDICTS = ("ultra_vires", "refused", "pending", "valid")
#: The answer when the verdict depends on facts the scheme does not give.
UNDETERMINED = "undetermined"
#: A verdict's place in the precedence: 0 is the worst.
PRECEDENCE = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
#: The effects of policy rules, in the order findings are listed.
EFFECTS = ("ultra_vires", "refused", "risk", "route")
#: The rule effects that can decide a verdict; risks and routes are advice.
DECISIVE = EFFECTS[:2]
#: The most unknown components ``assess`` settles by trying every assignment.
MAX_UNKNOWN = 12

Truths = dict[str, "bool | None"]


def no_power(target: str) -> str:
    """The reason an act is uncovered when no power even reaches it."""
    return f"no-power:{target}"


@dataclass(frozen=True)
class Act:
    """How one act stands: its status, why, and the power used."""

    target: str
    status: str  # ultra_vires (uncovered) | refused | pending | valid
    reasons: tuple[str, ...]
    power: str | None = None
    needed: tuple[str, ...] = ()  # approval part ids not formally given (the maker's 'made' included)
    given: tuple[str, ...] = ()  # approval part ids formally given
    steps: tuple[str, ...] = ()  # step part ids not shown taken


@dataclass(frozen=True)
class Outcome:
    """A determined outcome: the verdict, what decided it, each act, and the rules that fired."""

    verdict: str
    decided_by: tuple[str, ...]
    acts: tuple[Act, ...]
    fired: tuple[str, ...]  # decisive rules that fired, in policy order


def _holds(truths: Truths, component: str, absent: bool = True) -> bool:
    value = truths.get(component, absent)
    assert value is not None, component  # _decide is two-valued
    return value


def _power_status(power: Power, t: Truths) -> tuple[str, tuple[str, ...], tuple, tuple, tuple] | None:
    """(status, reasons, needed, given, steps) of a candidate power, or None if it does not reach the act."""
    for component in power.reach:  # holder, instrument, target, when
        if not _holds(t, component):
            return None
    made = _holds(t, f"{power.id}/made#granted")
    outside = [p.id for p in power.limits if not _holds(t, p.id)]
    outside += [p.id for p in power.steps if p.precondition and made and not _holds(t, p.id)]
    if outside:
        return "ultra_vires", tuple(outside), (), (), ()
    needed = [a for a in power.approvals if a.kind == "made" or _holds(t, f"{a.id}#needed")]
    refused = tuple(a.id for a in needed if _holds(t, f"{a.id}#refused"))
    given = tuple(a.id for a in needed if _holds(t, f"{a.id}#granted"))
    unmet = tuple(a.id for a in needed if a.id not in given)
    steps = tuple(p.id for p in power.steps if not _holds(t, p.id))
    if refused:
        return "refused", refused, unmet, given, steps
    if unmet or steps:
        return "pending", unmet + steps, unmet, given, steps
    return "valid", (power.id,), (), given, ()


_BEST = {"valid": 0, "pending": 1, "refused": 2}


def _act(edition: Edition, target: str, t: Truths) -> Act:
    return _choose(target, [(p, _power_status(p, t)) for p in edition.powers])


def _choose(target: str, candidates: list) -> Act:
    """How an act stands, from each power's ``_power_status`` (in policy order)."""
    reached = [(p, s) for p, s in candidates if s is not None]
    covering = [(p, s) for p, s in reached if s[0] != "ultra_vires"]
    if not covering:
        reasons = tuple(r for _, s in reached for r in s[1]) or (no_power(target),)
        return Act(target, "ultra_vires", reasons)
    power, (status, reasons, needed, given, steps) = min(covering, key=lambda ps: _BEST[ps[1][0]])
    return Act(target, status, reasons, power.id, needed, given, steps)


def _decide(edition: Edition, acts: list[tuple[str, Truths]]) -> Outcome:
    """The outcome when every component the verdict reads is known."""
    decided = [_act(edition, target, t) for target, t in acts]
    fired = tuple(r for r in edition.rules if r.effect in DECISIVE and any(t.get(r.id) for _, t in acts))
    return _verdict(decided, fired)


def _verdict(decided: list[Act], fired: tuple[Rule, ...]) -> Outcome:
    """The outcome from how each act stands and the decisive rules that fired."""
    prohibited = [r.id for r in fired if r.effect == "ultra_vires"]
    refusals = [r.id for r in fired if r.effect == "refused"]
    by_status = lambda status: [x for a in decided if a.status == status for x in a.reasons]
    if prohibited or by_status("ultra_vires"):
        verdict, decided_by = "ultra_vires", prohibited + by_status("ultra_vires")
    elif refusals or by_status("refused"):
        verdict, decided_by = "refused", refusals + by_status("refused")
    elif by_status("pending"):
        verdict, decided_by = "pending", by_status("pending")
    else:
        verdict, decided_by = "valid", [a.power for a in decided if a.power]
    return Outcome(verdict, tuple(dict.fromkeys(decided_by)), tuple(decided), tuple(r.id for r in fired))


def _once(edition: Edition, name: str, make):
    """``make(edition)``, made once per edition and kept on it
    (``Edition.derived``), for the functions below that a split calls at
    every node."""
    tables = edition.derived
    found = tables.get(name)
    if found is None:
        found = tables[name] = make(edition)
    return found


def decisive_components(edition: Edition) -> tuple[str, ...]:
    """The ids of the components the verdict reads: every power component and
    every prohibition or refusal rule (not risks or routes)."""
    return _once(edition, "decisive", _decisive)


def _decisive(edition: Edition) -> tuple[str, ...]:
    out = [c.id for p in edition.powers for c in p.components()]
    return tuple(out + [r.id for r in edition.rules if r.effect in DECISIVE])


def unread(edition: Edition, t: Truths) -> set[str]:
    """The components the verdict cannot read in one act, whatever their truth:
    all but the holder, instrument, target and when of a power one of those is
    false of (it is no candidate), and the grant and refusal of an approval
    surely not needed."""
    out: set[str] = set()
    for reach, inner, approvals in _once(edition, "parts", _parts):
        for c in reach:
            if t.get(c, True) is False:
                out.update(inner)
                break
        else:
            for needed, granted, refused in approvals:
                if t.get(needed, True) is False:
                    out.update((granted, refused))
    return out


def _rank(edition: Edition) -> dict[str, int]:
    return {c: n for n, c in enumerate(decisive_components(edition))}


def _parts(edition: Edition) -> tuple:
    """Per power: its reach, its other components, and per approval the ids of
    its need, grant and refusal (for ``unread``)."""
    return tuple((p.reach, p.inner, tuple((f"{a.id}#needed", f"{a.id}#granted", f"{a.id}#refused")
                                          for a in p.approvals)) for p in edition.powers)


def unknown_components(edition: Edition, acts: list[tuple[str, Truths]]) -> list[tuple[int, str]]:
    """The (act index, component id) pairs the verdict reads whose truth is unknown."""
    out = []
    for i, (_, t) in enumerate(acts):
        if None not in t.values():  # no unknown truth at all (most acts): no need to look further
            continue
        rank = _once(edition, "rank", _rank)
        # in the order of decisive_components, whatever the order of t (a component absent is True)
        unknown = sorted([c for c, v in t.items() if v is None and c in rank], key=rank.__getitem__)
        if unknown:  # which of them the verdict cannot read is worth working out only then
            skip = unread(edition, t)
            out += [(i, c) for c in unknown if c not in skip]
    return out


def essence(outcome: Outcome) -> tuple:
    """What two outcomes must share to be the same answer (docs/policy-format.md,
    "Unknowns"): the verdict, ``decided_by``, and unless ultra vires each act's
    power used with its approvals and steps; not how an act that decides nothing stands."""
    used = () if outcome.verdict == "ultra_vires" else tuple(
        (a.target, a.power, a.needed, a.given, a.steps) for a in outcome.acts)
    return outcome.verdict, outcome.decided_by, used


def assess(edition: Edition, acts: list[tuple[str, Truths]]) -> Outcome | None:
    """The outcome of a scheme's acts (target, truths), or None when it depends
    on unknown facts: every assignment of the unknown components the verdict
    reads is tried (up to ``MAX_UNKNOWN`` of them), and the outcome stands only
    if all agree; the outcome given is that of the assignment making them all true.

    An assignment reaches the outcome only through how each power stands in
    each act (``_power_status``, which reads that power's components alone)
    and which decisive rules fired. So each power's unknown components are
    tried on their own, and the outcomes compared are those of every
    combination of the distinct results: the same outcomes as every
    assignment, from far fewer ``_decide``s."""
    unknown = unknown_components(edition, acts)
    if not unknown:
        return _decide(edition, acts)
    if len(unknown) > MAX_UNKNOWN:
        return None
    owner = _once(edition, "owners", _owners)
    mine: dict[tuple[int, str | None], list[str]] = {}
    for i, c in unknown:
        mine.setdefault((i, owner.get(c)), []).append(c)
    groups: list[list] = []  # per act, per power: its distinct statuses, the all-true one first
    for i, (_, t) in enumerate(acts):
        for power in edition.powers:
            groups.append(_distinct(lambda v, power=power: _power_status(power, v), t, mine.get((i, power.id), [])))
    rules = [r for r in edition.rules if r.effect in DECISIVE]
    open_rules = [(i, c) for i, c in unknown if owner.get(c) is None]

    def fired(values) -> tuple[Rule, ...]:
        value = dict(zip(open_rules, values))
        return tuple(r for r in rules if any(value.get((i, r.id), t.get(r.id)) for i, (_, t) in enumerate(acts)))

    groups.append(list(dict.fromkeys(fired(v) for v in itertools.product((True, False), repeat=len(open_rules)))))
    per_act = len(edition.powers)
    found: Outcome | None = None
    for choice in itertools.product(*groups):
        decided = [_choose(target, list(zip(edition.powers, choice[i * per_act:(i + 1) * per_act])))
                   for i, (target, _) in enumerate(acts)]
        outcome = _verdict(decided, choice[-1])
        if found is None:
            found = outcome
        elif essence(outcome) != essence(found):
            return None
    return found


def _distinct(status, t: Truths, open_ids: list[str]) -> list:
    """The distinct values of ``status`` over every assignment of the components
    ``open_ids`` (unknown in ``t``), in the order of ``assess``'s assignments."""
    if not open_ids:
        return [status(t)]
    out: dict = {}
    for values in itertools.product((True, False), repeat=len(open_ids)):
        out.setdefault(status({**t, **dict(zip(open_ids, values))}), None)
    return list(out)


def _owners(edition: Edition) -> dict[str, str]:
    """Component id -> the id of the power it belongs to (rules belong to none)."""
    return {c.id: p.id for p in edition.powers for c in p.components()}
