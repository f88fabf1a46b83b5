"""`vires schema`: print the scheme JSON Schema, or the policy file schema."""
from __future__ import annotations

import typer

from .common import command_app

app = command_app()


@app.command()
def schema(
    policy_file: bool = typer.Option(False, "--policy-file", help="Print the policy file schema instead."),
):
    """Print the scheme JSON Schema (for editors: # yaml-language-server: $schema=...)."""
    from ..load.schema import load_schema
    from ..reporters.json_report import dumps

    typer.echo(dumps(load_schema("policy" if policy_file else "scheme")), nl=False)
