"""The text report: the verdict first, then the power it rests on or the power
missing, then who still has to act, the risks and the lawful routes, in plain words."""
from __future__ import annotations

import textwrap

from ..evaluate.result import Finding, MissingPower, Result
from ..load.schema import body_label
from . import style
from .words import (
    SHORT_VERDICT, STATUS_WORDS, VERDICT_WORDS, fact_label, given_words, instrument_label, maker_label,
    target_label,
)

WIDTH = 88


def wrap(text: str, indent: str, hanging: str | None = None) -> str:
    """Text refilled to the report's width, with a first-line indent and a hanging one."""
    return textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=indent,
                         subsequent_indent=hanging if hanging is not None else indent)


def _basis(f: Finding, label: str = "rule") -> list[str]:
    return [style.dim(wrap(f"{label} {f.rule}; basis: {f.basis}", "    ")),
            style.dim(wrap("sources: " + "; ".join(f.sources), "    "))]


def _finding(f: Finding, mark: str, label: str = "rule") -> list[str]:
    return [wrap(f.statement, f"  {mark} ", "    ")] + _basis(f, label)


def missing_power_sentence(m: MissingPower) -> str:
    """Why no power covers an act, in one paragraph: the maker's role, who
    holds the power over this part of the contract, and the conclusion."""
    target, instrument = target_label(m.target), instrument_label(m.instrument)
    parts = []
    if not m.in_edition:
        parts.append(f"{target} is not part of the GP contract in this period and nation.")
    if m.maker_role:
        parts.append(m.maker_role.statement.rstrip(".") + ".")
    exact = [c for c in m.held_by_others if "instrument" not in c.lacks]
    for c in (exact or m.held_by_others)[:2]:
        parts.append(c.statement.rstrip(".") + f" ({c.basis.rstrip('.')}).")
    parts.append(f"No power of {maker_label(m.maker)} reaches {target} by {instrument}.")
    return " ".join(parts)


_LACKS = {"instrument": "not by this instrument", "target": "not this part of the contract",
          "when": "not in these circumstances", "holder": "held by another body"}


def _missing(m: MissingPower) -> list[str]:
    lines = [wrap(missing_power_sentence(m), "  * ", "    ")]
    for c in m.candidates:
        lines.append(wrap(f"{c.power} would cover it, but a limit fails: " + ", ".join(c.lacks), "    - ", "      "))
    for c in m.maker_powers[:3]:
        lacks = ", ".join(_LACKS.get(x, x) for x in c.lacks)
        lines.append(style.dim(wrap(f"nearest: {c.power}: {c.statement} ({lacks})", "    - ", "      ")))
    return lines


def _why(result: Result) -> list[str]:
    lines = [style.heading("  Why")]
    missing = {f"no-power:{m.target}": m for m in result.missing_powers}
    for f in result.why:
        if f.effect == "no_power" and f.rule in missing:
            lines += _missing(missing[f.rule])
        elif f.effect == "power":
            lines += _finding(f, "*", "power")
        else:
            label = {"limit": "limit", "step": "step", "approval": "approval", "made": "approval"}.get(f.effect, "rule")
            lines += _finding(f, "*", label)
    return lines


def _undetermined(result: Result) -> list[str]:
    u = result.undetermined
    assert u is not None
    lines = [style.heading("  Find out first")]
    lines += [wrap(f"- {fact_label(fact)}", "  ", "    ") for fact in u.ask]
    lines += ["", style.heading("  The verdict for each answer")]
    for b in u.branches:
        why = ", ".join(b.decided_by)
        lines.append(wrap(f"- if {given_words(b.given)}: {SHORT_VERDICT[b.verdict]} ({why})", "  ", "    "))
    if not u.complete:
        lines.append(wrap("(more answers than can be listed: settle the facts above first)", "  "))
    return lines


def render_result(result: Result) -> str:
    """The text report of one result: the verdict first, then why, in plain words."""
    lines = [style.heading(f"{result.file or result.scheme}: {result.title}"),
             "  " + style.verdict(VERDICT_WORDS[result.verdict], result.verdict),
             style.dim(f"  policy edition: {result.edition} ({result.edition_title})"), ""]
    if result.undetermined:
        lines += _undetermined(result)
    if result.powers_used:
        lines.append(style.heading("  Rests on"))
        for use in result.powers_used:
            f = Finding(use.power, "power", use.statement, use.basis, use.sources)
            lines += _finding(f, "*", "power") if len(result.powers_used) == 1 else \
                [wrap(f"{target_label(use.target)}: {use.statement}", "  * ", "    ")] + _basis(f, "power")
        lines.append("")
    if result.why and result.verdict != "valid":
        lines += _why(result)
    if result.approvals_needed:
        lines += ["", style.heading("  Who still has to approve")]
        for a in result.approvals_needed:
            words = STATUS_WORDS[a.status] + (f": {a.reason}" if a.reason else "")
            lines.append(wrap(f"- {body_label(a.body)}: {words} ({a.rule})", "  ", "    "))
    if result.steps_needed:
        lines += ["", style.heading("  Steps still to take")]
        for s in result.steps_needed:
            lines.append(wrap(f"- {s.statement} ({s.rule})", "  ", "    "))
    if result.approvals_given and result.verdict != "valid":
        lines += ["", style.heading("  Approvals already given")]
        for a in result.approvals_given:
            lines.append(wrap(f"- {body_label(a.body)}: formally granted ({a.rule})", "  ", "    "))
    if result.risks:
        lines += ["", style.heading("  Risks")]
        for f in result.risks:
            lines += _finding(f, "!")
    if result.possible_risks:
        lines += ["", style.heading("  Risks that may apply, depending on facts not given")]
        for p in result.possible_risks:
            lines.append(wrap(f"{p.finding.statement} (find out: {', '.join(p.ask)})", "  ? ", "    "))
    if result.routes:
        lines += ["", style.heading("  Lawful routes instead")]
        for f in result.routes:
            lines += _finding(f, ">")
    return "\n".join(line.rstrip() if not line.strip() else line for line in lines).rstrip("\n") + "\n"


def render_results(results: list[Result]) -> str:
    """The text report of several results, one after another."""
    return "\n".join(render_result(r) for r in results)
