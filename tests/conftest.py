"""Shared test helpers, in one place: the repository's paths, two ways to run
`vires`, copies of the shipped policy to edit, and the shell commands a
document shows.

``run_vires`` runs the command line in this process, through the console
entry point (``checker.cli.main``) with typer's CliRunner isolation, so it
turns bad input into exit 2 and bugs into exit 3 exactly as the installed
command does, and costs no interpreter start. It shares the process's
checker (``checker_for``) and policy caches, so behaviour that depends on
environment variables read at start-up (VIRES_NO_CACHE, VIRES_CACHE_DIR,
PYTHONHASHSEED) is tested with ``run_console``, which runs the installed
console script in a new process as a user would.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

_SESSION_TMP = pytest.StashKey()

REPO = Path(__file__).resolve().parents[1]

VIRES = Path(sys.executable).with_name("vires")
CASES = REPO / "cases"


@pytest.hookimpl(trylast=True)  # after pytest's own tmp_path set-up
def pytest_configure(config):
    """A temporary folder of the session's own, removed when it ends: every
    temporary file a test or a `vires` process it starts makes (tempfile
    follows TMPDIR) goes there, pytest's tmp_path folders too, and the
    policy cache the tests use, kept out of the user's cache folder. On main
    each run left a vires-test-cache-* folder in the temporary directory."""
    session_tmp = Path(tempfile.mkdtemp(prefix="vires-tests-"))
    config.stash[_SESSION_TMP] = session_tmp
    os.environ["TMPDIR"] = str(session_tmp)
    tempfile.tempdir = str(session_tmp)
    factory = getattr(config, "_tmp_path_factory", None)
    cache = factory.mktemp("vires-cache", numbered=False) if factory else session_tmp / "vires-cache"
    os.environ["VIRES_CACHE_DIR"] = str(cache)


def pytest_unconfigure(config):
    session_tmp = config.stash.get(_SESSION_TMP, None)
    if session_tmp is not None:
        shutil.rmtree(session_tmp, ignore_errors=True)


def leftovers(before: set[str], after: set[str], allowed: set[str]) -> list[str]:
    """What a test session left in a folder that was not there before it and is not allowed."""
    return sorted(after - before - allowed)


@pytest.fixture(scope="session", autouse=True)
def nothing_left_behind(tmp_path_factory):
    """No test leaves anything in the temporary directory (only pytest's own
    tmp_path folders, which the session removes), nor in the checkout."""
    folder = Path(tempfile.gettempdir())
    before = set(os.listdir(folder))
    tracked = _checkout_changes()
    yield
    allowed = {tmp_path_factory.getbasetemp().parent.name, tmp_path_factory.getbasetemp().name}
    left = leftovers(before, set(os.listdir(folder)), allowed)
    assert not left, f"tests left these in {folder}: {left}"
    assert _checkout_changes() == tracked, "tests changed or added files in the checkout"


def _checkout_changes() -> str | None:
    try:
        return subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True,
                              timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None


@dataclass
class Ran:
    """What one run of `vires` gave: its exit code, standard output and standard error."""

    returncode: int
    stdout: str
    stderr: str


def run_vires(*args, cwd=REPO, env=None, input=None) -> Ran:
    """Run `vires ARGS` in this process, from ``cwd``, with ``input`` on standard input."""
    from typer.testing import CliRunner

    from checker.cli import main

    before, argv = Path.cwd(), sys.argv
    os.chdir(cwd)
    try:
        with CliRunner().isolation(input=input, env=env) as (out, err, _):
            sys.argv = ["vires", *map(str, args)]
            try:
                main()
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            return Ran(code, out.getvalue().decode(), err.getvalue().decode())
    finally:
        sys.argv = argv
        os.chdir(before)


def run_console(*args, cwd=REPO, env=None, input=None, timeout=120) -> subprocess.CompletedProcess:
    """Run the installed `vires` console script in a new process, as a user would."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([str(VIRES), *map(str, args)], cwd=cwd, env=full_env, input=input,
                          capture_output=True, text=True, timeout=timeout)


def policy_copy(tmp_path: Path, file: str | None = None, old: str = "", new: str = "") -> Path:
    """A copy of the shipped policy in ``tmp_path``; with ``file``, the text
    ``old`` in that file (which must be there) replaced by ``new`` once."""
    folder = tmp_path / "policy"
    shutil.copytree(REPO / "policy", folder)
    if file is not None:
        path = folder / file
        text = path.read_text()
        assert old in text, f"{old!r} is not in {file}"
        path.write_text(text.replace(old, new, 1))
    return folder


def sh_commands(text: str) -> list[tuple[str, str]]:
    """(command, comment) for every line of the ```sh blocks of a Markdown
    text: the command without its trailing '# comment', and the comment."""
    out = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            command, _, comment = line.partition("#")
            if command.strip():
                out.append((command.strip(), comment.strip()))
    return out
