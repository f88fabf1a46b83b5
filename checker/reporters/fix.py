"""The fix report: the smallest changes that make a scheme valid, each with
what no longer applies and how to replay it; or, when there is none, what
stands in the way and the closest attempts."""
from __future__ import annotations

from ..load.schema import body_label
from ..rules.negotiation import Lever
from . import style
from .json_report import dumps
from .neutral import for_terminal, neutralised
from .text import wrap
from .whatif import finding_lines
from .words import VERDICT_WORDS, describe_change


def replay_command(file: str, changes) -> str:
    """The `vires whatif` command that replays a set of changes to a scheme file."""
    return " ".join(["vires whatif", file] + [c.option() for c in changes])


def attempt_dict(attempt) -> dict:
    """The JSON form of one attempt: its changes and the result they gave."""
    r = attempt.result
    return {"changes": [c.to_dict() for c in attempt.changes], "verdict": r.verdict,
            "decided_by": list(r.decided_by), "holds": r.finding_ids()}


def fix_dict(attempt, comparison, file: str) -> dict:
    """The JSON form of one fix: an attempt, what no longer applies, its risks and its replay."""
    out = attempt_dict(attempt)
    out["no_longer"] = [f.rule for f in comparison.disappeared]
    out["risks"] = [f.rule for f in attempt.result.risks]
    out["replay"] = replay_command(file, attempt.changes)
    return out


def report_dict(report) -> dict:
    """The JSON form of a fix search: the fixes, or the closest attempts, and the search's size."""
    before = report.before
    return {
        "file": before.file,
        "scheme": before.scheme,
        "before": {"verdict": before.verdict, "decided_by": list(before.decided_by)},
        "fixes": [fix_dict(a, c, before.file) for a, c in report.fixes],
        "closest": [attempt_dict(a) for a in report.closest],
        "search": {"max_changes": report.max_changes, "candidates": report.candidates, "tried": report.tried},
    }


def render_json(report) -> str:
    """The fix report as JSON."""
    return dumps(report_dict(report))


def render_text(report) -> str:
    """The fix report as text: the smallest fixes, or what stands in the way and the closest attempts."""
    report = neutralised(report, for_terminal)
    before = report.before
    lines = [style.heading(f"{before.file or before.scheme}: {before.title}"),
             "  As it stands: " + style.verdict(VERDICT_WORDS[before.verdict], before.verdict)]
    if before.verdict == "valid":
        lines.append("  Nothing to fix: the scheme is valid as it stands.")
        return "\n".join(lines) + "\n"
    if report.fixes:
        sizes = sorted({len(a.changes) for a, _ in report.fixes})
        words = " or ".join(str(s) for s in sizes)
        lines.append(f"  {len(report.fixes)} smallest fix(es), {words} change(s) each:")
        for n, (attempt, comparison) in enumerate(report.fixes, 1):
            lines += [""] + _fix_lines(n, attempt, comparison, before.file)
    else:
        lines += _no_fix_lines(report)
    lines += ["", style.dim(wrap(
        f"Searched {report.tried} combination(s) of {report.candidates} candidate change(s) to the "
        f"negotiable facts of policy/negotiation.yaml, up to {report.max_changes} change(s); facts of "
        "record, and decisions already given, are never changed.", "  "))]
    return "\n".join(lines) + "\n"


def _fix_lines(n, attempt, comparison, file) -> list[str]:
    result = attempt.result
    lines = ["  " + style.heading(f"Fix {n}: ") + style.verdict(VERDICT_WORDS[result.verdict], result.verdict)]
    lines += [wrap(f"- {describe_change(c)}", "    ", "      ") for c in attempt.changes]
    deciding = [f for f in comparison.disappeared if f.effect in ("ultra_vires", "refused")]
    if deciding:
        lines.append("    No longer applies:")
        for f in deciding:
            lines += finding_lines(f, "-", comparison.because.get(f.rule), indent="    ")
    if result.approvals_given:
        given = "; ".join(f"{body_label(a.body)} (rule {a.rule})" for a in result.approvals_given)
        lines.append(wrap(f"Approvals formally given: {given}", "    ", "      "))
    if result.risks:
        lines.append(wrap("Risks to watch: " + ", ".join(f.rule for f in result.risks), "    ", "      "))
    # Not wrapped: the line is a command to copy and paste.
    lines.append(style.dim("    replay: " + replay_command(file, attempt.changes)))
    return lines


def _no_fix_lines(report) -> list[str]:
    lines = ["", wrap(f"No set of up to {report.max_changes} change(s) to the negotiable facts makes "
                       "this scheme valid.", "  ")]
    if report.blockers:
        lines += ["", style.heading("  What stands in the way")]
        for finding, facts in report.blockers:
            lines += finding_lines(finding, "*", None)
            record: dict[str, str] = {}
            for name, entry in facts:
                if entry is not None and not isinstance(entry, Lever):
                    record.setdefault(entry.path, entry.why)
            for path, why in record.items():
                lines.append(wrap(f"it tests {path}, a fact of record: {why}", "    ", "      "))
    if report.closest:
        lines += ["", style.heading("  Closest attempts")]
        for attempt in report.closest:
            r = attempt.result
            lines.append("  " + style.verdict(r.verdict, r.verdict) + " (decided by "
                         + ", ".join(r.decided_by) + ")")
            lines += [wrap(f"- {describe_change(c)}", "    ", "      ") for c in attempt.changes]
    else:
        lines.append(wrap("No attempt came closer to valid than the scheme as it stands.", "  "))
    return lines
