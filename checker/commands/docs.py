"""`vires docs`: regenerate docs/cases.md and docs/model.md, or check them."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..cli import EXIT_NOT_VALID, EXIT_VALID, PolicyOption, app, fail_input


@app.command()
def docs(
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if a document is out of date."),
    cases: Path = typer.Option(Path("cases"), "--cases", help="Folder of case files."),
    out: Path = typer.Option(Path("docs"), "--out", help="Folder to write cases.md and model.md in."),
    policy: Optional[Path] = PolicyOption,
):
    """Generate the case library and powers model documents from the cases and the policy."""
    from ..diagnostics import InputError
    from ..docs import generate, stale_docs, write_docs
    from ..evaluate.checker import checker_for

    try:
        texts = generate(checker_for(policy), [cases])
    except InputError as err:
        fail_input(err.diagnostics)
    if check:
        stale = stale_docs(out, texts)
        for path in stale:
            typer.echo(f"{path} is out of date: run `vires docs` and commit the result", err=True)
        if not stale:
            typer.echo(f"{', '.join(str(out / n) for n in texts)}: up to date")
        raise typer.Exit(EXIT_NOT_VALID if stale else EXIT_VALID)
    changed = write_docs(out, texts)
    typer.echo("\n".join(f"wrote {p}" for p in changed) if changed else "docs already up to date")
