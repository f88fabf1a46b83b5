"""The verify report: per edition, how many schemes, how long, what decided."""
from __future__ import annotations

from ..evaluate.result import VERDICTS
from .json_report import dumps


def render_verify(reports) -> str:
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
            lines.append(f"    {o.first} + {o.second}: {o.schemes} schemes; {o.precedence}; "
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
    return dumps({"editions": [r.to_dict() for r in reports],
                  "schemes": sum(r.schemes for r in reports),
                  "failures": sum(len(r.failures) for r in reports)})
