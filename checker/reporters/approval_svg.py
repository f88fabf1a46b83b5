"""The approval chain as an inline SVG diagram: who asks for the change, the
maker's own decision, each body whose approval the power used requires
(local to national), and where that leaves the scheme.

Each box carries a word and a mark as well as a colour (granted, refused...),
so the diagram reads the same printed in black and white.
"""
from __future__ import annotations

import textwrap

from .neutral import for_html as escape

BOX_W, BOX_H, GAP, PAD = 168, 104, 34, 4
LINE_CHARS, MAX_LINES = 21, 4

#: status -> (stroke colour, fill tint, mark)
STATUS_STYLE = {
    "requests": ("#1f4e79", "#e8f0f8", "\u2192"),
    "makes": ("#555b61", "#f1f3f4", "\u2192"),
    "granted": ("#1b6e35", "#e6f4ea", "\u2713"),
    "informal": ("#8a5300", "#fdf1dc", "~"),
    "refused": ("#a31b12", "#fbe7e5", "\u2717"),
    "pending": ("#555b61", "#f1f3f4", "?"),
    "not_sought": ("#555b61", "#f1f3f4", "?"),
    "unknown": ("#555b61", "#f1f3f4", "?"),
}
OUTCOME_STYLE = {
    "valid": ("#1b6e35", "#e6f4ea", "\u2713"),
    "pending": ("#8a5300", "#fdf1dc", "?"),
    "refused": ("#a31b12", "#fbe7e5", "\u2717"),
    "ultra_vires": ("#7a0c0c", "#fbe7e5", "\u2717"),
    "undetermined": ("#1f4e79", "#e8f0f8", "?"),
}


def _lines(text: str) -> list[str]:
    lines = textwrap.wrap(text, LINE_CHARS) or [""]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: LINE_CHARS - 1].rstrip() + "\u2026"
    return lines


def _box(x: int, caption: str, name: str, status_words: str, style) -> str:
    stroke, fill, mark = style
    cx = x + BOX_W // 2
    out = [f'<rect x="{x}" y="{PAD}" width="{BOX_W}" height="{BOX_H}" rx="8" '
           f'fill="{fill}" stroke="{stroke}" stroke-width="2"/>',
           f'<text x="{cx}" y="{PAD + 18}" class="cap" fill="{stroke}">{escape(caption.upper())}</text>']
    lines = _lines(name)
    top = PAD + 22 + (BOX_H - 22 - 24 - 15 * len(lines)) // 2 + 12  # centred between caption and status
    for i, line in enumerate(lines):
        out.append(f'<text x="{cx}" y="{top + 15 * i}" class="name">{escape(line)}</text>')
    out.append(f'<text x="{cx}" y="{PAD + BOX_H - 10}" class="status" fill="{stroke}">'
               f'{escape(mark)} {escape(status_words)}</text>')
    return "\n".join(out)


def _arrow(x: int) -> str:
    y = PAD + BOX_H // 2
    return (f'<line x1="{x + 4}" y1="{y}" x2="{x + GAP - 6}" y2="{y}" stroke="#444" '
            f'stroke-width="2" marker-end="url(#arrow)"/>')


def render_chain(briefing) -> str:
    """The diagram, sized by its viewBox so it scales to the page."""
    boxes, n = [], 0
    for step in briefing.chain:
        caption = step.caption
        if caption == "Approval":
            n += 1
            caption = f"Approval {n}"
        boxes.append((caption, step.label, step.words, STATUS_STYLE.get(step.status, STATUS_STYLE["pending"])))
    boxes.append(("Outcome", briefing.outcome, briefing.headline.lower(), OUTCOME_STYLE[briefing.verdict]))
    width = len(boxes) * BOX_W + (len(boxes) - 1) * GAP + 2 * PAD
    height = BOX_H + 2 * PAD
    parts = []
    for i, (caption, name, words, style) in enumerate(boxes):
        x = PAD + i * (BOX_W + GAP)
        parts.append(_box(x, caption, name, words, style))
        if i:
            parts.append(_arrow(x - GAP))
    summary = "; then ".join(f"{c}: {n} ({w})" for c, n, w, _ in boxes)
    return (f'<svg class="chain" role="img" aria-labelledby="chain-title" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">\n'
            f'<title id="chain-title">{escape(summary)}</title>\n'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>\n'
            + "\n".join(parts) + "\n</svg>")
