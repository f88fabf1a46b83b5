"""`vires precedents`: the nearest documented cases, and how this one differs."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import (
    EXIT_BAD_INPUT,
    EXIT_VALID,
    Format,
    FormatOption,
    PolicyOption,
    SchemeArgument,
    command_app,
    fail_input,
)

app = command_app()


@app.command()
def precedents(
    file: Path = SchemeArgument,
    limit: int = typer.Option(3, "--limit", min=1, help="How many cases to show."),
    cases: Optional[Path] = typer.Option(None, "--cases", metavar="DIR", show_default=False,
                                         help="Case library folder (default: cases/ of the source tree)."),
    format: Format = FormatOption,
    policy: Optional[Path] = PolicyOption,
):
    """The nearest cases in the library, their outcome and the differences that matter."""
    from ..diagnostics import InputError
    from ..evaluate.checker import checker_for
    from ..explore.precedents import load_library, nearest
    from ..reporters.diagnostics import render_diagnostics

    try:
        checker = checker_for(policy)
        scheme = checker.load(file)
        result = checker.check_scheme(scheme)
        library, problems = load_library(checker, cases)
    except InputError as err:
        fail_input(err.diagnostics)
        raise typer.Exit(EXIT_BAD_INPUT)
    if problems:  # a broken case in the library is skipped, and said so
        typer.echo("vires: skipped library cases that are not valid input:\n"
                   + render_diagnostics(problems), err=True, nl=False)
    found = nearest(checker, scheme, result, library, limit)
    if format == Format.json:
        from ..reporters.precedents import render_json as render
    else:
        from ..reporters.precedents import render_text as render
    typer.echo(render(result, found), nl=False)
    raise typer.Exit(EXIT_VALID)
