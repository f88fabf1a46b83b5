"""`vires check`: the verdict on each scheme, the rules that decided it, and
the approvals, risks and lawful routes."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import Format, PolicyOption, command_app, fail_input, verdicts_exit

app = command_app()


@app.command()
def check(
    files: List[Path] = typer.Argument(..., help="Scheme or case files (YAML).", show_default=False),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text, json or table."),
    policy: Optional[Path] = PolicyOption,
):
    """Check schemes: the verdict, the power it rests on or the power missing, approvals, risks."""
    from ..diagnostics import InputError
    from ..evaluate.checker import checker_for

    checker = checker_for(policy)
    schemes, problems = [], []
    for path in files:
        try:
            schemes.append(checker.load(path))
        except InputError as err:
            problems += err.diagnostics
    results = []
    for scheme in schemes:
        try:
            results.append(checker.check_scheme(scheme))
        except InputError as err:
            problems += err.diagnostics
    if problems:
        fail_input(problems)  # nothing is printed on stdout: no half-written report
    if format == Format.json:
        from ..reporters.json_report import render_results
    elif format == Format.table:
        from ..reporters.table import render_results
    else:
        from ..reporters.text import render_results
    typer.echo(render_results(results), nl=False)
    raise typer.Exit(verdicts_exit(r.verdict for r in results))
