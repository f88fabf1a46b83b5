"""Reporting `vires test`: one line per passing case (what decided it, or the
facts to find out for an undetermined one); for a failing one, the file,
expected against got, and every finding that fired."""
from __future__ import annotations

from . import style
from .json_report import dumps
from .neutral import for_terminal, neutralised
from .sources import KIND_WORDS


def _words(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return str(value)


def render_failure(outcome) -> str:
    """The readable account of a failed case (also used by pytest)."""
    outcome = neutralised(outcome, for_terminal)
    r = outcome.result
    lines = [f"{style.error('FAIL')} {outcome.case.file} ({outcome.case.id}, {KIND_WORDS[outcome.case.kind]}, "
             f"edition {r.edition})"]
    for what, expected, got in outcome.failures:
        if what == "missing findings":
            lines.append(f"  findings: expected among them {_words(expected)}, but they did not fire")
        else:
            lines.append(f"  {what}: expected {_words(expected)}, got {_words(got)}")
    lines.append(f"  verdict given: {r.verdict}, decided by {_words(r.decided_by)}")
    if r.undetermined is not None:
        lines.append(f"  facts to find out: {_words(list(r.undetermined.ask))}; the verdict for each answer: "
                     + "; ".join(f"{b.verdict} ({_words(list(b.decided_by))})" for b in r.undetermined.branches))
    lines.append("  findings that fired:")
    lines += [f"    - {f.rule} ({f.effect})" for f in r.findings] or ["    (none)"]
    if r.approvals_needed:
        lines.append("  approvals needed: " + ", ".join(f"{a.body} ({a.status})" for a in r.approvals_needed))
    return "\n".join(lines)


def render_outcomes(outcomes) -> str:
    """The text report of `vires test`: a line per passing case, the account of each failing one."""
    lines = []
    for o in outcomes:
        if o.passed:
            u = o.result.undetermined
            why = ", ".join(o.result.decided_by) or ("find out: " + ", ".join(u.ask) if u else "-")
            lines.append(f"{style.verdict('ok', 'valid')}   {for_terminal(o.case.file)} ({KIND_WORDS[o.case.kind]}): "
                         f"{o.result.verdict} ({for_terminal(why)})")
        else:
            lines.append(render_failure(o))
    failed = sum(not o.passed for o in outcomes)
    lines.append(f"{len(outcomes)} cases: {len(outcomes) - failed} passed, {failed} failed")
    return "\n".join(lines) + "\n"


def render_coverage(uncovered, rule_count: int) -> str:
    """The coverage part of `vires test --coverage`: the rules no passing case asserts."""
    if not uncovered:
        return f"coverage: every one of the {rule_count} powers and rules is asserted by a passing case\n"
    lines = [f"coverage: {len(uncovered)} of {rule_count} powers and rules are asserted by no passing case:"]
    uncovered = neutralised(list(uncovered), for_terminal)
    for u in uncovered:
        lines.append(f"  {u.rule}  ({u.file}:{u.line}; editions: {', '.join(u.editions)})")
        lines.append(style.dim(f"      {' '.join(u.statement.split())}"))
    lines.append("  add a case (kind: documented, from sources a reader can check; or kind: hypothetical, "
                 "with its question) that expects each of them")
    return "\n".join(lines) + "\n"


def outcome_dict(outcome) -> dict:
    """The JSON form of one case's outcome."""
    return {
        "file": outcome.case.file,
        "case": outcome.case.id,
        "kind": outcome.case.kind,
        "passed": outcome.passed,
        "expected": outcome.case.expect,
        "verdict": outcome.result.verdict,
        "decided_by": list(outcome.result.decided_by),
        "findings": outcome.result.finding_ids(),
        "ask": list(outcome.result.undetermined.ask) if outcome.result.undetermined else [],
        "approvals_needed": [a.body for a in outcome.result.approvals_needed],
        "failures": [{"what": w, "expected": e, "got": g} for w, e, g in outcome.failures],
    }


def render_json(outcomes, uncovered=None) -> str:
    """The JSON report of `vires test`, with the uncovered rules when coverage was asked for."""
    data = {"cases": [outcome_dict(o) for o in outcomes],
            "passed": sum(o.passed for o in outcomes),
            "failed": sum(not o.passed for o in outcomes)}
    if uncovered is not None:
        data["uncovered_rules"] = [u.rule for u in uncovered]
    return dumps(data)
