"""The briefing as a PDF: what a committee is sent, one A4 page where it fits.

The content is the Markdown and HTML briefing's, in the same order: the
verdict first, what it rests on or why no power covers it (with the basis
and sources of each reason), what to find out when it is undetermined, what
the sources say, the approval chain (drawn as boxes, then listed), the steps,
risks and routes, the smallest fix and the nearest precedents.

One page where it fits: the briefing is laid out at the largest type size in
``SIZES`` that puts it on one A4 page; when even the smallest does not, it is
laid out at the first size and continues on the next page, so nothing is
ever cut or left out.

The text is drawn in DejaVu Sans Condensed, shipped in ``fonts/`` (its
Bitstream Vera licence allows that; ``fonts/LICENSE``), so every Latin,
Greek and Cyrillic name prints as written, Welsh included, on a machine with
no fonts installed. A character the font has no glyph for (Chinese, say) is
written as its ``\\u`` escape, as the terminal output does, never dropped.

Text from the scheme is only ever drawn as text: it passes through
``neutral.for_terminal`` (control characters and bidirectional overrides
shown as escapes) and is never read as markup. The same briefing always
gives the same bytes: the creation date and file identifier are fixed.
"""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from .approval_svg import chain_boxes
from .briefing import NEAREST_HEADING
from .neutral import for_terminal, neutralised

FONTS = Path(__file__).with_name("fonts")
FONT = "dejavu"
#: Body type sizes tried in turn, in points: the first that fits one page is used.
SIZES = (9.0, 8.5, 8.0, 7.5, 7.0)
#: A4, and its margins, in millimetres.
PAGE_W, MARGIN = 210.0, 10.0
WIDTH = PAGE_W - 2 * MARGIN
#: A fixed creation date: the bytes depend on the briefing only.
CREATED = datetime(2000, 1, 1, tzinfo=timezone.utc)
#: How many boxes of the approval chain go on one row.
PER_ROW = 5

INK, MUTED, RULE = (0x1D, 0x1D, 0x1F), (0x5A, 0x5F, 0x66), (0xD6, 0xD9, 0xDD)
VERDICT_COLOURS = {"ultra_vires": "#7a0c0c", "refused": "#a31b12", "pending": "#8a5300",
                   "valid": "#1b6e35", "undetermined": "#1f4e79"}
PT = 0.3528  # millimetres in a point


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


@lru_cache(maxsize=1)
def _covered() -> frozenset:
    """The characters both shipped fonts have glyphs for."""
    from fontTools.ttLib import TTFont

    maps = [set(TTFont(FONTS / name, lazy=True).getBestCmap()) for name in
            ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf")]
    return frozenset(maps[0] & maps[1])


def printable(text: str) -> str:
    """``text`` with every character the font cannot draw written as its ``\\u`` escape."""
    covered = _covered()
    if all(ord(c) in covered for c in text):
        return text
    return "".join(c if ord(c) in covered else c.encode("unicode_escape").decode("ascii") for c in text)


def _blank():
    """An empty A4 document with the fonts loaded and the fixed metadata set."""
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSansCondensed.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSansCondensed-Bold.ttf"))
    pdf.set_creation_date(CREATED)
    pdf.set_creator("vires")
    pdf.set_lang("en-GB")
    pdf.set_display_mode("fullpage")  # a reader opens the briefing showing the whole page
    return pdf


class _Layout:
    """One layout of a briefing at one body size."""

    def __init__(self, size: float):
        self.size = size
        # Each layout reads its own fonts: writing the PDF cuts their tables down to a subset.
        pdf = _blank()
        pdf.add_page()
        self.pdf = pdf
        self.x0, self.w = MARGIN, WIDTH  # the column being written
        self.overflow = False  # a column ran past the foot of the page

    def column(self, x0: float, w: float) -> None:
        """Write into the column from ``x0``, ``w`` wide, with no page break:
        a column that runs past the foot of the page sets ``overflow``."""
        self.x0, self.w = x0, w
        self.pdf.set_right_margin(PAGE_W - x0 - w)
        self.pdf.set_left_margin(x0)
        self.pdf.set_x(x0)
        self.pdf.set_auto_page_break(x0 == MARGIN and w == WIDTH, margin=MARGIN)

    def columns(self, left, right) -> None:
        """``left`` and ``right`` (functions that write) side by side, when both have something."""
        pdf = self.pdf
        top, gap = pdf.y, 6.0
        half = (WIDTH - gap) / 2
        bottoms = []
        for x0, write in ((MARGIN, left), (MARGIN + half + gap, right)):
            pdf.set_y(top)
            self.column(x0, half)
            write()
            bottoms.append(pdf.y)
        self.column(MARGIN, WIDTH)
        pdf.set_y(max(bottoms))
        if pdf.y > pdf.page_break_trigger:
            self.overflow = True

    # --- text -----------------------------------------------------------
    def line_h(self, size: float) -> float:
        return size * PT * 1.22

    def para(self, parts, size: float | None = None, indent: float = 0.0, marker: str = "",
             colour=INK, after: float = 0.6) -> None:
        """A paragraph of ``parts`` ((style, text) pairs, or a text), flowing
        across lines, with ``marker`` (a bullet or number) hanging at ``indent``."""
        pdf = self.pdf
        size = size or self.size
        h = self.line_h(size)
        if isinstance(parts, str):
            parts = [("", parts)]
        left = self.x0 + indent
        if marker:
            pdf.set_font(FONT, "", size)
            pdf.set_text_color(*colour)
            pdf.set_x(left)
            pdf.cell(text=printable(marker), h=h)
            left += max(4.0, size * 0.55)
        pdf.set_left_margin(left)
        pdf.set_x(left)
        for style, text in parts:
            if not text:
                continue
            pdf.set_font(FONT, "B" if style == "B" else "", size)
            pdf.set_text_color(*(MUTED if style == "muted" else colour))
            pdf.write(h, printable(text))
        pdf.ln(h)
        pdf.set_left_margin(self.x0)
        pdf.set_x(self.x0)
        pdf.ln(after)

    def cite(self, label: str, rule: str, basis: str = "", sources=(), indent: float = 0.0) -> None:
        """The small grey line under a reason: its id, basis and sources."""
        if not rule:
            return
        parts = [("muted", f"{label} "), ("B", rule), ("muted", ".")]
        if basis:
            parts.append(("muted", f" Basis: {basis}"))
        if sources:
            parts.append(("muted", f" Sources: {'; '.join(sources)}."))
        self.para(parts, size=self.size - 1, indent=indent,
                  colour=MUTED, after=0.8)

    def heading(self, text: str, level: int = 2) -> None:
        pdf = self.pdf
        size = self.size + (1.5 if level == 2 else 0.5)
        h = self.line_h(size)
        if pdf.y + h * 3 > pdf.page_break_trigger and pdf.auto_page_break:  # a heading never ends a page
            pdf.add_page()
        pdf.ln(1.2 if level == 2 else 0.6)
        pdf.set_font(FONT, "B", size)
        pdf.set_text_color(*(INK if level == 2 else MUTED))
        pdf.set_x(self.x0)
        pdf.multi_cell(self.w, h, printable(text), new_x="LMARGIN", new_y="NEXT")
        if level == 2:
            pdf.set_draw_color(*RULE)
            pdf.set_line_width(0.25)
            pdf.line(self.x0, pdf.y + 0.3, self.x0 + self.w, pdf.y + 0.3)
            pdf.ln(1.2)
        else:
            pdf.ln(0.4)

    # --- the approval chain as boxes -------------------------------------
    def chain(self, b) -> set:
        """Draw the chain's boxes; return the names that had to be cut short in them."""
        boxes = chain_boxes(b)
        gap, cut = 6.0, set()
        for start in range(0, len(boxes), PER_ROW):
            cut |= self._row(boxes[start:start + PER_ROW], gap, more=start + PER_ROW < len(boxes))
        return cut

    def _row(self, boxes, gap: float, more: bool) -> set:
        pdf = self.pdf
        per = max(len(boxes), 3)
        w = (WIDTH - (per - 1) * gap) / per
        small = self.size - 1
        lh = self.line_h(small)
        names = [self._wrapped(name, w - 3, small, 3) for _, name, _, _ in boxes]
        box_h = lh * (2 + max(len(lines) for lines in names)) + 3.5
        if pdf.y + box_h + 2 > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.y + 1
        for i, ((caption, _, words, (stroke, fill, mark)), lines) in enumerate(zip(boxes, names)):
            x = MARGIN + i * (w + gap)
            pdf.set_draw_color(*_rgb(stroke))
            pdf.set_fill_color(*_rgb(fill))
            pdf.set_line_width(0.5)
            pdf.rect(x, top, w, box_h, style="DF", round_corners=True, corner_radius=1.5)
            pdf.set_text_color(*_rgb(stroke))
            pdf.set_font(FONT, "B", small - 0.5)
            pdf.set_xy(x, top + 1.2)
            pdf.cell(w, lh, printable(caption.upper()), align="C")
            pdf.set_text_color(*INK)
            pdf.set_font(FONT, "B", small)
            for k, line in enumerate(lines):
                pdf.set_xy(x, top + 1.2 + lh * (k + 1))
                pdf.cell(w, lh, line, align="C")
            pdf.set_text_color(*_rgb(stroke))
            pdf.set_xy(x, top + box_h - lh - 1.2)
            pdf.cell(w, lh, printable(f"{mark} {words}"), align="C")
            if i < len(boxes) - 1 or more:
                y = top + box_h / 2
                x1, x2 = x + w + 1, x + w + gap - 1
                if i == len(boxes) - 1:  # continued on the next row
                    x2 = min(x2, MARGIN + WIDTH)
                pdf.set_draw_color(0x44, 0x44, 0x44)
                pdf.set_line_width(0.4)
                pdf.line(x1, y, x2, y)
                pdf.line(x2, y, x2 - 1.4, y - 1)
                pdf.line(x2, y, x2 - 1.4, y + 1)
        pdf.set_xy(MARGIN, top + box_h + 2)
        return {name for (_, name, _, _), lines in zip(boxes, names) if lines[-1].endswith("\u2026")}

    def _wrapped(self, text: str, width: float, size: float, most: int) -> list[str]:
        """``text`` wrapped to ``width`` in at most ``most`` lines, the last one ending in an ellipsis if cut."""
        pdf = self.pdf
        pdf.set_font(FONT, "B", size)
        words, lines = printable(text).split(), [""]
        for word in words:
            trial = f"{lines[-1]} {word}".strip()
            if pdf.get_string_width(trial) <= width or not lines[-1]:
                lines[-1] = trial
            else:
                lines.append(word)
        for k, line in enumerate(lines):  # a single word wider than the box is cut too
            while pdf.get_string_width(line) > width and len(line) > 1:
                line = line[:-2] + "\u2026"
            lines[k] = line
        if len(lines) > most:
            lines = lines[:most]
            last = lines[-1]
            while pdf.get_string_width(last + "\u2026") > width and last:
                last = last[:-1]
            lines[-1] = last.rstrip() + "\u2026"
        return lines


def _findings(lay: _Layout, items, label: str, with_basis: bool = True) -> None:
    for n, f in enumerate(items, 1):
        lay.para(f.statement, marker=f"{n}.", after=0.2)
        lay.cite(label, f.rule, f.basis if with_basis else "", f.sources, indent=4.5)


def _possible(lay: _Layout, heading: str, items) -> None:
    if not items:
        return
    lay.heading(heading)
    for f, ask in items:
        lay.para([("", f.statement + " "), ("muted", f"(find out: {', '.join(ask)})")], marker="\u2022")


def _side_by_side(lay: _Layout, columns: bool, left, right) -> None:
    """Two parts side by side in columns, or one after the other (either may be missing: falsy)."""
    if columns and left and right:
        lay.columns(left, right)
        return
    for write in (left, right):
        if write:
            write()


def _fix(lay: _Layout, fix: dict) -> None:
    lay.heading("Smallest fix")
    if fix["changes"]:
        lay.para("The least that would make it valid:", after=0.2)
        for c in fix["changes"]:
            lay.para([("B", c)], marker="\u2022", after=0.2)
        if fix["rests_on"]:
            lay.para(f"It would then rest on: {', '.join(fix['rests_on'])}.", colour=MUTED, after=0.2)
        if fix["no_longer"]:
            lay.para(f"No longer applies: {', '.join(fix['no_longer'])}.", colour=MUTED, after=0.2)
    else:
        lay.para(f"No set of up to {fix['none_within']} changes to the negotiable facts makes this "
                 "scheme valid; see vires fix for what stands in the way.")


def _precedents(lay: _Layout, precedents: list) -> None:
    lay.heading("Nearest precedents")
    for p in precedents:
        differs = f"; differs in {'; '.join(p['differences'])}" if p["differences"] else ""
        lay.para([("B", p["title"]), ("", f" ({p['case']}): {p['verdict'].replace('_', ' ')}; "
                                          f"similarity {p['similarity']:.2f}{differs}")],
                 marker="\u2022", after=0.2)


def _layout(b, size: float, columns: bool = True) -> _Layout:
    lay = _Layout(size)
    pdf = lay.pdf
    pdf.set_title(printable(f"Briefing: {b.title}"))
    lay.para(f"BRIEFING FOR COMMITTEE \u00b7 {b.edition_title}", size=size - 1, colour=MUTED, after=0.3)
    lay.para([("B", b.title)], size=size + 4.5, after=1.5)

    # The verdict first, largest, with a bar of its colour.
    colour = _rgb(VERDICT_COLOURS.get(b.verdict, "#1d1d1f"))
    top = pdf.y
    lay.para([("B", b.headline)], size=size + 12, indent=4, colour=colour, after=0.2)
    lay.para([("B", b.meaning[:1].upper() + b.meaning[1:] + ".")], size=size + 1.5, indent=4, after=0.2)
    if b.answer_summary:
        lay.para(b.answer_summary, indent=4, after=0.2)
    pdf.set_fill_color(*colour)
    pdf.rect(MARGIN, top, 1.8, pdf.y - top, style="F")
    pdf.ln(1)

    lay.heading("The scheme")
    lay.para(" ".join(b.sentences))
    if b.summary:
        lay.para([("B", "What happened: "), ("", b.summary)])
    if b.rests_on:
        lay.heading("Rests on")
        for what, f in b.rests_on:
            lead = [("B", what[:1].upper() + what[1:] + ": ")] if what else []
            lay.para(lead + [("", f.statement)], marker="\u2022", after=0.2)
            lay.cite("Power", f.rule, f.basis, f.sources, indent=4.5)
    if b.why:
        lay.heading("Why")
        for n, r in enumerate(b.why, 1):
            lay.para(r.words, marker=f"{n}.", after=0.3)
            if r.details:
                lay.para(NEAREST_HEADING, indent=4.5, after=0.2)
                for d in r.details:
                    lay.para(d, size=size - 0.5, indent=4.5, marker="\u2013", colour=MUTED, after=0.2)
            lay.cite(r.label, r.rule, r.basis, r.sources, indent=4.5)
    if b.answers:
        lay.heading("Find out first")
        for a in b.ask:
            lay.para(a, marker="\u2022", after=0.2)
        lay.heading("The verdict for each answer")
        for answer in b.answers:
            lay.para([("B", answer.words)], marker="\u2022", colour=_rgb(VERDICT_COLOURS[answer.verdict]),
                     after=0.2)
            for f in answer.reasons:
                lay.para([("B", f.rule), ("muted", ": " + f.statement)], size=size - 1, indent=4.5, colour=MUTED,
                         after=0.2)
    if b.quotes:
        lay.heading("What the sources say", level=3)
        for q in b.quotes:
            supports = f" ({q.supports})" if q.supports else ""
            lay.para([("", f"\u201c{q.quote}\u201d "), ("muted", f"\u2014 {q.source}{supports}")], indent=2,
                     after=0.5)

    lay.heading("Who must approve, in order")
    cut = lay.chain(b)
    for n, step in enumerate(b.chain, 1):
        if not (step.rule or step.reason or step.label in cut):
            continue  # the box says all there is to say
        reason = f" ({step.reason})" if step.reason else ""
        parts = [("B", f"{step.caption}: {step.label}"), ("", f": {step.words}{reason}")]
        if step.rule:
            parts.append(("muted", f" \u2014 rule {step.rule}"))
        lay.para(parts, marker=f"{n}.", after=0.2)
    if not any(s.rule for s in b.chain):
        lay.para("No approval is listed: " + (
            "the verdict depends on facts not yet known." if b.verdict == "undetermined" else
            "as proposed, no body's approval can make it lawful." if b.verdict == "ultra_vires" else
            "none is required."), after=0.2)
    lay.para([("B", f"Outcome: {b.outcome}.")], after=0.4)
    if b.steps:
        lay.heading("Steps still to take")
        _findings(lay, b.steps, "Step")
    def risks():
        if b.risks:
            lay.heading("Risks")
            _findings(lay, b.risks, "Rule", with_basis=False)
        _possible(lay, "Risks that may apply, depending on facts not given", b.possible_risks)

    def routes():
        if b.routes:
            lay.heading("Lawful routes instead")
            _findings(lay, b.routes, "Rule", with_basis=False)
        _possible(lay, "Routes that may apply, depending on facts not given", b.possible_routes)

    _side_by_side(lay, columns, (b.risks or b.possible_risks) and risks, (b.routes or b.possible_routes) and routes)
    _side_by_side(lay, columns, b.fix is not None and (lambda: _fix(lay, b.fix)),
                  bool(b.precedents) and (lambda: _precedents(lay, b.precedents)))
    for note in b.notes:
        lay.para(note, size=size - 1, colour=MUTED)
    if b.sources:  # every source cited above, as a reader can find it (issue 12)
        parts = [("B", "Sources: ")]
        for n, source in enumerate(b.sources):
            where = f", {source['url']}" if source["url"] else ""
            parts += [("", ("; " if n else "") + f"{source['title']}, {source['publisher']}, {source['date']}"),
                      ("muted", f"{where} ({source['key']})")]
        lay.para(parts, size=size - 1, colour=MUTED, after=0.2)
    pdf.ln(1)
    pdf.set_draw_color(*RULE)
    pdf.line(MARGIN, pdf.y, MARGIN + WIDTH, pdf.y)
    pdf.ln(0.8)
    lay.para(f"Checked by vires against the policy edition \u201c{b.edition_title}\u201d from {b.file}. vires "
             "encodes published sources; it is a briefing aid, not legal advice.", size=size - 1, colour=MUTED)
    return lay


def render_briefing(b) -> bytes:
    """The briefing as the bytes of a PDF file: one A4 page at the largest
    size in ``SIZES`` that fits (risks beside routes, the fix beside the
    precedents), else at the first size, one part after another, over as many
    pages as it needs."""
    b = neutralised(b, for_terminal)
    for size in SIZES:
        lay = _layout(b, size)
        if lay.pdf.page == 1 and not lay.overflow:
            break
    else:
        lay = _layout(b, SIZES[0], columns=False)
    return bytes(lay.pdf.output())
