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
    prove: bool = typer.Option(False, "--prove", help="Prove every property with the z3 solver instead, over "
                               "every scheme, unknowns included (docs/proof.md)."),
):
    """Check every combination of the values the powers and rules distinguish: one outcome each, no error."""
    from ..diagnostics import Diagnostic, did_you_mean
    from ..rules.policy import load_policy

    loaded = load_policy(policy)
    if edition is not None and loaded.edition(edition) is None:
        fail_input([Diagnostic("verify.unknown_edition", f"there is no edition '{edition}'",
                               "--edition", hint=did_you_mean(edition, [e.id for e in loaded.editions]))])
    if prove:  # the solver is imported only here
        from ..reporters.prove import render_proof, render_proof_json
        from ..trust.prove import prove_policy

        proof = prove_policy(loaded, edition)
        as_text = render_proof(proof, f" --policy {policy}" if policy else "")
        typer.echo(render_proof_json(proof) if format == TextOrJson.json else as_text, nl=False)
        raise typer.Exit(EXIT_NOT_VALID if proof.failures else EXIT_VALID)
    from ..reporters.verify import render_verify, render_verify_json
    from ..trust.verify import verify_policy

    reports = verify_policy(loaded, edition, jobs)
    typer.echo(render_verify_json(reports) if format == TextOrJson.json else render_verify(reports), nl=False)
    raise typer.Exit(EXIT_NOT_VALID if any(r.failures for r in reports) else EXIT_VALID)
