"""The verdict table: one line per scheme, for `make run` and quick reading."""
from __future__ import annotations

from . import style


def render_results(results) -> str:
    """The verdict table: one line per scheme, then the count of each verdict."""
    rows = [(r.verdict, r.scheme, r.edition, ", ".join(r.decided_by) or
             ("find out: " + ", ".join(r.undetermined.ask) if r.undetermined else "-")) for r in results]
    heads = ("verdict", "scheme", "edition", "decided by")
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
              for i, h in enumerate(heads[:3])]
    out = [style.heading("  ".join(h.ljust(w) for h, w in zip(heads, widths + [0])).rstrip())]
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].ljust(widths[2]), row[3]]
        cells[0] = style.verdict(cells[0], row[0])
        out.append("  ".join(cells))
    counts: dict[str, int] = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    out.append(f"{len(results)} schemes: {summary}")
    return "\n".join(out) + "\n"
