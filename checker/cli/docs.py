"""`vires docs`: regenerate docs/cases.md and docs/model.md, or check them."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import EXIT_NOT_VALID, EXIT_VALID, PolicyOption, command_app, fail_input

app = command_app()


@app.command()
def docs(
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if a document is out of date."),
    cases: Path = typer.Option(Path("cases"), "--cases", help="Folder of case files."),
    out: Path = typer.Option(Path("docs"), "--out", help="Folder to write cases.md and model.md in."),
    policy: Optional[Path] = PolicyOption,
):
    """Generate the case library and powers model documents from the cases and the policy."""
    from ..evaluate.cases import run_cases
    from ..evaluate.checker import checker_for
    from ..reporters.docs import render_docs
    from ..rules.policy import shared_sets

    checker = checker_for(policy)
    outcomes, problems = run_cases(checker, [cases])
    if problems:
        fail_input(problems)
    texts = render_docs(checker.policy, outcomes, shared_sets(checker.policy))
    if check:
        stale = stale_docs(out, texts)
        for path in stale:
            typer.echo(f"{path} is out of date: run `vires docs` and commit the result", err=True)
        if not stale:
            typer.echo(f"{', '.join(str(out / n) for n in texts)}: up to date")
        raise typer.Exit(EXIT_NOT_VALID if stale else EXIT_VALID)
    try:
        changed = write_docs(out, texts)
    except OSError as err:
        from ..atomic import write_failed

        fail_input([write_failed(err.filename or out, err)])
    typer.echo("\n".join(f"wrote {p}" for p in changed) if changed else "docs already up to date")


def stale_docs(out_dir, texts: dict) -> list[str]:
    """The generated files that are missing from ``out_dir`` or differ."""
    out = []
    for name, text in texts.items():
        path = Path(out_dir) / name
        if not path.is_file() or path.read_text("utf-8") != text:
            out.append(str(path))
    return out


def write_docs(out_dir, texts: dict) -> list[str]:
    """Write the files that changed, each whole or not at all; returns their
    paths. An OSError (a full disk) leaves every file as it was before it."""
    from ..atomic import write_atomically

    changed = stale_docs(out_dir, texts)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        path = Path(out_dir) / name
        if str(path) in changed:
            try:
                write_atomically(path, text)
            except OSError as err:
                raise OSError(err.errno, err.strerror, str(path)) from err
    return changed
