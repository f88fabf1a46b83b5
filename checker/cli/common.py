"""What every `vires` command shares: the exit codes, the --format and
--policy options, and how bad input ends a command."""
from __future__ import annotations

from enum import Enum
from typing import NoReturn

import typer

EXIT_VALID, EXIT_NOT_VALID, EXIT_BAD_INPUT, EXIT_BUG, EXIT_UNDETERMINED = 0, 1, 2, 3, 4


def verdicts_exit(verdicts) -> int:
    """The exit code for a set of verdicts: 1 if any is ultra vires, refused or
    pending; else 4 if any is undetermined; else 0 (docs/policy-format.md)."""
    verdicts = list(verdicts)
    if any(v not in ("valid", "undetermined") for v in verdicts):
        return EXIT_NOT_VALID
    return EXIT_UNDETERMINED if "undetermined" in verdicts else EXIT_VALID


class Format(str, Enum):
    """The output formats of check (and, but for table, of fix, precedents and whatif)."""

    text = "text"
    json = "json"
    table = "table"


class TextOrJson(str, Enum):
    """The output formats of lint, test and verify."""

    text = "text"
    json = "json"


PolicyOption = typer.Option(None, "--policy", help="Policy folder to use instead of the shipped one.",
                            show_default=False)
#: The one scheme a command reads (fix, precedents, report, whatif).
SchemeArgument = typer.Argument(..., help="Scheme or case file (YAML).", show_default=False)
#: --format of the commands that write text or JSON about one scheme.
FormatOption = typer.Option(Format.text, "--format", "-f", help="text or json.")


def command_app() -> typer.Typer:
    """The typer app that holds one command, made as the `vires` app is made."""
    return typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


def fail_input(diagnostics) -> NoReturn:
    """Print the diagnostics on stderr and end the command with exit 2 (bad input)."""
    from ..reporters.diagnostics import render_diagnostics

    typer.echo(render_diagnostics(diagnostics), err=True, nl=False)
    raise typer.Exit(EXIT_BAD_INPUT)
