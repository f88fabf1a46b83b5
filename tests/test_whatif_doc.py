"""Every `vires ...` command in docs/whatif.md runs and exits as the doc says,
and every output the doc shows is the real output of the command before it."""
from __future__ import annotations

import re
import shlex

import pytest

from conftest import REPO, run_vires, sh_commands

DOC = (REPO / "docs" / "whatif.md").read_text()


COMMANDS = [command for command, _ in sh_commands(DOC) if command.startswith("vires ")]


def shown_outputs() -> list[tuple[str, str]]:
    """(command, shown text) for each ```text block that shows a command's
    output: the last `vires` command of the ```sh block before it."""
    out, last = [], None
    for kind, body in re.findall(r"```(sh|text)\n(.*?)```", DOC, re.S):
        if kind == "sh":
            last = [line for line in body.splitlines() if line.startswith("vires ")][-1]
        elif not re.match(r"\S+\.yaml:\d+:\d+: error:", body):
            out.append((last, body))
    return out


def test_the_doc_shows_all_three_commands():
    shown = {c.split()[1] for c in COMMANDS}
    assert {"whatif", "fix", "precedents"} <= shown


@pytest.mark.parametrize("command", COMMANDS)
def test_doc_command_runs(command):
    proc = run_vires(*shlex.split(command)[1:])
    # 0 valid (or a fix found), 1 not valid (or no fix), 4 undetermined: never bad input or a bug
    assert proc.returncode in (0, 1, 4), proc.stderr
    assert proc.stdout and "Traceback" not in proc.stderr


def test_the_doc_shows_outputs_and_each_is_the_real_one():
    assert len(shown_outputs()) >= 4


@pytest.mark.parametrize("command, shown", shown_outputs(), ids=lambda x: x[:60] if isinstance(x, str) else x)
def test_shown_output_is_the_real_output(command, shown):
    # Every line shown appears in the real output, in order; "..." elides lines.
    real = run_vires(*shlex.split(command)[1:]).stdout.splitlines()
    at = 0
    for line in shown.splitlines():
        if line.strip() == "...":
            continue
        found = next((i for i in range(at, len(real)) if real[i].rstrip() == line.rstrip()), None)
        assert found is not None, f"{line!r} is not in the output of {command} (in order)"
        at = found + 1


def test_the_error_example_is_the_real_error():
    example = next(body for body in re.findall(r"```text\n(.*?)```", DOC, re.S)
                   if re.match(r"\S+\.yaml:\d+:\d+: error:", body)).strip()
    proc = run_vires("whatif", "cases/leeds-2017.yaml", "--set", "change.instrument=nonsense")
    assert proc.returncode == 2 and proc.stderr.splitlines()[0] == example


def test_the_undetermined_example_exits_4():
    proc = run_vires("whatif", "cases/somerset-2014-enhanced-service.yaml", "--set", "change.practice_opt_in=unknown")
    assert proc.returncode == 4 and "After:  UNDETERMINED" in proc.stdout
