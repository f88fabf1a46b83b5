"""From an outcome to the Result a person reads, as data: the powers used or
missing, the approvals and steps still needed, the risks and routes, and, for
a verdict that depends on unknown facts, the verdict for each value.

The words are the reporters'; this module only gathers what each says, from
the edition and the truths of the components (``checker.evaluate.verdict``).
"""
from __future__ import annotations

from ..rules.conditions import atoms
from ..rules.facts import UNKNOWN, latest_decision, scheme_facts, unknown_sources
from ..rules.policy import Edition, Power, Rule
from .result import (
    Approval,
    Branch,
    Considered,
    Finding,
    Given,
    MissingPower,
    Possible,
    PowerUse,
    Result,
    Step,
    Undetermined,
)
from .unknowns import Resolution
from .verdict import EFFECTS, PRECEDENCE, UNDETERMINED, Outcome, Truths


def dotted(path: tuple) -> str:
    """A scheme path as people write it: 'decisions.1.status'."""
    return ".".join(str(p) for p in path)


def _finding(item: Rule | Power, effect: str) -> Finding:
    return Finding(item.id, effect, item.statement, item.basis, item.sources)


def _rule_findings(edition: Edition, acts: list[tuple[str, Truths]], data: dict, records: dict[str, dict]):
    """Rules surely true in some act (by effect, then policy order), and the
    risks and routes that are unknown in some act and true in none."""
    sure, maybe = [], []
    sources_of: dict[str, dict] = {}
    for rule in edition.rules:
        truths = [t.get(rule.id) for _, t in acts]
        if any(v is True for v in truths):
            sure.append(rule)
        elif any(v is None for v in truths) and rule.effect in ("risk", "route"):
            maybe.append(rule)
    sure.sort(key=lambda r: EFFECTS.index(r.effect))
    possible: dict[str, list[Possible]] = {"risk": [], "route": []}
    for rule in maybe:
        read = {f"{lst}.{f}" if lst else f for lst, f, _, _ in atoms(rule.when)}
        ask: list[str] = []
        for target, _ in acts:
            if target not in sources_of:
                sources_of[target] = unknown_sources(data, records[target])
            sources = sources_of[target]
            ask += [dotted(p) for field in sorted(read) for p in sources.get(field, ())]
        possible[rule.effect].append(Possible(_finding(rule, rule.effect), tuple(dict.fromkeys(ask))))
    return sure, possible["risk"], possible["route"]


def _reason(data: dict, kind: str) -> str:
    latest = latest_decision(data.get("decisions", []), kind)
    return latest[1].get("reason", "") if latest else ""


def _approvals(edition: Edition, outcome: Outcome, data: dict, facts: dict):
    needed: list[Approval] = []
    given: list[Approval] = []
    steps: list[Step] = []
    maker_kind = facts["maker"]["kind"]
    for act in outcome.acts:
        if act.power is None:
            continue
        power = edition.power(act.power)
        for part_id, into in [(p, needed) for p in act.needed] + [(p, given) for p in act.given]:
            part = power.part(part_id)
            body = str(maker_kind if part.kind == "made" else part.body)  # an approval always names its body
            status = facts["standing"].get(body, UNKNOWN) if body != UNKNOWN else UNKNOWN
            approval = Approval(body, status, part_id, _reason(data, body))
            if approval not in into:
                into.append(approval)
        for part_id in act.steps:
            part = power.part(part_id)
            step = Step(part_id, part.statement, part.basis, part.sources)
            if step not in steps:
                steps.append(step)
    return needed, given, steps


def _considered(power: Power, lacks: list[str]) -> Considered:
    return Considered(power.id, power.statement, power.basis, power.sources, power.holder_kinds, tuple(lacks),
                      power.holder_levels, power.instruments, power.targets)


def missing_power(edition: Edition, target: str, truths: Truths, facts: dict) -> MissingPower:
    """The powers nearest an act no power covers, and what each lacks."""
    false = lambda cid: truths.get(cid, True) is False
    candidates, maker_powers, others = [], [], []
    for p in edition.powers:
        reach = [c for c in ("instrument", "target", "when") if false(f"{p.id}#{c}")]
        if false(f"{p.id}#holder"):
            if not false(f"{p.id}#target"):
                others.append(_considered(p, ["holder"] + reach))
        elif reach:
            maker_powers.append(_considered(p, reach))
        else:
            failed = [x.id for x in p.limits if false(x.id)]
            failed += [x.id for x in p.steps if x.precondition and false(x.id)
                       and truths.get(f"{p.id}/made#granted") is True]
            if failed:
                candidates.append(_considered(p, failed))
    kind = facts["maker"]["kind"]
    role = edition.roles.get(kind) if kind != UNKNOWN else None
    role_finding = Finding(f"role:{kind}", "role", role.statement, role.basis, role.sources) if role else None
    return MissingPower(target, facts["change"]["instrument"], kind, role_finding,
                        not edition.targets or target in edition.targets,
                        tuple(candidates), tuple(maker_powers), tuple(others))


def reasons(edition: Edition, decided_by) -> list[Finding]:
    """What each id of ``decided_by`` says: a power, a part of a power, a rule,
    or ``no-power:<target>`` (whose words the reporters compose from
    ``missing_powers``), as Findings in the same order."""
    out = []
    for rid in decided_by:
        if rid.startswith("no-power:"):
            out.append(Finding(rid, "no_power", "", "", ()))
            continue
        owner = rid.split("/")[0]
        power = next((p for p in edition.powers if p.id == owner), None)
        if power is not None and "/" in rid:
            part = power.part(rid)
            out.append(Finding(rid, part.kind, part.statement, part.basis, part.sources))
        elif power is not None:
            out.append(_finding(power, "power"))
        else:
            rule = edition.rule(rid)
            out.append(_finding(rule, rule.effect))
    return out


def _base(edition: Edition, data: dict, verdict: str, decided_by, findings, risks, routes) -> Result:
    return Result(scheme=data.get("id", ""), title=data.get("title", ""), verdict=verdict,
                  edition=edition.id, edition_title=edition.title, decided_by=list(decided_by),
                  findings=findings, approvals_needed=[], approvals_given=[],
                  risks=[f for f in findings if f.effect == "risk"], routes=[f for f in findings if f.effect == "route"],
                  possible_risks=risks, possible_routes=routes, why=reasons(edition, decided_by))


def determined(edition: Edition, data: dict, acts: list[tuple[str, Truths]], outcome: Outcome,
               records: dict[str, dict] | None = None) -> Result:
    """The Result of a scheme whose verdict is determined (``records``: the
    fact record of each act, when already built)."""
    records = records or scheme_facts(data)
    facts = records[acts[0][0]]
    sure, risks, routes = _rule_findings(edition, acts, data, records)
    used = list(dict.fromkeys(a.power for a in outcome.acts if a.power and outcome.verdict != "ultra_vires"))
    findings = [_finding(edition.power(p), "power") for p in used] + [_finding(r, r.effect) for r in sure]
    result = _base(edition, data, outcome.verdict, outcome.decided_by, findings, risks, routes)
    if outcome.verdict != "ultra_vires":
        result.powers_used = [PowerUse(a.target, p.id, p.statement, p.basis, p.sources)
                              for a in outcome.acts if a.power for p in [edition.power(a.power)]]
        result.approvals_needed, result.approvals_given, result.steps_needed = _approvals(
            edition, outcome, data, facts)
    truths = dict(acts)
    result.missing_powers = [missing_power(edition, a.target, truths[a.target], records[a.target])
                             for a in outcome.acts if a.status == "ultra_vires"]
    return result


def undetermined(edition: Edition, data: dict, acts: list[tuple[str, Truths]],
                 resolution: Resolution, records: dict[str, dict] | None = None) -> Result:
    """The Result of a scheme whose verdict depends on facts it does not give."""
    sure, risks, routes = _rule_findings(edition, acts, data, records or scheme_facts(data))
    findings = [_finding(r, r.effect) for r in sure if r.effect in ("risk", "route")]
    result = _base(edition, data, UNDETERMINED, (), findings, risks, routes)
    branches = tuple(
        Branch(tuple(Given(dotted(g.path), g.values, g.ranges) for g in leaf.given), leaf.outcome.verdict,
               leaf.outcome.decided_by,
               tuple(dict.fromkeys(a.power for a in leaf.outcome.acts if a.power
                                   and leaf.outcome.verdict != "ultra_vires")),
               tuple(reasons(edition, leaf.outcome.decided_by)))
        for leaf in resolution.branches)
    verdicts = sorted({b.verdict for b in branches}, key=PRECEDENCE.__getitem__)
    result.undetermined = Undetermined(tuple(verdicts), tuple(dotted(p) for p in resolution.ask),
                                       branches, resolution.complete)
    return result
