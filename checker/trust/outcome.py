"""The spec's verdict on a solver record (docs/policy-format.md, "The verdict").

From the two-valued truth of each component in each act of a record
(``checker.trust.encode``), as formulas: the candidates and covering powers,
each covering power's status, each act's status and power used, the
scheme's verdict by precedence and, for every power, part, rule and
``no-power:<target>``, whether it is in ``decided_by``. A record is
**definite** when vires settles its verdict without splitting on a fact;
then that verdict is this one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..rules.policy import Edition
from .encode import AND, IFF, NOT, OR, Record
from .solver import z3

#: The verdicts, worst first (docs/policy-format.md, "The verdict").
VERDICTS = ("ultra_vires", "refused", "pending", "valid")
#: The most unknown components vires settles by trying every assignment (policy-format.md, "Unknowns").
MAX_UNKNOWN = 12


@dataclass
class Act:
    """The spec's verdict logic for one act, on the two-valued truths of its components."""

    target: str
    present: object
    candidate: dict = field(default_factory=dict)
    covers: dict = field(default_factory=dict)
    status: dict = field(default_factory=dict)  # power -> {refused, pending, valid: bool}
    used: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)  # id -> when it is among this act's reasons, by act status
    uncovered: object = False
    valid: object = False
    pending: object = False
    refused: object = False


def _act(edition: Edition, record: Record, target: str, val) -> Act:
    act = Act(target, record.targets[target])
    fail: dict[str, list] = {}  # part id -> conditions under which it is a reason the act is uncovered
    pend: dict[str, list] = {}
    refuse: dict[str, list] = {}
    for p in edition.powers:
        cand = AND(*(val(f"{p.id}#{c}") for c in ("holder", "instrument", "target", "when")))
        made = val(f"{p.id}/made#granted")
        outside = {x.id: AND(cand, NOT(val(x.id))) for x in p.limits}
        outside.update({x.id: AND(cand, made, NOT(val(x.id))) for x in p.steps if x.precondition})
        covers = AND(cand, *(NOT(o) for o in outside.values()))
        needed = {a.id: True if a.kind == "made" else val(f"{a.id}#needed") for a in p.approvals}
        refused = {a: AND(n, val(f"{a}#refused")) for a, n in needed.items()}
        unmet = {a: AND(n, NOT(val(f"{a}#granted"))) for a, n in needed.items()}
        steps = {x.id: NOT(val(x.id)) for x in p.steps}
        is_refused = AND(covers, OR(*refused.values()))
        is_pending = AND(covers, NOT(is_refused), OR(*unmet.values(), *steps.values()))
        act.candidate[p.id], act.covers[p.id] = cand, covers
        act.status[p.id] = {"refused": is_refused, "pending": is_pending,
                            "valid": AND(covers, NOT(is_refused), NOT(is_pending))}
        for part, why in outside.items():
            fail.setdefault(part, []).append(why)
        for part, why in list(refused.items()):
            refuse.setdefault(part, []).append((p.id, why))
        for part, why in list(unmet.items()) + list(steps.items()):
            pend.setdefault(part, []).append((p.id, why))
    ids = [p.id for p in edition.powers]
    act.uncovered = NOT(OR(*act.covers.values()))
    act.valid = OR(*(act.status[i]["valid"] for i in ids))
    act.pending = AND(NOT(act.valid), OR(*(act.status[i]["pending"] for i in ids)))
    act.refused = AND(NOT(act.valid), NOT(act.pending), OR(*(act.status[i]["refused"] for i in ids)))
    for n, pid in enumerate(ids):  # the best status, and among equals the first in policy order
        def first(status, pid=pid, n=n):
            return AND(act.status[pid][status], *(NOT(act.status[q][status]) for q in ids[:n]))
        act.used[pid] = OR(first("valid"), AND(act.pending, first("pending")), AND(act.refused, first("refused")))
    act.reasons = {
        "ultra_vires": {part: AND(act.uncovered, OR(*whys)) for part, whys in fail.items()},
        "refused": {part: AND(act.refused, OR(*(AND(act.used[i], w) for i, w in whys)))
                    for part, whys in refuse.items()},
        "pending": {part: AND(act.pending, OR(*(AND(act.used[i], w) for i, w in whys)))
                    for part, whys in pend.items()},
        "valid": {i: AND(act.valid, act.used[i]) for i in ids},
    }
    act.reasons["ultra_vires"][f"no-power:{target}"] = AND(act.uncovered, NOT(OR(*act.candidate.values())))
    return act


@dataclass
class Verdict:
    """The spec's scheme verdict on a record: each verdict's condition, the
    rules that fired, each act, and for every id whether it is in ``decided_by``."""

    record: Record
    acts: dict[str, Act]
    fired: dict[str, object]  # rule id -> it fires for the scheme (any act)
    is_: dict[str, object]  # verdict -> the scheme has it
    decided_by: dict[str, object]
    used: dict[str, object]  # power id -> it is the power used for some act (not when ultra vires)


def verdict(record: Record) -> Verdict:
    """The verdict of the record, from the sure truth of each component (the
    verdict of a record whose decisive components are all known, ``definite``)."""
    edition = record.edition
    acts = {}
    for t in record.target_names:
        truths = record.truths(t)
        acts[t] = _act(edition, record, t, lambda cid, truths=truths: truths.get(cid, (True, True))[0])
    there = [(a.present, a) for a in acts.values()]
    fired = {r.id: OR(*(AND(p, record.truths(a.target)[r.id][0]) for p, a in there)) for r in edition.rules}
    effect = {r.id: r.effect for r in edition.rules}
    some = lambda attr: OR(*(AND(p, getattr(a, attr)) for p, a in there))  # noqa: E731
    ultra = OR(*(fired[r] for r in fired if effect[r] == "ultra_vires"), some("uncovered"))
    refused = AND(NOT(ultra), OR(*(fired[r] for r in fired if effect[r] == "refused"), some("refused")))
    pending = AND(NOT(ultra), NOT(refused), some("pending"))
    valid = AND(NOT(ultra), NOT(refused), NOT(pending))
    is_ = {"ultra_vires": ultra, "refused": refused, "pending": pending, "valid": valid}
    decided: dict[str, list] = {}
    for r in edition.rules:
        if effect[r.id] in ("ultra_vires", "refused"):
            decided.setdefault(r.id, []).append(AND(is_[effect[r.id]], fired[r.id]))
    for p, a in there:
        for status, reasons in a.reasons.items():
            for rid, why in reasons.items():
                decided.setdefault(rid, []).append(AND(is_[status], p, why))
    used = {pw.id: AND(NOT(ultra), OR(*(AND(p, a.used[pw.id]) for p, a in there))) for pw in edition.powers}
    return Verdict(record, acts, fired, is_, {rid: OR(*w) for rid, w in decided.items()}, used)


def definite(record: Record):
    """vires settles the record's verdict by the two-valued rules: every component
    the verdict reads is known where it reads it (a power's limits, steps and
    approvals only where the power is a candidate), and no more than
    ``MAX_UNKNOWN`` of them are unknown, for vires tries every assignment of at
    most that many (docs/policy-format.md, "Unknowns"). A witness may leave out
    what the verdict never reads."""
    out, unknown = [], []
    edition = record.edition
    rules = [r.id for r in edition.rules if r.effect in ("ultra_vires", "refused")]
    for t in record.target_names:
        truths = record.truths(t)
        there = record.targets[t]
        known = lambda cid: IFF(*truths[cid]) if cid in truths else True  # noqa: E731
        needs = [known(r) for r in rules]
        for p in edition.powers:
            reach = [f"{p.id}#{c}" for c in ("holder", "instrument", "target", "when")]
            rest = [x.id for x in p.limits + p.steps] + [f"{a.id}#{c}" for a in p.approvals
                                                        for c in ("needed", "granted", "refused")]
            candidate = AND(*(truths.get(c, (True, True))[0] for c in reach))
            needs += [known(c) for c in reach]
            needs.append(OR(NOT(candidate), AND(*(known(c) for c in rest))))
            unknown += [AND(there, NOT(known(c))) for c in rest]
        out.append(OR(NOT(there), AND(*needs)))
    surely = sum(u is True for u in unknown)
    maybe = [u for u in unknown if not isinstance(u, bool)]
    if surely > MAX_UNKNOWN:
        return False
    cap = [z3.AtMost(*maybe, MAX_UNKNOWN - surely)] if len(maybe) > MAX_UNKNOWN - surely else []
    return AND(*out, *cap)
