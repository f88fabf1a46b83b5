"""The briefing as one self-contained HTML page: no external files, no
scripts, styled for the screen and for print (one A4 page where it fits).
The verdict comes first and largest, then what it rests on or why no power
covers it (or, undetermined, what to find out and the verdict for each
answer); the approval chain is an inline SVG."""
from __future__ import annotations

from .approval_svg import render_chain
from .briefing import NEAREST_HEADING
from .neutral import for_html as escape
from .words import similarity_words

LQ, RQ, DASH = "\u201c", "\u201d", " \u2014 "

CSS = """
:root { --ink: #1d1d1f; --muted: #5a5f66; --rule: #d6d9dd; --ultra_vires: #7a0c0c;
        --refused: #a31b12; --pending: #8a5300; --valid: #1b6e35; --undetermined: #1f4e79; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: var(--ink);
       font: 16px/1.45 "Liberation Sans", "DejaVu Sans", Arial, Helvetica, sans-serif; }
main { max-width: 60rem; margin: 1.5rem auto; background: #fff; padding: 2rem 2.5rem;
       border: 1px solid var(--rule); border-radius: 6px; }
.kicker { margin: 0; color: var(--muted); font-size: .85rem; letter-spacing: .04em; text-transform: uppercase; }
h1 { font-size: 1.45rem; line-height: 1.25; margin: .3rem 0 1rem; }
h2 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid var(--rule); }
.verdict { border-left: .6rem solid currentColor; padding: .8rem 1.2rem; margin: 0 0 1rem; background: #fafafa; }
.verdict .headline { font-size: 2.6rem; font-weight: 800; letter-spacing: .02em; margin: 0; line-height: 1.1; }
.verdict .meaning { font-size: 1.15rem; margin: .2rem 0 0; color: var(--ink); }
.v-ultra_vires { color: var(--ultra_vires); } .v-refused { color: var(--refused); }
.v-pending { color: var(--pending); } .v-valid { color: var(--valid); }
.v-undetermined { color: var(--undetermined); }
.verdict .answers { font-size: 1rem; margin: .4rem 0 0; color: var(--ink); }
p.nearest { margin: .3rem 0 .1rem; font-size: .9rem; } ul.nearest { font-size: .9rem; color: var(--muted); }
ol, ul { padding-left: 1.3rem; margin: .3rem 0; } li { margin: .35rem 0; }
.basis { color: var(--muted); font-size: .85rem; margin: .15rem 0 0; }
code { font: .85em "DejaVu Sans Mono", monospace; background: #f1f3f4; padding: 0 .2em; border-radius: 3px; }
h3 { font-size: .95rem; margin: .9rem 0 .3rem; color: var(--muted); }
blockquote { margin: .4rem 0; padding: .1rem .8rem; border-left: 3px solid var(--rule); }
blockquote p { margin: 0; font-style: italic; } blockquote footer { color: var(--muted); font-size: .85rem; }
.chain { width: 100%; height: auto; max-height: 11rem; display: block; margin: .4rem 0; }
.chain .cap { font: 700 11px "Liberation Sans", "DejaVu Sans", sans-serif; text-anchor: middle; letter-spacing: .05em; }
.chain .name { font: 600 13px "Liberation Sans", "DejaVu Sans", sans-serif; text-anchor: middle; fill: #1d1d1f; }
.chain .status { font: 700 12px "DejaVu Sans", sans-serif; text-anchor: middle; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 0 2rem; }
.fix { background: #f3f8f4; border: 1px solid #cfe3d4; padding: .6rem 1rem; border-radius: 4px; }
.notes, .colophon { color: var(--muted); font-size: .8rem; }
.colophon { margin-top: 1.5rem; border-top: 1px solid var(--rule); padding-top: .5rem; }
@media (max-width: 40rem) { main { padding: 1rem; } .cols { grid-template-columns: 1fr; } }
@page { size: A4; margin: 10mm; }
/* Print: one A4 page where the content allows, so the type is compact. */
@page { size: A4; margin: 11mm 12mm; }
@media print {
  body { background: #fff; font-size: 8.5pt; line-height: 1.25; }
  main { margin: 0; padding: 0; border: 0; max-width: none; }
  h1 { font-size: 13pt; margin: .1rem 0 .4rem; }
  h2 { font-size: 10pt; margin: .5rem 0 .25rem; break-after: avoid; }
  h3 { font-size: 9pt; margin: .4rem 0 .2rem; }
  p { margin: .25rem 0; } li { margin: .15rem 0; }
  .verdict { padding: .3rem .8rem; margin-bottom: .4rem; }
  .verdict .headline { font-size: 22pt; } .verdict .meaning { font-size: 10.5pt; }
  .basis, blockquote footer { font-size: 7.5pt; }
  blockquote { margin: .15rem 0; } blockquote:nth-of-type(n+3) { display: none; }
  .chain { max-height: 27mm; margin: .2rem 0; }
  .colophon { margin-top: .5rem; }
  /* One A4 page on paper: the nearest precedent only, and risks and routes
     without their rule lines (the screen version keeps them). */
  .precedents li:nth-child(n+2) { display: none; }
  .cols .basis { display: none; }
  li, blockquote, .chain, .fix { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _cite(rule: str, basis: str, sources, label: str = "Rule") -> str:
    if not rule:
        return ""
    tail = f" Basis: {escape(basis)}" if basis else ""
    where = f" Sources: {escape('; '.join(sources))}." if sources else ""
    return f'<p class="basis">{label} <code>{escape(rule)}</code>.{tail}{where}</p>'


def _finding_list(reasons, with_basis: bool = True, label: str = "Rule") -> str:
    items = [f"<li><p>{escape(r.statement)}</p>{_cite(r.rule, r.basis if with_basis else '', r.sources, label)}</li>"
             for r in reasons]
    return "<ol>" + "".join(items) + "</ol>"


def _section(title: str, body: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<section{attr}><h2>{escape(title)}</h2>{body}</section>"


def _rests_on(b) -> str:
    if not b.rests_on:
        return ""
    items = "".join(f"<li><p>{'<strong>' + escape(what[:1].upper() + what[1:]) + ':</strong> ' if what else ''}"
                    f"{escape(f.statement)}</p>{_cite(f.rule, f.basis, f.sources, 'Power')}</li>"
                    for what, f in b.rests_on)
    return _section("Rests on", f"<ul>{items}</ul>")


def _why(b) -> str:
    body = ""
    if b.why:
        items = []
        for r in b.why:
            details = ""
            if r.details:
                details = (f'<p class="nearest">{escape(NEAREST_HEADING)}</p><ul class="nearest">'
                           + "".join(f"<li>{escape(d)}</li>" for d in r.details) + "</ul>")
            items.append(f"<li><p>{escape(r.words)}</p>{details}{_cite(r.rule, r.basis, r.sources, r.label)}</li>")
        body = "<ol>" + "".join(items) + "</ol>"
    if b.answers:
        asks = "".join(f"<li>{escape(a)}</li>" for a in b.ask)
        answers = "".join(
            f'<li><p class="v-{escape(a.verdict)}"><strong>{escape(a.words)}</strong></p>'
            + "".join(f'<p class="basis"><code>{escape(f.rule)}</code>: {escape(f.statement)}</p>' for f in a.reasons)
            + "</li>" for a in b.answers)
        body += f"<h3>Find out first</h3><ul>{asks}</ul><h3>The verdict for each answer</h3><ul>{answers}</ul>"
    if b.quotes:
        body += "<h3>What the sources say</h3>" + "".join(
            f"<blockquote><p>{LQ}{escape(q.quote)}{RQ}</p><footer>{escape(q.source)}"
            f"{DASH + escape(q.supports) if q.supports else ''}</footer></blockquote>" for q in b.quotes)
    return _section("Why", body) if body else ""


def _chain(b) -> str:
    steps = "".join(f"<li><strong>{escape(s.caption)}: {escape(s.label)}</strong>: {escape(s.words)}"
                    f"{' (' + escape(s.reason) + ')' if s.reason else ''}"
                    f"{DASH + 'rule <code>' + escape(s.rule) + '</code>' if s.rule else ''}</li>"
                    for s in b.chain)
    listing = f"<ol>{steps}</ol>"
    if not any(s.rule for s in b.chain):
        listing += "<p>No approval is listed: " + (
            "the verdict depends on facts not yet known." if b.verdict == "undetermined" else
            "as proposed, no body's approval can make this scheme lawful." if b.verdict == "ultra_vires" else
            "none is required.") + "</p>"
    if b.steps:
        listing += "<h3>Steps still to take</h3>" + _finding_list(b.steps, label="Step")
    return _section("Who must approve, in order", render_chain(b) + listing)


def _possible(title: str, items) -> str:
    if not items:
        return ""
    lis = "".join(f'<li><p>{escape(f.statement)}</p><p class="basis">Find out: '
                  f"{escape(', '.join(ask))}.</p></li>" for f, ask in items)
    return f"<div><h2>{escape(title)}</h2><ul>{lis}</ul></div>"


def _extras(b) -> str:
    out = []
    if b.fix is not None:
        if b.fix["changes"]:
            changes = "".join(f"<li><code>{escape(c)}</code></li>" for c in b.fix["changes"])
            gone = (f'<p class="basis">It would then rest on: {escape(", ".join(b.fix["rests_on"]))}.</p>'
                    if b.fix["rests_on"] else "")
            gone += (f'<p class="basis">No longer applies: {escape(", ".join(b.fix["no_longer"]))}.</p>'
                     if b.fix["no_longer"] else "")
            body = (f'<div class="fix"><p>The least that would make it valid '
                    f'({len(b.fix["changes"])} change{"s" if len(b.fix["changes"]) > 1 else ""}):</p>'
                    f"<ul>{changes}</ul>{gone}</div>")
        else:
            body = (f"<p>No set of up to {b.fix['none_within']} changes to the negotiable facts makes this "
                    "scheme valid; see <code>vires fix</code> for what stands in the way.</p>")
        out.append(f"<div><h2>Smallest fix</h2>{body}</div>")
    if b.precedents:
        items = "".join(
            f"<li><strong>{escape(p['title'])}</strong> (<code>{escape(p['case'])}</code>, {escape(p['kind'])}): "
            f"{escape(p['verdict'].replace('_', ' '))}; {similarity_words(p['similarity'])}"
            + (f"; differs in {escape('; '.join(p['differences']))}" if p["differences"] else "") + "</li>"
            for p in b.precedents)
        out.append(f'<div><h2>Nearest precedents</h2><ul class="precedents">{items}</ul></div>')
    cols = f'<div class="cols">{"".join(out)}</div>' if out else ""
    if b.sources:
        items = "".join(
            f"<li><cite>{escape(s['title'])}</cite>, {escape(s['publisher'])}, {escape(s['date'])}"
            + (f", <span class=\"address\">{escape(s['url'])}</span>" if s["url"] else "")  # text, not a link:
            + f" (<code>{escape(s['key'])}</code>)</li>"  # the page fetches and links nothing
            for s in b.sources)
        cols += f'<section><h2>Sources</h2><ul class="sources">{items}</ul></section>'
    return cols


def render_briefing(b) -> str:
    """The briefing as one self-contained HTML page."""
    sentences = " ".join(escape(s) for s in b.sentences)
    what = f"<p>{sentences}</p>" + (f"<p><strong>What happened:</strong> {escape(b.summary)}</p>" if b.summary else "")
    side = ""
    if b.risks:
        side += f"<div><h2>Risks</h2>{_finding_list(b.risks, with_basis=False)}</div>"
    if b.routes:
        side += f"<div><h2>Lawful routes instead</h2>{_finding_list(b.routes, with_basis=False)}</div>"
    side += _possible("Risks that may apply, depending on facts not given", b.possible_risks)
    side += _possible("Routes that may apply, depending on facts not given", b.possible_routes)
    summary = f'<p class="answers">{escape(b.answer_summary)}</p>' if b.answer_summary else ""
    notes = "".join(f'<p class="notes">{escape(n)}</p>' for n in b.notes)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Briefing: {escape(b.title)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<header><p class="kicker">Briefing for committee \u00b7 {escape(b.edition_title)}</p>
<h1>{escape(b.title)}</h1></header>
<section class="verdict v-{b.verdict}" id="verdict"><p class="headline">{escape(b.headline)}</p>
<p class="meaning">{escape(b.meaning[:1].upper() + b.meaning[1:])}.</p>{summary}</section>
{_section("The scheme", what)}
{_rests_on(b)}
{_why(b)}
{_chain(b)}
{f'<div class="cols">{side}</div>' if side else ''}
{_extras(b)}
{notes}
<p class="colophon">Checked by vires against the policy edition \u201c{escape(b.edition_title)}\u201d from
{escape(b.file)}. vires encodes published sources; it is a briefing aid, not legal advice.</p>
</main>
</body>
</html>
"""
