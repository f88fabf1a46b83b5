"""The `vires` app: its commands, each in its own module of this package and
imported only when it runs, and the entry point that turns what goes wrong
into exit codes.

``COMMANDS`` is the table of commands, in the order `vires --help` lists
them, each with its one-line help; command ``NAME`` lives in
``checker/cli/NAME.py`` as a one-command typer app. The group below is
click's lazily loading group (click's documented "LazyGroup" pattern): a
command's module is imported the first time that command is asked for, so
`vires check` imports no other command and `vires --help` none at all.
tests/test_cli.py holds the table's help to each command's own.
"""
from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator, MutableMapping

import typer
from typer.core import TyperCommand, TyperGroup

from ..diagnostics import InputError
from .common import EXIT_BAD_INPUT, EXIT_BUG

#: Every command: name -> the first paragraph of its help.
COMMANDS = {
    "check": "Check schemes: the verdict, the power it rests on or the power missing, approvals, risks.",
    "schema": "Print the scheme JSON Schema (for editors: # yaml-language-server: $schema=...).",
    "test": "Run the cases: each must give its expected verdict, findings and approvals.",
    "docs": "Generate the case library and powers model documents from the cases and the policy.",
    "fix": "The smallest sets of changes that make a scheme valid.",
    "lint": "Lint the policy: missing or unknown parts, unusable powers, unreachable targets, dead rules, period gaps.",
    "new": "Build a scheme file by answering plain questions, then check it.",
    "precedents": "The nearest cases in the library, their outcome and the differences that matter.",
    "report": "A one-page briefing: the scheme, the verdict and the power it rests on or why not, who must "
              "approve in order, the risks, and the nearest precedents and smallest fix.",
    "verify": "Check every combination of the values the powers and rules distinguish: one outcome each, no error.",
    "whatif": "What if the scheme were changed? The verdict before and after, and why.",
}


def load_command(name: str):
    """The click command ``name``, imported from its module of this package."""
    module = importlib.import_module(f"{__package__}.{name}")
    return typer.main.get_command(module.app)


class _Commands(MutableMapping):
    """The commands by name, in table order; each is imported the first time
    it is looked up, so listing the names (help, 'did you mean') imports none."""

    def __init__(self) -> None:
        self._loaded: dict = {}

    def __getitem__(self, name: str):
        if name not in COMMANDS:
            raise KeyError(name)
        if name not in self._loaded:
            self._loaded[name] = load_command(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError("the commands of vires are fixed by COMMANDS")

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


class LazyGroup(TyperGroup):
    """The `vires` group: its commands come from ``COMMANDS``, imported when used."""

    def __init__(self, **attrs):
        super().__init__(**attrs)
        self.commands = _Commands()

    def list_commands(self, ctx) -> list[str]:
        """The command names, in table order, without importing any."""
        return list(COMMANDS)

    def format_commands(self, ctx, formatter) -> None:
        """The help's list of commands, from the table, without importing any."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, TyperCommand(name, help=words).get_short_help_str(limit))
                for name, words in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(cls=LazyGroup, add_completion=False, pretty_exceptions_enable=False,
                  no_args_is_help=True, rich_markup_mode=None,
                  help="vires: is a local change to the GP contract within the powers of the bodies involved?")


@app.callback()
def _vires() -> None:
    # typer makes a group only for an app with a callback or several commands;
    # this app registers its commands through the group, so it has a callback.
    pass


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
#: Set once Ctrl-C is pressed: whatever fails after that, the run was interrupted.
_interrupted = False


def main() -> None:
    """The console entry point: bad input exits 2 with located messages; a
    bug exits 3 with a one-line report instead of a traceback; Ctrl-C exits
    130 with one line."""
    _take_interrupts()
    try:
        app()
    except InputError as err:
        from ..reporters.diagnostics import render_diagnostics

        typer.echo(render_diagnostics(err.diagnostics), err=True, nl=False)  # strips colour off a terminal
        sys.exit(EXIT_BAD_INPUT)
    except SystemExit as done:
        if _interrupted and done.code == EXIT_INTERRUPTED:  # typer turned Ctrl-C into exit 130, silently
            _stop()
        raise
    except KeyboardInterrupt:
        _stop()
    except Exception as err:  # a bug: say so plainly
        if _interrupted:  # an error Ctrl-C caused (a pool of workers it broke) is no bug
            _stop()
        if os.environ.get("VIRES_DEBUG"):
            raise
        sys.stderr.write(f"vires: internal error: {type(err).__name__}: {err}\n"
                         "This is a bug in vires, not in your file. Set VIRES_DEBUG=1 "
                         "to see the details, and please report it.\n")
        sys.exit(EXIT_BUG)


def _stop():
    sys.stderr.write("\nvires: interrupted\n")
    sys.exit(EXIT_INTERRUPTED)


def _take_interrupts() -> None:
    """Ctrl-C raises KeyboardInterrupt, but never inside durable-rules' own
    Python code, which catches every exception an action raises, logs its
    traceback and reports a failed evaluation (exit 3): there, the
    interrupt is put off, and tried again 20 ms later, until it is out."""
    import signal

    if not hasattr(signal, "setitimer") or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return  # not the main thread's default handling (another program embeds vires): leave it be

    def interrupt(signum, frame):
        global _interrupted
        _interrupted = True
        if _in_durable(frame):
            signal.setitimer(signal.ITIMER_REAL, 0.02)
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGALRM, lambda signum, frame: _interrupted and interrupt(signum, frame))


def _in_durable(frame) -> bool:
    marker = f"{os.sep}durable{os.sep}"
    while frame is not None:
        if marker in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False
