"""The lint report: each diagnostic located, then notes, then the count."""
from __future__ import annotations

from .diagnostics import render_diagnostic
from .json_report import dumps
from .neutral import for_terminal


def render_lint(report) -> str:
    """The lint report as text: each diagnostic, the notes, and the count."""
    lines = [render_diagnostic(d) for d in report.diagnostics]
    lines += [f"note: {for_terminal(n)}" for n in report.notes]
    if report.diagnostics:
        lines.append(f"{for_terminal(report.policy)}: {report.errors} error(s), {report.warnings} warning(s)")
    else:
        lines.append(f"{for_terminal(report.policy)}: no problems found")
    return "\n".join(lines) + "\n"


def render_lint_json(report) -> str:
    """The lint report as JSON."""
    return dumps({"policy": report.policy, "errors": report.errors, "warnings": report.warnings,
                  "diagnostics": [d.to_dict() for d in report.diagnostics], "notes": list(report.notes)})
