"""`vires new`: build a scheme file by answering questions."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..cli import EXIT_BAD_INPUT, app, fail_input


@app.command()
def new(
    output: Optional[Path] = typer.Option(None, "--output", "-o", show_default=False,
                                          help="File to write (default: the scheme's short name, .yaml)."),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
    questions: bool = typer.Option(False, "--questions",
                                   help="List the questions in the order answers are read, and stop."),
):
    """Build a scheme file by answering plain questions, then check it.

    At a terminal each question is explained and a bad answer is asked
    again. Answers may instead come from standard input, one a line, in the
    order `vires new --questions` lists: a bad answer is then an error
    (exit 2), and when the answers run out the remaining questions take
    their defaults.
    """
    import sys

    from ..atomic import output_problems
    from ..diagnostics import InputError
    from ..load.interview import CHECK_QUESTION, Answers, Interview, describe_flow
    from ..rules.policy import load_policy
    from ..scheme_file import write_scheme

    if questions:
        typer.echo(describe_flow(), nl=False)
        raise typer.Exit(0)
    if output is not None and output_problems(output, force):
        fail_input(output_problems(output, force))  # before the questions, not after
    interactive = sys.stdin.isatty()
    say = (lambda text: typer.echo(text, err=False)) if interactive else None
    prompt = (lambda: typer.echo("> ", nl=False)) if interactive else None
    interview = Interview(Answers(sys.stdin, prompt=prompt), say=say, policy=load_policy(None))
    try:
        data = interview.run()
        target = output or Path(f"{data['id']}.yaml")
        if output_problems(target, force):
            fail_input(output_problems(target, force))
        written = write_scheme(data, target, force=force)
    except InputError as err:
        fail_input(err.diagnostics)
    except FileExistsError:  # created by someone else while the questions were asked
        fail_input(output_problems(target, False))
    typer.echo(f"Wrote {written}.")
    try:
        check_now = interview.confirm(CHECK_QUESTION, default=True)
    except InputError as err:
        fail_input(err.diagnostics)
    if check_now:
        from ..evaluate.checker import checker_for
        from ..reporters.text import render_results

        checker = checker_for(None)
        typer.echo(render_results([checker.check_scheme(checker.load(written))]), nl=False)
    else:
        typer.echo(f"Check it later with: vires check {written}")

