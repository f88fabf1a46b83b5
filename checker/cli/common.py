"""What every `vires` command shares: the exit codes, the --format and
--policy options, and how bad input ends a command."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import NoReturn

import typer

EXIT_VALID, EXIT_NOT_VALID, EXIT_BAD_INPUT, EXIT_BUG, EXIT_UNDETERMINED = 0, 1, 2, 3, 4
#: Exit codes from the worst to the best: a run over several files exits with
#: the worst of its files' codes (a bug, then bad input, then a scheme that is
#: not valid, then one whose verdict depends on facts not given, then valid).
#: A new code takes its place in this one line.
EXIT_ORDER = (EXIT_BUG, EXIT_BAD_INPUT, EXIT_NOT_VALID, EXIT_UNDETERMINED, EXIT_VALID)
#: The exit code of a verdict; any verdict not named here is not valid.
VERDICT_EXITS = {"valid": EXIT_VALID, "undetermined": EXIT_UNDETERMINED}


def verdict_exit(verdict: str) -> int:
    """The exit code of one scheme's verdict."""
    return VERDICT_EXITS.get(verdict, EXIT_NOT_VALID)


def worst_exit(codes) -> int:
    """The worst of several exit codes, by ``EXIT_ORDER`` (valid when there are none)."""
    return min(codes, key=EXIT_ORDER.index, default=EXIT_VALID)


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


ForceOption = typer.Option(False, "--force", help="Replace the output file if it exists.")


def input_files(*paths, policy=None) -> list:
    """The files a command reads, which its output must never replace: the
    files named, the policy's files, and standard input when it is a file."""
    import os
    import stat

    from ..rules.policy import default_policy_dir, policy_files

    found = [p for p in paths if p is not None]
    try:
        found += policy_files(Path(policy) if policy else default_policy_dir())
    except OSError:
        pass
    try:
        if stat.S_ISREG(os.fstat(0).st_mode) and os.path.exists("/dev/stdin"):
            found.append("/dev/stdin")  # `vires new -o answers.txt < answers.txt`
    except OSError:
        pass
    return found


def command_app() -> typer.Typer:
    """The typer app that holds one command, made as the `vires` app is made."""
    return typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


def fail_input(diagnostics) -> NoReturn:
    """Print the diagnostics on stderr and end the command with exit 2 (bad input)."""
    from ..reporters.diagnostics import render_diagnostics

    typer.echo(render_diagnostics(diagnostics), err=True, nl=False)
    raise typer.Exit(EXIT_BAD_INPUT)
