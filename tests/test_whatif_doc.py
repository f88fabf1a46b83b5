"""Every `vires ...` command in docs/whatif.md runs and exits 0 or 1, never 2."""
from __future__ import annotations

import re
import shlex

import pytest

from conftest import REPO, run_vires, sh_commands

DOC = (REPO / "docs" / "whatif.md").read_text()


COMMANDS = [command for command, _ in sh_commands(DOC) if command.startswith("vires ")]


def test_the_doc_shows_all_three_commands():
    shown = {c.split()[1] for c in COMMANDS}
    assert {"whatif", "fix", "precedents"} <= shown


@pytest.mark.parametrize("command", COMMANDS)
def test_doc_command_runs(command):
    proc = run_vires(*shlex.split(command)[1:])
    assert proc.returncode in (0, 1), proc.stderr
    assert proc.stdout and "Traceback" not in proc.stderr


def test_the_error_example_is_the_real_error():
    example = re.search(r"```text\n(.*?)```", DOC, re.S).group(1).strip()
    proc = run_vires("whatif", "cases/leeds-2017.yaml", "--set", "change.instrument=nonsense")
    assert proc.returncode == 2 and proc.stderr.splitlines()[0] == example
