"""`vires fix`: the least a negotiator must change to make a scheme valid."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import (
    EXIT_BAD_INPUT,
    EXIT_NOT_VALID,
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
def fix(
    file: Path = SchemeArgument,
    max_changes: int = typer.Option(3, "--max-changes", min=1, max=6,
                                    help="Largest number of changes to combine."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, show_default=False,
                                        help="How many fixes to show; more than the smallest size "
                                             "yields makes the search go on to larger sizes."),
    free: Optional[List[str]] = typer.Option(None, "--free", metavar="PATH", show_default=False,
                                             help="Treat a fact of record as negotiable for this run, "
                                                  "e.g. maker (every kind of body that existed then)."),
    format: Format = FormatOption,
    policy: Optional[Path] = PolicyOption,
):
    """The smallest sets of changes that make a scheme valid.

    A valid verdict, never merely an undetermined one. Only facts that policy/negotiation.yaml declares negotiable are changed
    (a fact the scheme leaves unknown may be agreed); a decision already
    given is never edited. Exit 0 if the scheme is valid or a fix was found,
    1 if nothing within --max-changes makes it valid."""
    from ..diagnostics import InputError
    from ..evaluate.checker import checker_for
    from ..explore.fix import find_fixes

    try:
        checker = checker_for(policy)
        scheme = checker.load(file)
        report = find_fixes(checker, scheme, max_changes, limit, tuple(free or ()))
    except InputError as err:
        fail_input(err.diagnostics)
        raise typer.Exit(EXIT_BAD_INPUT)
    if format == Format.json:
        from ..reporters.fix import render_json as render
    else:
        from ..reporters.fix import render_text as render
    typer.echo(render(report), nl=False)
    found = report.fixes or report.before.verdict == "valid"
    raise typer.Exit(EXIT_VALID if found else EXIT_NOT_VALID)
