"""The verdict table: one line per scheme, for `make run` and quick reading."""
from __future__ import annotations

from collections.abc import Iterator

from . import style
from .neutral import for_terminal, neutralised

#: What the verdict column says of a file that could not be checked.
NOT_CHECKED = {"bad_input": "bad input", "internal_error": "error"}


def _row(r) -> tuple[str, str, str, str]:
    """The cells of a file's row. A file not checked comes already
    ``neutralised``; of a result, only the texts shown are made safe for a
    terminal, each on its own before the decided-by ids are joined, as
    ``neutralised`` would (which rebuilt every dataclass of the result for
    four cells, and kept about 300 bytes a file alive in a batch)."""
    if hasattr(r, "error"):
        first = r.diagnostics[0] if r.diagnostics else None
        why = f"{first.code} at {first.location()}" if first else r.message
        return (NOT_CHECKED[r.error], r.file, "-", why)
    clean = for_terminal
    return (clean(r.verdict), clean(r.scheme), clean(r.edition), ", ".join(map(clean, r.decided_by)) or
            ("find out: " + ", ".join(map(clean, r.undetermined.ask)) if r.undetermined else "-"))


def render_results(results) -> str:
    """The verdict table: one line per file in the order given, then the count
    of each verdict, then why each file that could not be checked was not."""
    return "".join(stream_results(results))


#: The columns of the table.
_HEADS = ("verdict", "scheme", "edition", "decided by")


def stream_results(results) -> Iterator[str]:
    """The table of ``render_results``, written once every file is read (its
    columns fit the widest cell): it keeps each file's row as one string
    (its cells joined by NUL, which no cell holds once neutralised) and, for a
    file not checked, why; not the results. Then it writes a line at a time."""
    from .text import render_unchecked

    rows: list[str] = []
    errors = bytearray()
    unchecked = []
    widths = [len(h) for h in _HEADS[:3]]
    counts: dict[str, int] = {}
    for r in results:
        if hasattr(r, "error"):
            r = neutralised(r, for_terminal)
        row = _row(r)
        widths = [max(w, len(cell)) for w, cell in zip(widths, row)]
        counts[row[0]] = counts.get(row[0], 0) + 1
        rows.append("\0".join(row))
        errors.append(hasattr(r, "error"))
        if hasattr(r, "error"):
            unchecked.append(render_unchecked(r).rstrip("\n"))
    yield style.heading("  ".join(h.ljust(w) for h, w in zip(_HEADS, widths + [0])).rstrip()) + "\n"
    for error, joined in zip(errors, rows):
        verdict, scheme, edition, decided = joined.split("\0")
        cells = [verdict.ljust(widths[0]), scheme.ljust(widths[1]), edition.ljust(widths[2]), decided]
        cells[0] = style.error(cells[0]) if error else style.verdict(cells[0], verdict)
        yield "  ".join(cells) + "\n"
    summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    yield f"{len(rows)} schemes: {summary}\n"
    if unchecked:
        yield "\n" + "\n".join(unchecked) + "\n"
