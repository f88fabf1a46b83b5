"""The text report: the verdict first; then the power it rests on, or why no
power covers it; then who still has to act, the risks and the lawful routes,
in plain words. An undetermined verdict says what to find out first and the
verdict for each answer."""
from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import replace

from ..evaluate.result import Approval, Finding, MissingPower, Result
from ..load.schema import body_label
from . import style
from .neutral import for_terminal, neutralised
from .powers import (
    body_phrase,
    branch_sentence,
    limit_words,
    missing_power_paragraph,
    nearest,
    setters,
    target_phrase,
    undetermined_summary,
)
from .sources import cite
from .words import STATUS_WORDS, VERDICT_WORDS, fact_label

WIDTH = 88


def wrap(text: str, indent: str, hanging: str | None = None) -> str:
    """Text refilled to the report's width, with a first-line indent and a hanging one."""
    return textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=indent,
                         subsequent_indent=hanging if hanging is not None else indent)


def _basis(f: Finding, label: str = "rule") -> list[str]:
    lines = [style.dim(wrap(f"{label} {f.rule}; basis: {f.basis}", "    "))]
    if f.sources:
        lines.append(style.dim(wrap("sources: " + "; ".join(f.sources), "    ")))
    return lines


def _finding(f: Finding, mark: str, label: str = "rule") -> list[str]:
    return [wrap(f.statement, f"  {mark} ", "    ")] + _basis(f, label)


def _missing(m: MissingPower) -> list[str]:
    lines = [wrap(missing_power_paragraph(m), "  * ", "    ")]
    reason = f"no-power:{m.target}"
    if m.maker_role:
        lines += _basis(replace(m.maker_role, rule=f"{reason} (the role of {body_phrase(m.maker)})"), "reason")
    else:
        lines.append(style.dim(wrap(f"reason {reason}", "    ")))
    national = setters(m)
    if national:
        lines += _basis(Finding(national[0].power, "power", "", national[0].basis, national[0].sources), "power")
    near = nearest(m)
    if near:
        lines.append(wrap("The nearest powers, and what each lacks:", "    "))
    for c, lacks in near:
        lines.append(style.dim(wrap(f"{c.power}: {c.statement.rstrip('. ')}; but {lacks}.", "    - ", "      ")))
    return lines


def missing_power_sentence(m: MissingPower) -> str:
    """Why no power covers an act, in one paragraph: the maker's role, who sets
    that part of the contract, and the conclusion (the whatif and fix reports
    use it too; the words are ``checker.reporters.powers``')."""
    return missing_power_paragraph(m)


_PART_LABELS = {"limit": "limit", "step": "step", "approval": "approval", "made": "approval"}


def _approval_line(a: Approval) -> str:
    """Where an approval stands: 'NHS England (national): not sought', or for
    the maker's own decision 'NHS England area team, the maker: refused'."""
    maker = ", the maker" if a.rule.endswith("/made") else ""
    return f"{body_label(a.body)}{maker}: {STATUS_WORDS[a.status]}" + (f": {a.reason}" if a.reason else "")


def _why(result: Result) -> list[str]:
    """What decided a verdict other than valid: missing powers, failed limits,
    prohibitions and refusals, then the approvals and steps still missing."""
    lines = [style.heading("  Why")]
    missing = {f"no-power:{m.target}": m for m in result.missing_powers}
    approvals = {a.rule: a for a in result.approvals_needed}
    for f in result.why:
        if f.effect == "no_power" and f.rule in missing:
            lines += _missing(missing[f.rule])
        elif f.effect == "no_power":
            lines.append(wrap(f"No power covers {target_phrase(f.rule.split(':', 1)[1])}.", "  * ", "    "))
        elif f.effect == "limit" or (f.effect == "step" and result.verdict == "ultra_vires"):
            m = next((m for m in result.missing_powers if any(c.power == f.rule.split("/")[0]
                                                               for c in m.candidates)), None)
            lines += [wrap(limit_words(f, m), "  * ", "    ")] + _basis(f, _PART_LABELS[f.effect])
        elif f.effect in ("approval", "made") and f.rule in approvals:
            lines += [wrap(_approval_line(approvals[f.rule]), "  * ", "    "), wrap(f.statement, "    ")]
            lines += _basis(f, "approval")
        else:
            lines += _finding(f, "*", _PART_LABELS.get(f.effect, "rule"))
    return lines


def _undetermined(result: Result) -> list[str]:
    u = result.undetermined
    assert u is not None
    lines = [style.heading("  Find out first")]
    lines += [wrap(f"- {fact_label(fact)}", "  ", "    ") for fact in u.ask]
    lines += ["", style.heading("  The verdict for each answer")]
    for b in u.branches:
        lines.append(wrap(f"- {branch_sentence(b)}", "  ", "    "))
        for f in b.why:
            if f.statement:
                lines.append(style.dim(wrap(f"{f.rule}: {f.statement}", "      ", "      ")))
    if not u.complete:
        lines.append(wrap("(more answers than can be listed: settle the facts above first)", "  "))
    return lines


def _rests_on(result: Result) -> list[str]:
    """The power each act rests on; acts that rest on the same power are named together."""
    lines = [style.heading("  Rests on")]
    acts: dict[str, list] = {}
    for use in result.powers_used:
        acts.setdefault(use.power, []).append(use)
    for uses in acts.values():
        use = uses[0]
        f = Finding(use.power, "power", use.statement, use.basis, use.sources)
        if len(acts) == 1 and len(result.powers_used) == 1:
            lines += _finding(f, "*", "power")
        else:
            targets = " and ".join(target_phrase(u.target) for u in uses)
            lines += [wrap(f"for {targets}: {use.statement}", "  * ", "    ")] + _basis(f, "power")
    return lines + [""]


def _possible(heading: str, items) -> list[str]:
    """Risks or routes that apply only for some answers to facts not given, with what to find out."""
    if not items:
        return []
    return ["", style.heading(f"  {heading}")] + [
        wrap(f"{p.finding.statement} (find out: {', '.join(p.ask)})", "  ? ", "    ") for p in items]


def render_result(result: Result) -> str:
    """The text report of one result: the verdict first, then why, in plain words."""
    result = neutralised(result, for_terminal)
    lines = [style.heading(f"{result.file or result.scheme}: {result.title}"),
             "  " + style.verdict(VERDICT_WORDS[result.verdict], result.verdict),
             style.dim(f"  policy edition: {result.edition} ({result.edition_title})"), ""]
    if result.undetermined:
        lines[-1:-1] = [wrap(undetermined_summary(result.undetermined), "  ")]
        lines += _undetermined(result)
    if result.powers_used:
        lines += _rests_on(result)
    if result.why and result.verdict != "valid":
        lines += _why(result)
    decisive = set(result.decided_by)
    still = [a for a in result.approvals_needed if a.rule not in decisive]
    if still:
        lines += ["", style.heading("  Who else still has to approve" if len(still) < len(result.approvals_needed)
                                    else "  Who still has to approve")]
        lines += [wrap(f"- {_approval_line(a)} ({a.rule})", "  ", "    ") for a in still]
    steps = [s for s in result.steps_needed if s.rule not in decisive]
    if steps:
        lines += ["", style.heading("  Steps still to take")]
        lines += [wrap(f"- {s.statement} ({s.rule})", "  ", "    ") for s in steps]
    if result.approvals_given and result.verdict != "valid":
        lines += ["", style.heading("  Approvals already given")]
        for a in result.approvals_given:
            lines.append(wrap(f"- {body_label(a.body)}: formally granted ({a.rule})", "  ", "    "))
    if result.risks:
        lines += ["", style.heading("  Risks")]
        for f in result.risks:
            lines += _finding(f, "!")
    lines += _possible("Risks that may apply, depending on facts not given", result.possible_risks)
    if result.routes:
        lines += ["", style.heading("  Lawful routes instead")]
        for f in result.routes:
            lines += _finding(f, ">")
    lines += _possible("Routes that may apply, depending on facts not given", result.possible_routes)
    if result.sources:
        lines += ["", style.heading("  Sources")]
        lines += [style.dim(textwrap.fill(f"{key}: {cite(key, result.sources)}", WIDTH, initial_indent="  - ",
                                          subsequent_indent="    ", break_on_hyphens=False,
                                          break_long_words=False))  # addresses whole, to copy
                  for key in sorted(result.sources)]
    while lines and not lines[-1].strip():
        lines.pop()
    out: list[str] = []
    for line in lines:  # no two blank lines in a row
        if line.strip() or (out and out[-1].strip()):
            out.append(line.rstrip() if not line.strip() else line)
    return "\n".join(out) + "\n"


def render_unchecked(entry) -> str:
    """The text report of a file that could not be checked: why, located."""
    from .diagnostics import render_diagnostic

    entry = neutralised(entry, for_terminal)
    if entry.error == "bad_input":
        lines = [style.heading(f"{entry.file}: not checked: the file is not valid input")]
        for d in entry.diagnostics:
            lines += ["  " + line for line in render_diagnostic(d).splitlines()]
    else:
        lines = [style.heading(f"{entry.file}: not checked: an internal error, a bug in vires, not in your file"),
                 f"  {entry.message}", "  Set VIRES_DEBUG=1 to see the details, and please report it."]
    return "\n".join(lines) + "\n"


def render_results(results) -> str:
    """The text report of several files, one after another in the order given:
    each result, or why its file could not be checked."""
    return "".join(stream_results(results))


def stream_results(results) -> Iterator[str]:
    """The text report of ``render_results`` in pieces, one file at a time."""
    for i, r in enumerate(results):
        yield ("\n" if i else "") + (render_unchecked(r) if hasattr(r, "error") else render_result(r))
