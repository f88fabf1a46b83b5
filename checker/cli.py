"""The `vires` command line. It parses arguments and calls the checker;
reporters do the formatting. Exit codes: 0 every scheme valid, 1 at least
one not valid, 2 bad input or usage, 3 an internal error (a bug)."""
from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .diagnostics import InputError

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                  no_args_is_help=True, rich_markup_mode=None,
                  help="vires: is a local change to the GP contract within the powers of the bodies involved?")

EXIT_VALID, EXIT_NOT_VALID, EXIT_BAD_INPUT, EXIT_BUG = 0, 1, 2, 3


class Format(str, Enum):
    text = "text"
    json = "json"
    table = "table"


PolicyOption = typer.Option(None, "--policy", help="Policy folder to use instead of the shipped one.",
                            show_default=False)


def fail_input(diagnostics) -> None:
    from .reporters.diagnostics import render_diagnostics

    typer.echo(render_diagnostics(diagnostics), err=True, nl=False)
    raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def check(
    files: List[Path] = typer.Argument(..., help="Scheme or case files (YAML).", show_default=False),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text, json or table."),
    policy: Optional[Path] = PolicyOption,
):
    """Check schemes: verdict, the rules that decided it, approvals, risks."""
    from .evaluate.checker import checker_for

    checker = checker_for(policy)
    schemes, problems = [], []
    for path in files:
        try:
            schemes.append(checker.load(path))
        except InputError as err:
            problems += err.diagnostics
    results = []
    for scheme in schemes:
        try:
            results.append(checker.check_scheme(scheme))
        except InputError as err:
            problems += err.diagnostics
    if problems:
        fail_input(problems)  # nothing is printed on stdout: no half-written report
    if format == Format.json:
        from .reporters.json_report import render_results
    elif format == Format.table:
        from .reporters.table import render_results
    else:
        from .reporters.text import render_results
    typer.echo(render_results(results), nl=False)
    raise typer.Exit(EXIT_VALID if all(r.verdict == "valid" for r in results) else EXIT_NOT_VALID)


@app.command()
def schema(
    policy_file: bool = typer.Option(False, "--policy-file", help="Print the policy file schema instead."),
):
    """Print the scheme JSON Schema (for editors: # yaml-language-server: $schema=...)."""
    from .load.schema import load_schema
    from .reporters.json_report import dumps

    typer.echo(dumps(load_schema("policy" if policy_file else "scheme")), nl=False)


def _register_commands() -> None:
    import importlib
    import pkgutil

    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        importlib.import_module(f"{commands.__name__}.{info.name}")


def main() -> None:
    """Console entry point: bad input exits 2 with located messages; a bug
    exits 3 with a one-line report instead of a traceback."""
    try:
        app()
    except InputError as err:
        from .reporters.diagnostics import render_diagnostics

        typer.echo(render_diagnostics(err.diagnostics), err=True, nl=False)  # strips colour off a terminal
        sys.exit(EXIT_BAD_INPUT)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as err:  # a bug: say so plainly
        if os.environ.get("VIRES_DEBUG"):
            raise
        sys.stderr.write(f"vires: internal error: {type(err).__name__}: {err}\n"
                         "This is a bug in vires, not in your file. Set VIRES_DEBUG=1 "
                         "to see the details, and please report it.\n")
        sys.exit(EXIT_BUG)


_register_commands()
