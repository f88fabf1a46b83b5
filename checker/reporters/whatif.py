"""The what-if report: the changes, the verdict before and after, and why
findings appeared or disappeared, in the rules' own words."""
from __future__ import annotations

from ..load.schema import body_label
from . import style
from .json_report import approval_dict, dumps, result_dict
from .neutral import for_terminal, neutralised
from .text import wrap
from .words import VERDICT_WORDS, describe_change


def finding_dict(comparison, finding) -> dict:
    """The JSON form of a finding that appeared or disappeared, with the changed facts it tests."""
    out = finding.to_dict()
    out["because"] = list(comparison.because.get(finding.rule, []))
    return out


def comparison_dict(comparison) -> dict:
    """The JSON form of a comparison: both results, the changes, and what they made differ."""
    return {
        "before": result_dict(comparison.before),
        "after": result_dict(comparison.after),
        "changes": [c.to_dict() for c in comparison.changes],
        "appeared": [finding_dict(comparison, f) for f in comparison.appeared],
        "disappeared": [finding_dict(comparison, f) for f in comparison.disappeared],
        "approvals_now_given": [approval_dict(a) for a in comparison.now_given()],
        "approvals_now_needed": [approval_dict(a) for a in comparison.now_needed()],
    }


def render_json(comparison) -> str:
    """The comparison as JSON."""
    return dumps(comparison_dict(comparison))


def finding_lines(finding, mark: str, because, indent: str = "  ") -> list[str]:
    """A finding as a statement, with its rule and the changed facts it tests."""
    lines = [wrap(finding.statement, f"{indent}{mark} ", indent + "  ")]
    tail = f"rule {finding.rule} ({finding.effect})"
    if because:
        tail += "; its condition tests " + ", ".join(because)
    lines.append(style.dim(wrap(tail, indent + "  ")))
    return lines


def verdict_lines(before, after) -> list[str]:
    """The verdict before and after, one line each."""
    return ["  Before: " + style.verdict(VERDICT_WORDS[before.verdict], before.verdict),
            "  After:  " + style.verdict(VERDICT_WORDS[after.verdict], after.verdict)]


def contrast_lines(comparison) -> list[str]:
    """What changed in the findings and approvals, and the rules now deciding."""
    c = comparison
    lines = []
    if c.before.edition != c.after.edition:
        lines += ["", wrap(f"The policy edition changed from {c.before.edition} to {c.after.edition}, "
                            "so a different set of rules applies.", "  ")]
    if c.disappeared:
        lines += ["", style.heading("  No longer applies")]
        for f in c.disappeared:
            lines += finding_lines(f, "-", c.because.get(f.rule))
    if c.appeared:
        lines += ["", style.heading("  Now applies")]
        for f in c.appeared:
            lines += finding_lines(f, "+", c.because.get(f.rule))
    for title, approvals in (("Approvals now formally given", c.now_given()),
                             ("Approvals now needed", c.now_needed())):
        if approvals:
            lines += ["", style.heading(f"  {title}")]
            lines += [wrap(f"- {body_label(a.body)} (rule {a.rule})", "  ", "    ") for a in approvals]
    if not (c.appeared or c.disappeared or c.now_given() or c.now_needed()):
        lines += ["", "  The same rules apply before and after: these changes make no difference."]
    decisive = [f for f in c.after.findings if f.rule in c.after.decided_by]
    if decisive and c.after.verdict != "valid":
        lines += ["", style.heading(f"  Why it is {c.after.verdict} after the changes")]
        for f in decisive:
            lines += finding_lines(f, "*", None)
    return lines


def render_text(comparison) -> str:
    """The what-if report as text: the changes, the verdicts, and why they differ."""
    c = neutralised(comparison, for_terminal)
    lines = [style.heading(f"{c.before.file or c.before.scheme}: {c.before.title}"),
             style.heading("  What if")]
    lines += [wrap(f"- {describe_change(change)}", "  ", "    ") for change in c.changes] or ["  (no changes)"]
    lines += [""] + verdict_lines(c.before, c.after)
    lines += contrast_lines(c)
    return "\n".join(lines) + "\n"
