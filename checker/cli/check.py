"""`vires check`: the verdict on each scheme, the rules that decided it, and
the approvals, risks and lawful routes.

Each file is checked on its own: a file that is bad input (or that meets a
bug in vires) is reported in its place, in argument order, and never hides
the others' results; the run exits with the worst of the files' codes
(``worst_exit``). When no file could be checked, the diagnostics go to
standard error and nothing to standard output, as for one bad file.

The report is written as the files are checked (the reporters'
``stream_results``): each file's result is let go once it is written, so
memory stays flat over thousands of files (bench/batch.py). Only the files
that could not be checked before the first that could are held back, to
know whether anything goes to standard output at all.

A folder given stands for its ``.yaml`` and ``.yml`` files (not those of
its subfolders, nor hidden ones), in the code-point order of their names
(not the shell's locale order), in its place; a name that is not a regular
file (a named pipe, a broken link) gets its diagnostic there: `vires check
cases/` is `vires check cases/*.yaml` without the shell's list of names,
which the interpreter and typer hold whole (about 400 bytes a name: 4 MB
for 10,000 files; docs/performance.md).
A folder with none is bad input (``input.no_schemes``).
"""
from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import List, Optional

import typer

from .common import (
    EXIT_BAD_INPUT,
    EXIT_BUG,
    Format,
    PolicyOption,
    command_app,
    verdict_exit,
    worst_exit,
)

app = command_app()
#: How many of durable's sessions a batch keeps alive: 4 of up to 24 rulesets.
LIVE_SESSIONS = 4


@app.command()
def check(
    files: List[str] = typer.Argument(..., help="Scheme or case files (YAML), or folders of them.",
                                       show_default=False),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text, json or table."),
    policy: Optional[Path] = PolicyOption,
):
    """Check schemes: the verdict, the power it rests on or the power missing, approvals, risks."""
    from ..evaluate.checker import checker_for

    checker = checker_for(policy)
    before, checker.engine.live_sessions = checker.engine.live_sessions, LIVE_SESSIONS
    try:  # a batch's memory stays flat (rules/engine.py, "Memory"); the shared checker is given back as it was
        _check(checker, files, format)
    finally:
        checker.engine.live_sessions = before


def _check(checker, files, format):
    """The run of `check` (its docstring and this module's)."""
    from ..diagnostics import Unchecked

    codes: list[int] = []
    unchecked: list[Unchecked] = []

    def entries():
        for path in scheme_files(files):
            entry = path if isinstance(path, Unchecked) else check_one(checker, path)
            codes.append(exit_of(entry))
            if isinstance(entry, Unchecked):
                unchecked.append(entry)
            yield entry

    remaining = entries()
    ahead = []  # up to the first file checked: until then, whether to write a report is open
    for entry in remaining:
        ahead.append(entry)
        if not isinstance(entry, Unchecked):
            break
    else:  # nothing checked: no report on stdout, only why on stderr
        not_checked(unchecked, worst_exit(codes))
    if format == Format.json:
        from ..reporters.json_report import stream_results
    elif format == Format.table:
        from ..reporters.table import stream_results
    else:
        from ..reporters.text import stream_results
    for piece in stream_results(itertools.chain(ahead, remaining)):
        typer.echo(piece, nl=False)
    if unchecked:
        from ..reporters.neutral import for_terminal

        names = ", ".join(for_terminal(e.file) for e in unchecked)
        typer.echo(f"vires: {len(unchecked)} of {len(codes)} file(s) could not be checked ({names}); "
                   "the report says why, in its place", err=True)
    raise typer.Exit(worst_exit(codes))


def not_checked(unchecked, code: int):
    """End a run in which no file could be checked: the diagnostics, and a line
    for each bug met, on stderr; nothing on stdout."""
    from ..reporters.diagnostics import render_diagnostics
    from ..reporters.neutral import for_terminal

    diagnostics = [d for e in unchecked for d in e.diagnostics]
    if diagnostics:
        typer.echo(render_diagnostics(diagnostics), err=True, nl=False)
    for entry in unchecked:
        if entry.error == "internal_error":
            typer.echo(f"vires: internal error: {for_terminal(entry.message)}\nThis is a bug in vires, not in "
                       "your file. Set VIRES_DEBUG=1 to see the details, and please report it.", err=True)
    raise typer.Exit(code)


def scheme_files(paths):
    """Each name given, a folder's scheme files in its place (by name), or an
    ``Unchecked`` for a folder that holds none; one folder's names at a time.

    Files are named as pathlib would print them (``./a.yaml`` is ``a.yaml``,
    ``cases/`` is ``cases``: ``display_name``), but the names are made as
    text, never ``Path`` objects: pathlib interns every part it parses, and
    a name kept alive for the whole run (a folder's list, the command
    line's) would stay in the interpreter's table of interned strings, about
    100 bytes a name (docs/performance.md, batches). A folder's names are
    kept as one NUL-separated text until each is reached (NUL cannot occur
    in a file name)."""
    from ..diagnostics import Diagnostic, Unchecked

    for given in paths:
        if not given or not os.path.isdir(given):  # ("" is not the current folder)
            yield display_name(given)
            continue
        folder = display_name(given)
        try:
            with os.scandir(given) as found:
                names = sorted(entry.name for entry in found if entry.name.endswith((".yaml", ".yml"))
                               and not entry.name.startswith(".") and not entry.is_dir())
        except OSError as err:
            names, why = [], f"cannot read the folder: {err.strerror}"
        else:
            why = "this folder holds no .yaml or .yml file"
        if not names:
            yield Unchecked(folder, "bad_input", (Diagnostic(
                "input.no_schemes", why, folder, hint="name scheme files, or a folder that holds them"),))
            continue
        packed, names = "\0".join(names), None
        prefix = "" if folder == "." else folder if folder.endswith("/") else folder + "/"
        start = 0
        while start <= len(packed):
            end = packed.find("\0", start)
            end = len(packed) if end < 0 else end
            yield prefix + packed[start:end]
            start = end + 1


def display_name(given: str) -> str:
    """A file or folder name as ``str(PurePosixPath(given))`` gives it, without
    pathlib (``scheme_files`` says why): empty and ``.`` parts dropped, a
    leading ``/`` kept (two kept as two, as POSIX allows), ``.`` for nothing."""
    root = "//" if given.startswith("//") and not given.startswith("///") else "/" if given.startswith("/") else ""
    return root + "/".join(part for part in given.split("/") if part and part != ".") or "."


def check_one(checker, path):
    """The Result of one file, or an ``Unchecked`` saying why there is none."""
    from ..diagnostics import InputError, Unchecked

    try:
        return checker.check_scheme(checker.load(path))
    except InputError as err:
        return Unchecked(str(path), "bad_input", tuple(err.diagnostics))
    except Exception as err:  # a bug met by this file must not lose the others' results
        if os.environ.get("VIRES_DEBUG"):
            raise
        return Unchecked(str(path), "internal_error", message=f"{type(err).__name__}: {err}")


def exit_of(entry) -> int:
    """The exit code of one file's entry."""
    error = getattr(entry, "error", None)
    if error is not None:
        return EXIT_BAD_INPUT if error == "bad_input" else EXIT_BUG
    return verdict_exit(entry.verdict)
