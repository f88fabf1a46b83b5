"""The briefing as Markdown: the same content as the HTML page, for email,
a wiki or a pull request. The approval chain is a numbered list.

Every text from a file goes through ``checker.reporters.neutral``
(``md`` for prose, ``code`` for a code span), so a scheme's title or a
body's name cannot add a link, a heading, HTML or a script to the briefing.
"""
from __future__ import annotations

from .briefing import NEAREST_HEADING
from .neutral import for_markdown as md
from .neutral import for_markdown_code as code
from .words import similarity_words


def _cite(rule: str, basis: str, sources, label: str = "Rule") -> str:
    tail = f" Basis: {md(basis)}" if basis else ""
    where = f" Sources: {md('; '.join(sources))}." if sources else ""
    return f"   *{label} {code(rule)}.{tail}{where}*" if rule else ""


def _findings(items, with_basis: bool = True, label: str = "Rule") -> list[str]:
    out = []
    for n, r in enumerate(items, 1):
        out.append(f"{n}. {md(r.statement)}")
        out.append(_cite(r.rule, r.basis if with_basis else "", r.sources, label))
    return out


def _rests_on(b) -> list[str]:
    out = ["## Rests on", ""]
    for what, f in b.rests_on:
        out.append(f"- {f'**{md(what[:1].upper() + what[1:])}:** ' if what else ''}{md(f.statement)}")
        out.append(_cite(f.rule, f.basis, f.sources, "Power").replace("   *", "  *", 1))
    return out


def _why(b) -> list[str]:
    out = ["## Why", ""]
    for n, r in enumerate(b.why, 1):
        out.append(f"{n}. {md(r.words)}")
        if r.details:
            out.append(f"\n   {NEAREST_HEADING}\n")
            out += [f"   - {md(d)}" for d in r.details]
            out.append("")
        cite = _cite(r.rule, r.basis, r.sources, r.label)
        if cite:
            out.append(cite)
    return out


def _undetermined(b) -> list[str]:
    out = ["## Find out first", ""] + [f"- {md(a)}" for a in b.ask]
    out += ["", "## The verdict for each answer", ""]
    for answer in b.answers:
        out.append(f"- {md(answer.words)}")
        out += [f"  - {code(f.rule)}: {md(f.statement)}" for f in answer.reasons]
    return out


def _chain(b) -> list[str]:
    out = []
    for n, step in enumerate(b.chain, 1):
        reason = f" ({md(step.reason)})" if step.reason else ""
        rule = f" ({code(step.rule)})" if step.rule else ""
        out.append(f"{n}. **{md(step.caption)}: {md(step.label)}**: {md(step.words)}{reason}{rule}")
    if not any(s.rule for s in b.chain):
        out.append("   - No approval is listed: " + (
            "the verdict depends on facts not yet known." if b.verdict == "undetermined" else
            "as proposed, no body's approval can make it lawful." if b.verdict == "ultra_vires" else
            "none is required."))
    out.append(f"\n**Outcome: {md(b.outcome)}.**")
    return out


def _possible(heading: str, items) -> list[str]:
    if not items:
        return []
    out = ["", f"## {heading}", ""]
    out += [f"- {md(f.statement)} *(find out: {md(', '.join(ask))})*" for f, ask in items]
    return out


def _extras(b) -> list[str]:
    out = []
    if b.fix is not None:
        out += ["", "## Smallest fix", ""]
        if b.fix["changes"]:
            out.append("The least that would make it valid:")
            out += [f"- {code(c)}" for c in b.fix["changes"]]
            if b.fix["rests_on"]:
                out.append(f"\nIt would then rest on: {md(', '.join(b.fix['rests_on']))}.")
            if b.fix["no_longer"]:
                out.append(f"\nNo longer applies: {md(', '.join(b.fix['no_longer']))}.")
        else:
            out.append(f"No set of up to {b.fix['none_within']} changes to the negotiable facts makes this "
                       "scheme valid; see `vires fix` for what stands in the way.")
    if b.precedents:
        out += ["", "## Nearest precedents", ""]
        for p in b.precedents:
            differs = f"; differs in {md('; '.join(p['differences']))}" if p["differences"] else ""
            out.append(f"- **{md(p['title'])}** ({code(p['case'])}, {md(p['kind'])}): "
                       f"{md(p['verdict'].replace('_', ' '))}; {similarity_words(p['similarity'])}{differs}")
    if b.sources:  # the policy's own register: titles are text, an address a plain link
        out += ["", "## Sources", ""]
        out += [f"- {md(s['title'])}, {md(s['publisher'])}, {md(s['date'])}"
                + (f", <{s['url']}>" if s["url"] else "") + f" ({code(s['key'])})" for s in b.sources]
    return out


def render_briefing(b) -> str:
    """The briefing as Markdown."""
    out = [f"# {md(b.title)}", "", f"## {md(b.headline)}", "", f"**{md(b.meaning[:1].upper() + b.meaning[1:])}.**",
           f"Policy edition: {md(b.edition_title)}."]
    if b.answer_summary:
        out += ["", md(b.answer_summary)]
    out += ["", "## The scheme", "", " ".join(md(s) for s in b.sentences)]
    if b.summary:
        out += ["", f"**What happened:** {md(b.summary)}"]
    if b.rests_on:
        out += [""] + _rests_on(b)
    if b.why:
        out += [""] + _why(b)
    if b.answers:
        out += [""] + _undetermined(b)
    if b.quotes:
        out += ["", "### What the sources say", ""]
        for q in b.quotes:
            supports = f" ({md(q.supports)})" if q.supports else ""
            out += [f"> \u201c{md(q.quote)}\u201d \u2014 {md(q.source)}{supports}", ""]
        out.pop()
    out += ["", "## Who must approve, in order", ""] + _chain(b)
    if b.steps:
        out += ["", "## Steps still to take", ""] + _findings(b.steps, label="Step")
    if b.risks:
        out += ["", "## Risks", ""] + _findings(b.risks, with_basis=False)
    out += _possible("Risks that may apply, depending on facts not given", b.possible_risks)
    if b.routes:
        out += ["", "## Lawful routes instead", ""] + _findings(b.routes, with_basis=False)
    out += _possible("Routes that may apply, depending on facts not given", b.possible_routes)
    out += _extras(b)
    out += [""] + [f"*{md(n)}*" for n in b.notes]
    out += ["", f"*Checked by vires from {md(b.file)}. vires encodes published sources; it is a briefing aid, "
                "not legal advice.*"]
    text = "\n".join(line for line in out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text + "\n"
