"""The lint report: each diagnostic located, then notes, then the count."""
from __future__ import annotations

from .diagnostics import render_diagnostic
from .json_report import dumps


def render_lint(report) -> str:
    lines = [render_diagnostic(d) for d in report.diagnostics]
    lines += [f"note: {n}" for n in report.notes]
    if report.diagnostics:
        lines.append(f"{report.policy}: {report.errors} error(s), {report.warnings} warning(s)")
    else:
        lines.append(f"{report.policy}: no problems found")
    return "\n".join(lines) + "\n"


def render_lint_json(report) -> str:
    return dumps(report.to_dict())
