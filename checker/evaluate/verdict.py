"""Deciding the verdict from the rules that fired.

Exactly one verdict, in this precedence:

1. ``ultra_vires``: any ultra_vires finding;
2. ``refused``: any refused finding, or a required approval that the body's
   latest decision refused;
3. ``pending``: a required approval not formally granted (an informal
   blessing is not sanction: Leeds, ``000_3a506d00feed4879.txt``);
4. ``valid``: otherwise.

The rules that decided it are named: the ultra_vires findings; the refusals;
the unmet approvals; or, for a valid scheme, the approvals that were met.
"""
from __future__ import annotations

from ..rules.policy import Edition
from .result import Approval, Finding, Result

#: The effects of policy rules in precedence order: the first effect any
#: finding has decides the verdict (docs/policy-format.md).
EFFECTS = ("ultra_vires", "refused", "approval_required", "risk", "route")
#: The effects that can decide a verdict; risks and routes are advice.
DECISIVE = EFFECTS[:3]
#: An effect's place in the precedence: 0 is the strongest.
PRECEDENCE = {effect: rank for rank, effect in enumerate(EFFECTS)}


def approval_status(decisions: list, body: str) -> tuple[str, str]:
    """Where a body stands: its latest decision (by date, then file order)."""
    mine = [d for d in decisions if d["body"]["kind"] == body]
    if not mine:
        return "not_sought", ""
    latest = sorted(enumerate(mine), key=lambda p: (p[1].get("date", ""), p[0]))[-1][1]
    status = latest["status"]
    if status == "granted" and latest.get("formality", "formal") == "informal":
        status = "informal"
    return status, latest.get("reason", "")


def decide(edition: Edition, fired: list[str], data: dict) -> Result:
    """The result of a scheme from the rules of its edition that fired: exactly one verdict, and why."""
    rules = [edition.rule(rule_id) for rule_id in fired]
    rules.sort(key=lambda r: PRECEDENCE[r.effect])  # stable: policy order within an effect
    findings = [Finding(r.id, r.effect, r.statement, r.basis, r.sources, r.body) for r in rules]

    needed: list[Approval] = []
    given: list[Approval] = []
    seen = set()
    for f in findings:  # (reading the policy makes every approval_required rule name a body)
        if f.effect != "approval_required" or f.body is None or f.body in seen:
            continue
        seen.add(f.body)
        status, reason = approval_status(data.get("decisions", []), f.body)
        approval = Approval(f.body, status, f.rule, reason)
        (given if status == "granted" else needed).append(approval)

    by_effect = lambda kind: [f.rule for f in findings if f.effect == kind]
    refused_approvals = [a.rule for a in needed if a.status == "refused"]
    if by_effect("ultra_vires"):
        # No approval could make it lawful as proposed, so none is "needed".
        verdict, decided_by = "ultra_vires", by_effect("ultra_vires")
        needed = []
    elif by_effect("refused") or refused_approvals:
        verdict, decided_by = "refused", by_effect("refused") + refused_approvals
    elif needed:
        verdict, decided_by = "pending", [a.rule for a in needed]
    else:
        verdict, decided_by = "valid", [a.rule for a in given]

    return Result(
        scheme=data.get("id", ""), title=data.get("title", ""), verdict=verdict,
        edition=edition.id, edition_title=edition.title,
        decided_by=list(dict.fromkeys(decided_by)), findings=findings,
        approvals_needed=needed, approvals_given=given,
        risks=[f for f in findings if f.effect == "risk"],
        routes=[f for f in findings if f.effect == "route"],
    )
