"""The text report: verdict first, then why, in plain words."""
from __future__ import annotations

import textwrap

from ..evaluate.result import Result
from ..load.schema import body_label
from . import style
from .neutral import for_terminal, neutralised
from .words import STATUS_WORDS, VERDICT_WORDS

WIDTH = 88


def wrap(text: str, indent: str, hanging: str | None = None) -> str:
    """Text refilled to the report's width, with a first-line indent and a hanging one."""
    return textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=indent,
                         subsequent_indent=hanging if hanging is not None else indent)


def _finding(f, mark: str) -> list[str]:
    return [wrap(f.statement, f"  {mark} ", "    "),
            style.dim(wrap(f"rule {f.rule}; basis: {f.basis}", "    ")),
            style.dim(wrap("sources: " + "; ".join(f.sources), "    "))]


def render_result(result: Result) -> str:
    """The text report of one result: the verdict first, then why, in plain words."""
    result = neutralised(result, for_terminal)
    lines = [style.heading(f"{result.file or result.scheme}: {result.title}"),
             "  " + style.verdict(VERDICT_WORDS[result.verdict], result.verdict),
             style.dim(f"  policy edition: {result.edition} ({result.edition_title})"), ""]
    decisive = [f for f in result.findings if f.rule in result.decided_by]
    if decisive:
        lines.append(style.heading("  Why"))
        for f in decisive:
            lines += _finding(f, "*")
    if result.approvals_needed:
        lines += ["", style.heading("  Who still has to approve")]
        for a in result.approvals_needed:
            words = STATUS_WORDS[a.status] + (f": {a.reason}" if a.reason else "")
            lines.append(wrap(f"- {body_label(a.body)}: {words} (rule {a.rule})", "  ", "    "))
    if result.approvals_given and result.verdict != "valid":
        lines += ["", style.heading("  Approvals already given")]
        for a in result.approvals_given:
            lines.append(wrap(f"- {body_label(a.body)}: formally granted (rule {a.rule})", "  ", "    "))
    if result.risks:
        lines += ["", style.heading("  Risks")]
        for f in result.risks:
            lines += _finding(f, "!")
    if result.routes:
        lines += ["", style.heading("  Lawful routes instead")]
        for f in result.routes:
            lines += _finding(f, ">")
    if result.verdict == "valid" and not decisive:
        lines.append("  No rule of this edition requires an approval or forbids the scheme.")
    return "\n".join(lines) + "\n"


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
    return "\n".join(render_unchecked(r) if hasattr(r, "error") else render_result(r) for r in results)
