"""Every command in docs/guide.md runs, in order, exactly as a negotiator
would type it, in a shell whose PATH is set the way the guide says and no
other; and the output the guide shows is the real output. (On main the
guide's first command failed as written, `vires: command not found`, and its
answers file was not where it said.)"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess

import pytest

from conftest import REPO, sh_commands

GUIDE = (REPO / "docs" / "guide.md").read_text()
BLOCKS = re.findall(r"```(sh|text)\n(.*?)```", GUIDE, re.S)

#: The commands that set the shell up (PATH), and the vires commands after them.
SETUP = [command for command, _ in sh_commands(GUIDE) if command.startswith("export ")]
COMMANDS = [command for command, _ in sh_commands(GUIDE) if not command.startswith("export ")]
#: A shell's PATH before the guide's line: the system's commands, no vires.
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def _shown_output():
    """(command, text block) for each text block that follows a shell block:
    the output of that block's last command."""
    last = None
    for kind, body in BLOCKS:
        if kind == "sh":
            last = [line for line in body.splitlines() if line.strip()][-1]
            last = None if last.startswith("export ") else last  # the setup line shows no output
        elif last:
            yield last, body
            last = None


def test_the_guide_walks_through_every_command():
    used = {shlex.split(c)[1] for c in COMMANDS}
    assert {"new", "check", "whatif", "fix", "report"} <= used
    assert SETUP == ['export PATH="$PWD/.venv/bin:$PATH"']


def test_the_guide_shows_a_verdict_and_an_undetermined_answer(walkthrough):
    _, done = walkthrough
    assert done["vires check leeds.yaml"].returncode == 1
    assert done["vires check draft.yaml"].returncode == 4
    shown = dict(_shown_output())
    assert "UNDETERMINED" in shown["vires check draft.yaml"] and "ULTRA VIRES" in shown["vires check leeds.yaml"]


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory):
    """The vires folder as a newcomer has it after `make run` (its .venv and
    the example answers), and the guide's commands run there in order, each
    in a shell that first runs the guide's setup line; {command: process}."""
    folder = tmp_path_factory.mktemp("guide")
    (folder / ".venv").symlink_to(REPO / ".venv")
    shutil.copytree(REPO / "docs" / "examples", folder / "docs" / "examples")
    env = {k: v for k, v in os.environ.items() if k not in ("PATH", "VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = SYSTEM_PATH
    done = {}
    for command in COMMANDS:
        assert command.startswith("vires "), f"the guide's commands are vires commands: {command}"
        script = "\n".join(SETUP + [command])
        done[command] = subprocess.run(["bash", "-c", script], cwd=folder, env=env,
                                       capture_output=True, text=True, timeout=300)
    return folder, done


def test_without_the_setup_line_vires_is_not_found(tmp_path):
    """The guide's setup line is what makes `vires` a command (the test above is no accident)."""
    proc = subprocess.run(["bash", "-c", "vires --help"], cwd=tmp_path, env={"PATH": SYSTEM_PATH},
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 127


@pytest.mark.parametrize("command", COMMANDS)
def test_guide_command_runs(command, walkthrough):
    folder, done = walkthrough
    proc = done[command]
    sub = shlex.split(command)[1]
    # A sub-command the guide documents but vires lacks is a failure, loudly:
    # the guide must describe the vires that exists.
    assert "No such command" not in proc.stderr, f"`vires {sub}` does not exist, but docs/guide.md uses it"
    # 0 valid, 1 not valid, 4 undetermined: all are answers; 2 and 3 are failures.
    assert proc.returncode in (0, 1, 4), f"{command}: exit {proc.returncode}\n{proc.stderr}"
    if " -o " in command:
        assert (folder / shlex.split(command)[shlex.split(command).index("-o") + 1]).stat().st_size > 0
    else:
        assert proc.stdout.strip(), command


@pytest.mark.parametrize("command,shown", list(_shown_output()))
def test_output_shown_in_the_guide_is_real(command, shown, walkthrough):
    real = " ".join(walkthrough[1][command].stdout.split())
    for line in shown.splitlines():
        if line.strip() and "..." not in line:
            assert " ".join(line.split()) in real, line


def test_the_terminal_transcript_matches_the_interview():
    from checker.cli.new import Answers, Interview
    from checker.rules.policy import load_policy

    transcript = next(body for kind, body in BLOCKS if kind == "text" and "> " in body)
    said = []
    answers = ["A trial", "Leeds", "", "2017-02-02", "", "", "", "", "", "", "ccg", "", "", "", "", "1"]
    Interview(Answers(answers), say=said.append, policy=load_policy(None)).run()
    shown = " ".join(" ".join(said).split())
    for line in transcript.splitlines():
        if line.strip() and "..." not in line and not line.startswith(">"):
            assert " ".join(line.split()) in shown, line
