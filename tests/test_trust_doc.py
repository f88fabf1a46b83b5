"""Every command docs/trust.md shows runs, with the exit code it states."""
from __future__ import annotations

import re
import shlex

import pytest

from conftest import REPO, run_vires, sh_commands

DOC = (REPO / "docs" / "trust.md").read_text()
COMMANDS = [(command, int(re.search(r"exit (\d)", comment).group(1))) for command, comment in sh_commands(DOC)]
#: tests/test_verify.py runs the whole `vires verify` (with --format json) already.
COVERED_ELSEWHERE = {".venv/bin/vires verify"}


def test_the_doc_shows_lint_and_verify():
    shown = [c for c, _ in COMMANDS]
    assert ".venv/bin/vires lint" in shown and ".venv/bin/vires verify" in shown


def test_the_whole_verify_run_is_tested_elsewhere():
    assert 'run_console("verify", "--format", "json"' in (REPO / "tests" / "test_verify.py").read_text()


@pytest.mark.parametrize("command,code", [c for c in COMMANDS if c[0] not in COVERED_ELSEWHERE])
def test_doc_command_runs_with_the_stated_exit_code(command, code):
    args = shlex.split(command)
    assert args[0] == ".venv/bin/vires"
    proc = run_vires(*args[1:])
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert proc.stdout
