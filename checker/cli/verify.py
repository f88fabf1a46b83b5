"""`vires verify`: every scheme that matters to an edition gets exactly one outcome."""
from __future__ import annotations

from typing import Optional

import typer

from .common import EXIT_NOT_VALID, EXIT_VALID, PolicyOption, TextOrJson, command_app, fail_input

app = command_app()


@app.command()
def verify(
    edition: Optional[str] = typer.Option(None, "--edition", help="Verify only this edition (its id).",
                                          show_default=False),
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="text or json."),
    jobs: Optional[int] = typer.Option(None, "--jobs", help="Processes to use [default: one per CPU].",
                                       show_default=False),
    policy: Optional[str] = PolicyOption,
):
    """Check every combination of the values the powers and rules distinguish: one outcome each, no error."""
    from ..diagnostics import Diagnostic, did_you_mean
    from ..reporters.verify import render_verify, render_verify_json
    from ..rules.policy import load_policy
    from ..trust.verify import verify_policy

    loaded = load_policy(policy)
    if edition is not None and loaded.edition(edition) is None:
        fail_input([Diagnostic("verify.unknown_edition", f"there is no edition '{edition}'",
                               "--edition", hint=did_you_mean(edition, [e.id for e in loaded.editions]))])
    reports = verify_policy(loaded, edition, jobs)
    typer.echo(render_verify_json(reports) if format == TextOrJson.json else render_verify(reports), nl=False)
    raise typer.Exit(EXIT_NOT_VALID if any(r.failures for r in reports) else EXIT_VALID)
