"""`vires report`: a one-page briefing on a scheme for a committee."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .common import ForceOption, PolicyOption, SchemeArgument, command_app, fail_input, input_files

app = command_app()


class ReportFormat(str, Enum):
    """The output formats of `vires report`: Markdown, a self-contained HTML page, or a PDF."""

    md = "md"
    html = "html"
    pdf = "pdf"


#: The file extensions of each format: an output file's extension names its format.
EXTENSIONS = {ReportFormat.md: (".md", ".markdown", ".txt"), ReportFormat.html: (".html", ".htm"),
              ReportFormat.pdf: (".pdf",)}


def format_problems(output: Optional[Path], format: Optional[ReportFormat]):
    """The format to write, and the diagnostics that refuse the request: an
    output file whose extension is not the format's (a Markdown briefing in a
    file named .pdf), or a PDF with no file to go to."""
    from ..diagnostics import Diagnostic

    if output is None:
        if format == ReportFormat.pdf:
            return format, [Diagnostic(
                "output.pdf_needs_file", "a PDF is written to a file, never to the terminal or standard output",
                "standard output", hint="add -o briefing.pdf")]
        return format or ReportFormat.md, []
    suffix = output.suffix.lower()
    named = next((f for f, suffixes in EXTENSIONS.items() if suffix in suffixes), None)
    if format is None and named is not None:
        return named, []
    if format is not None and named == format:
        return format, []
    words = {ReportFormat.md: "Markdown", ReportFormat.html: "HTML", ReportFormat.pdf: "PDF"}
    if format is None:
        message = f"{output.name} does not say which kind of briefing to write: it does not end in .md, .html or .pdf"
        hint = f"end the file name in .md, .html or .pdf, e.g. -o {output.stem}.pdf"
    else:
        if named is not None:
            message = (f"{output.name} is the name of a {words[named]} file, but --format {format.value} "
                       f"writes {words[format]}")
        else:
            message = f"{output.name} does not end in {' or '.join(EXTENSIONS[format])}, as a {words[format]} file does"
        hint = f"use -o {output.stem}{EXTENSIONS[format][0]}"
        if named is not None:
            hint += f", or --format {named.value} to write {words[named]}"
    return format, [Diagnostic("output.wrong_extension", message, str(output), hint=hint)]


@app.command()
def report(
    file: Path = SchemeArgument,
    format: Optional[ReportFormat] = typer.Option(
        None, "--format", "-f", show_default=False,
        help="md, html or pdf (default: the one OUT's extension names, .md, .html or .pdf; md when printing). "
             "A PDF needs -o."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="OUT", show_default=False,
                                          help="Write the briefing to this file instead of printing it."),
    force: bool = ForceOption,
    policy: Optional[Path] = PolicyOption,
):
    """A one-page briefing: the scheme, the verdict and the power it rests on
    or why not, who must approve in order, the risks, and the nearest
    precedents and smallest fix.

    An undetermined verdict lists the facts to find out first and the
    verdict for each answer."""
    from ..atomic import output_problems, write_output
    from ..diagnostics import InputError
    from ..evaluate.checker import checker_for
    from ..explore.fix import find_fixes
    from ..explore.precedents import load_library, nearest
    from ..reporters.briefing import FIX_SEARCH, PRECEDENTS, build_briefing

    if output is not None:  # before any work: never over an input, a device or (without --force) a file
        refused = output_problems(output, force, input_files(file, policy=policy))
        if refused:
            fail_input(refused)
    format, refused = format_problems(output, format)  # then: the file's name says the format
    if refused:
        fail_input(refused)
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
    if format == ReportFormat.pdf:
        from ..reporters.pdf import render_briefing
    elif format == ReportFormat.html:
        from ..reporters.html import render_briefing  # type: ignore[assignment]
    else:
        from ..reporters.markdown import render_briefing  # type: ignore[assignment]
    text = render_briefing(briefing)
    if output is None:
        typer.echo(text, nl=False)
    else:
        failed = write_output(output, text, overwrite=force)
        if failed:
            fail_input(failed)
        from ..reporters.neutral import for_terminal

        typer.echo(f"Wrote {for_terminal(output)}.", err=True)
