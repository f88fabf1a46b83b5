"""The briefing as Markdown: the same content as the HTML page, for email,
a wiki or a pull request. The approval chain is a numbered list."""
from __future__ import annotations


def _findings(reasons, with_basis: bool = True) -> list[str]:
    out = []
    for n, r in enumerate(reasons, 1):
        out.append(f"{n}. {r.statement}")
        tail = f"Basis: {r.basis} " if with_basis else ""
        out.append(f"   *Rule `{r.rule}`. {tail}Sources: {'; '.join(r.sources)}.*")
    return out


def _chain(b) -> list[str]:
    out = [f"1. **Proposed by** {b.proposers.label}"]
    for n, step in enumerate(b.chain, 2):
        reason = f" ({step.reason})" if step.reason else ""
        out.append(f"{n}. **{step.label}**: {step.words}{reason} (rule `{step.rule}`)")
    if not b.chain:
        out.append("   - No approval is listed: " + ("none is required." if b.verdict == "valid" else
                                                      "as proposed, no body's approval can make it lawful."))
    out.append(f"\n**Outcome: {b.outcome}.**")
    return out


def _extras(b) -> list[str]:
    out = []
    if b.fix is not None:
        out += ["", "## Smallest fix", ""]
        if b.fix["changes"]:
            out.append("The least that would make it valid:")
            out += [f"- `{c}`" for c in b.fix["changes"]]
            if b.fix["no_longer"]:
                out.append(f"\nNo longer applies: {', '.join(b.fix['no_longer'])}.")
        else:
            out.append(f"No set of up to {b.fix['none_within']} changes to the negotiable facts makes this "
                       "scheme valid; see `vires fix` for what stands in the way.")
    if b.precedents:
        out += ["", "## Nearest precedents", ""]
        for p in b.precedents:
            differs = f"; differs in {'; '.join(p['differences'])}" if p["differences"] else ""
            out.append(f"- **{p['title']}** (`{p['case']}`): {p['verdict'].replace('_', ' ')}; "
                       f"similarity {p['similarity']:.2f}{differs}")
    return out


def render_briefing(b) -> str:
    """The briefing as Markdown."""
    out = [f"# {b.title}", "", f"## {b.headline}", "", f"**{b.meaning[:1].upper() + b.meaning[1:]}.**",
           f"Policy edition: {b.edition_title}.", "", "## The scheme", "", " ".join(b.sentences)]
    if b.summary:
        out += ["", f"**What happened:** {b.summary}"]
    out += ["", "## Why", ""]
    out += _findings(b.why) if b.why else ["No rule of this policy edition requires an approval or forbids the scheme."]
    if b.quotes:
        out += ["", "### What the sources say", ""]
        for q in b.quotes:
            supports = f" ({q.supports})" if q.supports else ""
            out += [f"> \u201c{q.quote}\u201d \u2014 {q.source}{supports}", ""]
        out.pop()
    out += ["", "## Who must approve, in order", ""] + _chain(b)
    if b.risks:
        out += ["", "## Risks", ""] + _findings(b.risks, with_basis=False)
    if b.routes:
        out += ["", "## Lawful routes instead", ""] + _findings(b.routes, with_basis=False)
    out += _extras(b)
    out += [""] + [f"*{n}*" for n in b.notes]
    out += ["", f"*Checked by vires from {b.file}. vires encodes published sources; it is a briefing aid, "
                "not legal advice.*"]
    return "\n".join(out).replace("\n\n\n", "\n\n") + "\n"
