"""The briefing as Markdown: the same content as the HTML page, for email,
a wiki or a pull request. The approval chain is a numbered list.

Every text from a file goes through ``checker.reporters.neutral``
(``md`` for prose, ``code`` for a code span), so a scheme's title or a
body's name cannot add a link, a heading, HTML or a script to the briefing.
"""
from __future__ import annotations

from .neutral import for_markdown as md
from .neutral import for_markdown_code as code
from .words import similarity_words


def _findings(reasons, with_basis: bool = True) -> list[str]:
    out = []
    for n, r in enumerate(reasons, 1):
        out.append(f"{n}. {md(r.statement)}")
        tail = f"Basis: {md(r.basis)} " if with_basis else ""
        out.append(f"   *Rule {code(r.rule)}. {tail}Sources: {md('; '.join(r.sources))}.*")
    return out


def _chain(b) -> list[str]:
    out = [f"1. **Proposed by** {md(b.proposers.label)}"]
    for n, step in enumerate(b.chain, 2):
        reason = f" ({md(step.reason)})" if step.reason else ""
        out.append(f"{n}. **{md(step.label)}**: {md(step.words)}{reason} (rule {code(step.rule)})")
    if not b.chain:
        out.append("   - No approval is listed: " + ("none is required." if b.verdict == "valid" else
                                                      "as proposed, no body's approval can make it lawful."))
    out.append(f"\n**Outcome: {md(b.outcome)}.**")
    return out


def _extras(b) -> list[str]:
    out = []
    if b.fix is not None:
        out += ["", "## Smallest fix", ""]
        if b.fix["changes"]:
            out.append("The least that would make it valid:")
            out += [f"- {code(c)}" for c in b.fix["changes"]]
            if b.fix["no_longer"]:
                out.append(f"\nNo longer applies: {md(', '.join(b.fix['no_longer']))}.")
        else:
            out.append(f"No set of up to {b.fix['none_within']} changes to the negotiable facts makes this "
                       "scheme valid; see `vires fix` for what stands in the way.")
    if b.precedents:
        out += ["", "## Nearest precedents", ""]
        for p in b.precedents:
            differs = f"; differs in {md('; '.join(p['differences']))}" if p["differences"] else ""
            out.append(f"- **{md(p['title'])}** ({code(p['case'])}): {md(p['verdict'].replace('_', ' '))}; "
                       f"{similarity_words(p['similarity'])}{differs}")
    return out


def render_briefing(b) -> str:
    """The briefing as Markdown."""
    out = [f"# {md(b.title)}", "", f"## {md(b.headline)}", "",
           f"**{md(b.meaning[:1].upper() + b.meaning[1:])}.**",
           f"Policy edition: {md(b.edition_title)}.", "", "## The scheme", "", " ".join(md(s) for s in b.sentences)]
    if b.summary:
        out += ["", f"**What happened:** {md(b.summary)}"]
    out += ["", "## Why", ""]
    out += _findings(b.why) if b.why else ["No rule of this policy edition requires an approval or forbids the scheme."]
    if b.quotes:
        out += ["", "### What the sources say", ""]
        for q in b.quotes:
            supports = f" ({md(q.supports)})" if q.supports else ""
            out += [f"> \u201c{md(q.quote)}\u201d \u2014 {md(q.source)}{supports}", ""]
        out.pop()
    out += ["", "## Who must approve, in order", ""] + _chain(b)
    if b.risks:
        out += ["", "## Risks", ""] + _findings(b.risks, with_basis=False)
    if b.routes:
        out += ["", "## Lawful routes instead", ""] + _findings(b.routes, with_basis=False)
    out += _extras(b)
    out += [""] + [f"*{md(n)}*" for n in b.notes]
    out += ["", f"*Checked by vires from {md(b.file)}. vires encodes published sources; it is a briefing aid, "
                "not legal advice.*"]
    return "\n".join(out).replace("\n\n\n", "\n\n") + "\n"
