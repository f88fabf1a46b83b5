"""`vires test`: run the case library's expectations, and its coverage."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import EXIT_NOT_VALID, EXIT_VALID, PolicyOption, TextOrJson, command_app, fail_input

app = command_app()


@app.command("test")
def test_cases(
    paths: Optional[List[Path]] = typer.Argument(None, help="Case files or folders [default: cases].",
                                                 show_default=False),
    coverage: bool = typer.Option(False, "--coverage",
                                  help="Also list every policy rule no passing case asserts (exit 1 if any)."),
    sources: Optional[List[Path]] = typer.Option(None, "--sources", show_default=False,
                                                 help="Folder of source texts: check every quote is in its "
                                                      "source's text (may be repeated)."),
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="text or json."),
    policy: Optional[Path] = PolicyOption,
):
    """Run the cases: each must give its expected verdict, findings and approvals."""
    from ..diagnostics import Diagnostic
    from ..evaluate.cases import coverage as uncovered_rules
    from ..evaluate.cases import run_cases
    from ..evaluate.checker import checker_for
    from ..reporters import cases as report
    from ..trust.provenance import check_quotes

    checker = checker_for(policy)
    outcomes, problems = run_cases(checker, paths or [Path("cases")])
    missing = [folder for folder in sources or [] if not folder.is_dir()]
    for folder in missing:
        problems.append(Diagnostic("input.not_found", "no such folder", str(folder),
                                   hint="--sources names a folder of source texts"))
    if sources and not missing:
        for outcome in outcomes:
            problems += check_quotes(outcome.case, checker.policy.sources, sources)
    if problems:
        fail_input(problems)
    uncovered = uncovered_rules(checker.policy, outcomes) if coverage else None
    if format == TextOrJson.json:
        typer.echo(report.render_json(outcomes, uncovered), nl=False)
    else:
        text = report.render_outcomes(outcomes)
        if coverage:
            count = len({x.id for e in checker.policy.editions for x in list(e.powers) + list(e.rules)})
            text += report.render_coverage(uncovered, count)
        typer.echo(text, nl=False)
    ok = all(o.passed for o in outcomes) and not uncovered
    raise typer.Exit(EXIT_VALID if ok else EXIT_NOT_VALID)
