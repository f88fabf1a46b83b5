"""The briefing as Markdown: the same content as the HTML page, for email,
a wiki or a pull request. The approval chain is a numbered list."""
from __future__ import annotations

from .briefing import NEAREST_HEADING


def _cite(rule: str, basis: str, sources, label: str = "Rule") -> str:
    tail = f" Basis: {basis}" if basis else ""
    where = f" Sources: {'; '.join(sources)}." if sources else ""
    return f"   *{label} `{rule}`.{tail}{where}*" if rule else ""


def _findings(items, with_basis: bool = True, label: str = "Rule") -> list[str]:
    out = []
    for n, r in enumerate(items, 1):
        out.append(f"{n}. {r.statement}")
        out.append(_cite(r.rule, r.basis if with_basis else "", r.sources, label))
    return out


def _rests_on(b) -> list[str]:
    out = ["## Rests on", ""]
    for what, f in b.rests_on:
        out.append(f"- {f'**{what[:1].upper() + what[1:]}:** ' if what else ''}{f.statement}")
        out.append(_cite(f.rule, f.basis, f.sources, "Power").replace("   *", "  *", 1))
    return out


def _why(b) -> list[str]:
    out = ["## Why", ""]
    for n, r in enumerate(b.why, 1):
        out.append(f"{n}. {r.words}")
        if r.details:
            out.append(f"\n   {NEAREST_HEADING}\n")
            out += [f"   - {d}" for d in r.details]
            out.append("")
        cite = _cite(r.rule, r.basis, r.sources, r.label)
        if cite:
            out.append(cite)
    return out


def _undetermined(b) -> list[str]:
    out = ["## Find out first", ""] + [f"- {a}" for a in b.ask]
    out += ["", "## The verdict for each answer", ""]
    for answer in b.answers:
        out.append(f"- {answer.words}")
        out += [f"  - `{f.rule}`: {f.statement}" for f in answer.reasons]
    return out


def _chain(b) -> list[str]:
    out = []
    for n, step in enumerate(b.chain, 1):
        reason = f" ({step.reason})" if step.reason else ""
        rule = f" (`{step.rule}`)" if step.rule else ""
        out.append(f"{n}. **{step.caption}: {step.label}**: {step.words}{reason}{rule}")
    if not any(s.rule for s in b.chain):
        out.append("   - No approval is listed: " + (
            "the verdict depends on facts not yet known." if b.verdict == "undetermined" else
            "as proposed, no body's approval can make it lawful." if b.verdict == "ultra_vires" else
            "none is required."))
    out.append(f"\n**Outcome: {b.outcome}.**")
    return out


def _possible(heading: str, items) -> list[str]:
    if not items:
        return []
    out = ["", f"## {heading}", ""]
    out += [f"- {f.statement} *(find out: {', '.join(ask)})*" for f, ask in items]
    return out


def _extras(b) -> list[str]:
    out = []
    if b.fix is not None:
        out += ["", "## Smallest fix", ""]
        if b.fix["changes"]:
            out.append("The least that would make it valid:")
            out += [f"- `{c}`" for c in b.fix["changes"]]
            if b.fix["rests_on"]:
                out.append(f"\nIt would then rest on: {', '.join(b.fix['rests_on'])}.")
            if b.fix["no_longer"]:
                out.append(f"\nNo longer applies: {', '.join(b.fix['no_longer'])}.")
        else:
            out.append(f"No set of up to {b.fix['none_within']} changes to the negotiable facts makes this "
                       "scheme valid; see `vires fix` for what stands in the way.")
    if b.precedents:
        out += ["", "## Nearest precedents", ""]
        for p in b.precedents:
            differs = f"; differs in {'; '.join(p['differences'])}" if p["differences"] else ""
            out.append(f"- **{p['title']}** (`{p['case']}`, {p['kind']}): {p['verdict'].replace('_', ' ')}; "
                       f"similarity {p['similarity']:.2f}{differs}")
    if b.sources:
        out += ["", "## Sources", ""]
        out += [f"- {s['title'] if not s['url'] else '[' + s['title'] + '](' + s['url'] + ')'}, "
                f"{s['publisher']}, {s['date']} (`{s['key']}`)" for s in b.sources]
    return out


def render_briefing(b) -> str:
    """The briefing as Markdown."""
    out = [f"# {b.title}", "", f"## {b.headline}", "", f"**{b.meaning[:1].upper() + b.meaning[1:]}.**",
           f"Policy edition: {b.edition_title}."]
    if b.answer_summary:
        out += ["", b.answer_summary]
    out += ["", "## The scheme", "", " ".join(b.sentences)]
    if b.summary:
        out += ["", f"**What happened:** {b.summary}"]
    if b.rests_on:
        out += [""] + _rests_on(b)
    if b.why:
        out += [""] + _why(b)
    if b.answers:
        out += [""] + _undetermined(b)
    if b.quotes:
        out += ["", "### What the sources say", ""]
        for q in b.quotes:
            supports = f" ({q.supports})" if q.supports else ""
            out += [f"> \u201c{q.quote}\u201d \u2014 {q.source}{supports}", ""]
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
    out += [""] + [f"*{n}*" for n in b.notes]
    out += ["", f"*Checked by vires from {b.file}. vires encodes published sources; it is a briefing aid, "
                "not legal advice.*"]
    text = "\n".join(line for line in out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text + "\n"
