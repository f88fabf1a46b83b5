"""The verify report: per edition, how many schemes, how long, what each outcome was, what decided."""
from __future__ import annotations

from ..evaluate.result import OUTCOMES
from ..evaluate.verdict import PRECEDENCE
from .json_report import dumps
from .neutral import for_terminal, neutralised


def precedence_words(overlap) -> str:
    """How the verdict settles two decisive things that applied to one act, in words."""
    (a, ka), (b, kb) = (overlap.first, overlap.kinds[0]), (overlap.second, overlap.kinds[1])
    if ka == kb == "power":
        return f"both powers reach the act: the better status decides, then policy order ({a} first)"
    if "power" in (ka, kb):
        (rule, effect), power = ((a, ka), b) if kb == "power" else ((b, kb), a)
        if effect == "ultra_vires":
            return f"the prohibition ({rule}) makes it ultra vires whatever the power ({power}) allows"
        return f"the refusal ({rule}) makes it refused unless an act is beyond powers, whatever the power ({power}) allows"
    if ka != kb:
        (high, high_id), (low, low_id) = sorted(((ka, a), (kb, b)), key=lambda e: PRECEDENCE[e[0]])
        return f"{high} ({high_id}) over {low} ({low_id})"
    return f"both {ka}: both decide"


def overlap_dict(overlap) -> dict:
    """The JSON form of an overlap."""
    return {"items": [overlap.first, overlap.second], "kinds": list(overlap.kinds), "schemes": overlap.schemes,
            "precedence": precedence_words(overlap), "decided_by": dict(sorted(overlap.decided.items()))}


def edition_dict(report) -> dict:
    """The JSON form of one edition's report."""
    return {"edition": report.edition, "schemes": report.schemes,
            "seconds": round(report.seconds, 2), "design": report.design,
            "verdicts": {v: report.verdicts[v] for v in OUTCOMES},
            "never_used": report.never_used, "never_fired": report.never_fired,
            "never_decisive": report.never_decisive,
            "overlaps": [overlap_dict(o) for o in report.overlaps], "failures": report.failures}


def render_verify(reports) -> str:
    """The verify report as text: per edition, the schemes, the outcomes, the overlaps and any failure."""
    reports = neutralised(list(reports), for_terminal)
    lines = []
    for r in reports:
        outcome = (f"{len(r.failures)} FAILED" if r.failures
                   else "every one got exactly one outcome")
        lines.append(f"{r.edition}: {r.schemes} schemes checked in {r.seconds:.1f} s: {outcome}")
        lines.append("  outcomes: " + ", ".join(f"{v} {r.verdicts[v]}" for v in OUTCOMES))
        lines.append("  schemes from: " + ", ".join(f"{k} {n}" for k, n in r.design.items()))
        lines.append("  powers never used: " + (", ".join(r.never_used) or "none"))
        lines.append("  rules never fired: " + (", ".join(r.never_fired) or "none"))
        lines.append("  never decisive: " + (", ".join(r.never_decisive) or "none"))
        if r.overlaps:
            lines.append("  overlaps (both applied to one act), and how the verdict settled them:")
        for o in r.overlaps:
            decided = "; ".join(f"{who} {n}" for who, n in sorted(o.decided.items()))
            lines.append(f"    {o.first} + {o.second}: {o.schemes} acts; {precedence_words(o)}; "
                         f"decided by: {decided}")
        for f in r.failures[:20]:
            scheme = ", ".join(f"{k}={v}" for k, v in f["scheme"].items())
            lines.append(f"  FAILED: {f['problem']}\n    scheme: {scheme}")
    total = sum(r.schemes for r in reports)
    failures = sum(len(r.failures) for r in reports)
    seconds = sum(r.seconds for r in reports)
    lines.append(f"total: {total} schemes in {len(reports)} edition(s), {seconds:.1f} s of checking, "
                 f"{failures} failure(s)")
    return "\n".join(lines) + "\n"


def render_verify_json(reports) -> str:
    """The verify report as JSON."""
    return dumps({"editions": [edition_dict(r) for r in reports],
                  "schemes": sum(r.schemes for r in reports),
                  "failures": sum(len(r.failures) for r in reports)})
