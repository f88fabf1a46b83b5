"""`vires lint`: check a policy folder for defects, each located with a code."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import EXIT_BAD_INPUT, EXIT_VALID, TextOrJson, command_app

app = command_app()


@app.command()
def lint(
    policy_dir: Optional[Path] = typer.Argument(None, help="Policy folder [default: the shipped policy].",
                                                show_default=False),
    sources: Optional[List[Path]] = typer.Option(None, "--sources", show_default=False,
                                                 help="Folder of source texts, may be repeated "
                                                      "[default: ../shared/sources, ../research/sources]."),
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="text or json."),
):
    """Lint the policy: missing or unknown parts, unusable powers, unreachable targets, dead rules, period gaps."""
    from ..reporters.lint import render_lint, render_lint_json
    from ..trust.lint import lint_policy

    report = lint_policy(policy_dir, sources)
    typer.echo(render_lint_json(report) if format == TextOrJson.json else render_lint(report), nl=False)
    raise typer.Exit(EXIT_BAD_INPUT if report.errors else EXIT_VALID)
