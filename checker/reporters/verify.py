"""The verify report: per edition, how many schemes, how long, what decided."""
from __future__ import annotations

from ..evaluate.result import VERDICTS
from ..evaluate.verdict import PRECEDENCE
from .json_report import dumps
from .neutral import for_terminal, neutralised


def precedence_words(overlap) -> str:
    """How precedence settles two rules that fired together, in words."""
    a, b = overlap.effects
    if a != b:
        (high, high_id), (low, low_id) = sorted(((a, overlap.first), (b, overlap.second)),
                                                key=lambda e: PRECEDENCE[e[0]])
        return f"{high} ({high_id}) over {low} ({low_id})"
    if overlap.same_approval:
        return f"same approval ({overlap.same_approval}): the first rule in finding order reports it"
    return f"both {a}: both decide"


def overlap_dict(overlap) -> dict:
    """The JSON form of an overlap."""
    return {"rules": [overlap.first, overlap.second], "schemes": overlap.schemes,
            "precedence": precedence_words(overlap), "decided_by": dict(sorted(overlap.decided.items()))}


def edition_dict(report) -> dict:
    """The JSON form of one edition's report."""
    return {"edition": report.edition, "schemes": report.schemes,
            "seconds": round(report.seconds, 2), "design": report.design,
            "verdicts": {v: report.verdicts[v] for v in VERDICTS},
            "never_fired": report.never_fired, "never_decisive": report.never_decisive,
            "overlaps": [overlap_dict(o) for o in report.overlaps], "failures": report.failures}


def render_verify(reports) -> str:
    """The verify report as text: per edition, the schemes, the verdicts, the overlaps and any failure."""
    reports = neutralised(list(reports), for_terminal)
    lines = []
    for r in reports:
        outcome = (f"{len(r.failures)} FAILED" if r.failures
                   else "every one got exactly one verdict")
        lines.append(f"{r.edition}: {r.schemes} schemes checked in {r.seconds:.1f} s: {outcome}")
        lines.append("  verdicts: " + ", ".join(f"{v} {r.verdicts[v]}" for v in VERDICTS))
        lines.append("  schemes from: " + ", ".join(f"{k} {n}" for k, n in r.design.items()))
        lines.append("  never fired: " + (", ".join(r.never_fired) or "none"))
        lines.append("  never decisive: " + (", ".join(r.never_decisive) or "none"))
        if r.overlaps:
            lines.append("  overlaps (both fired in the same scheme), and how precedence settled them:")
        for o in r.overlaps:
            decided = "; ".join(f"{who} {n}" for who, n in sorted(o.decided.items()))
            lines.append(f"    {o.first} + {o.second}: {o.schemes} schemes; {precedence_words(o)}; "
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
