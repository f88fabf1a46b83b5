"""Every command in docs/guide.md runs, in order, as a negotiator would type it,
and the output the guide shows is the real output."""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import pytest

from conftest import REPO, VIRES, sh_commands

GUIDE = (REPO / "docs" / "guide.md").read_text()
BLOCKS = re.findall(r"```(sh|text)\n(.*?)```", GUIDE, re.S)


COMMANDS = [command for command, _ in sh_commands(GUIDE)]


def _shown_output():
    """(command, text block) for each text block that follows a shell block:
    the output of that block's last command."""
    last = None
    for kind, body in BLOCKS:
        if kind == "sh":
            last = [line for line in body.splitlines() if line.strip()][-1]
        elif last:
            yield last, body
            last = None


def test_the_guide_walks_through_every_command():
    used = {shlex.split(c)[1] for c in COMMANDS}
    assert {"new", "check", "whatif", "fix", "report"} <= used


def test_the_guide_shows_a_verdict_and_an_undetermined_answer(walkthrough):
    _, done = walkthrough
    assert done["vires check leeds.yaml"].returncode == 1
    assert done["vires check draft.yaml"].returncode == 4
    shown = dict(_shown_output())
    assert "UNDETERMINED" in shown["vires check draft.yaml"] and "ULTRA VIRES" in shown["vires check leeds.yaml"]


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory):
    """Run the guide's commands in order in a fresh folder holding the example
    answers, as the guide assumes; returns {command: CompletedProcess}."""
    folder = tmp_path_factory.mktemp("guide")
    for answers in (REPO / "docs" / "examples").glob("*.answers"):
        shutil.copy(answers, folder)
    done = {}
    for command in COMMANDS:
        assert command.startswith("vires "), f"the guide's commands are vires commands: {command}"
        done[command] = subprocess.run(f"{VIRES}{command[len('vires'):]}", shell=True, cwd=folder,
                                       capture_output=True, text=True, timeout=300)
    return folder, done


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
