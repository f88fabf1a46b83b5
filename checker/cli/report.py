"""`vires report`: a one-page briefing on a scheme for a committee."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .common import PolicyOption, SchemeArgument, command_app, fail_input

app = command_app()


class ReportFormat(str, Enum):
    """The output formats of `vires report`: Markdown or a self-contained HTML page."""

    md = "md"
    html = "html"


@app.command()
def report(
    file: Path = SchemeArgument,
    format: Optional[ReportFormat] = typer.Option(
        None, "--format", "-f", show_default=False,
        help="md or html (default: html when OUT ends in .html, otherwise md)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="OUT", show_default=False,
                                          help="Write the briefing to this file instead of printing it."),
    policy: Optional[Path] = PolicyOption,
):
    """A one-page briefing: the scheme, the verdict and the power it rests on
    or why not, who must approve in order, the risks, and the nearest
    precedents and smallest fix.

    An undetermined verdict lists the facts to find out first and the
    verdict for each answer."""
    from ..atomic import output_problems, write_atomically
    from ..diagnostics import InputError
    from ..evaluate.checker import checker_for
    from ..explore.fix import find_fixes
    from ..explore.precedents import load_library, nearest
    from ..reporters.briefing import FIX_SEARCH, PRECEDENTS, build_briefing

    if format is None:
        format = ReportFormat.html if output and output.suffix.lower() in (".html", ".htm") else ReportFormat.md
    if output is not None and output_problems(output, overwrite=True):
        fail_input(output_problems(output, overwrite=True))
    try:
        checker = checker_for(policy)
        scheme = checker.load(file)
        result = checker.check_scheme(scheme)
        fix = find_fixes(checker, scheme, **FIX_SEARCH) if result.verdict != "valid" else None
    except InputError as err:
        fail_input(err.diagnostics)
    try:
        library, _ = load_library(checker)  # a broken case is simply not a precedent
        precedents = nearest(checker, scheme, result, library, PRECEDENTS)
    except InputError:  # an installed wheel ships no case library
        precedents = None
    briefing = build_briefing(scheme, result, precedents, fix, checker.policy.sources)
    if format == ReportFormat.html:
        from ..reporters.html import render_briefing
    else:
        from ..reporters.markdown import render_briefing
    text = render_briefing(briefing)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_atomically(output, text)
        typer.echo(f"Wrote {output}.", err=True)
