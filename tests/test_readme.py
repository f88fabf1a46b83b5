"""Every command the README shows runs, and the example output is real."""
from __future__ import annotations

import os
import re
import subprocess

import pytest

from conftest import REPO, VIRES, run_vires, sh_commands

README = (REPO / "README.md").read_text()


COMMANDS = [command for command, _ in sh_commands(README)]


def test_readme_shows_the_two_commands():
    assert "make run" in COMMANDS and "make test" in COMMANDS


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.startswith(".venv/bin/vires")])
def test_readme_vires_commands_run(command, tmp_path):
    # Run as a shell would (globs), from the repository root; a redirect
    # writes into a temporary folder instead of the checkout.
    if ">" in command:
        command, target = command.split(">")
        command = f"{command} > {tmp_path / target.strip()}"
    proc = subprocess.run(command.replace(".venv/bin/vires", str(VIRES)), shell=True, cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1, 4), proc.stderr  # valid; not valid; undetermined
    assert proc.stdout or any(tmp_path.iterdir())


def test_make_run_prints_the_verdict_table_and_nothing_else():
    # `make test` is the command running this test, so it is exercised by CI itself
    # (and sets up .venv first, so here make run only checks the cases).
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}  # as typed
    proc = subprocess.run(["make", "run"], cwd=REPO, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["verdict", "scheme", "edition", "decided", "by"], lines[0]  # not a command echoed
    assert re.fullmatch(r"\d+ schemes: .*", lines[-1]) and len(lines) == int(lines[-1].split()[0]) + 2
    assert "leeds-2017" in proc.stdout and proc.stderr == ""


def test_the_setup_make_run_does_is_quiet():
    """The first `make run` printed about 120 lines of pip output and a
    setuptools deprecation warning. The recipe prints one line, then runs
    pip with -qq (errors only)."""
    makefile = (REPO / "Makefile").read_text()
    setup = makefile.split("$(STAMP): pyproject.toml\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert setup[0].startswith("\t@echo ") and all(line.startswith("\t@") for line in setup)
    assert all("-qq" in line for line in setup if "pip install" in line)


def _shown_outputs():
    """(command, text block) for each text block that follows a shell block:
    the output of that block's last command."""
    last = None
    for kind, body in re.findall(r"```(sh|text)\n(.*?)```", README, re.S):
        if kind == "sh":
            last = [line for line in body.splitlines() if line.strip()][-1]
        elif last:
            yield last, body
            last = None


SHOWN = list(_shown_outputs())


def test_readme_shows_a_verdict_with_its_reasons_and_an_undetermined_one():
    commands = [command for command, _ in SHOWN]
    assert commands == [".venv/bin/vires check cases/leeds-2017.yaml",
                        ".venv/bin/vires check cases/hypothetical-icb-scheme-opt-in-unstated-2026.yaml"]


@pytest.mark.parametrize("command,shown", SHOWN, ids=[c.rsplit("/", 1)[-1] for c, _ in SHOWN])
def test_readme_example_output_matches_the_real_output(command, shown):
    real = run_vires(*command.split()[1:]).stdout
    flat_real = " ".join(real.split())
    lines = [line for line in shown.splitlines() if line.strip() and "..." not in line]
    assert len(lines) >= 3
    for line in lines:
        line = line.strip().rstrip(".").strip()
        assert " ".join(line.split()) in flat_real, line


def test_readme_example_scheme_is_valid_input_and_undetermined():
    from checker import check
    from checker.load.yamlfile import parse_yaml

    doc, problems = parse_yaml(re.search(r"```yaml\n(.*?)```", README, re.S).group(1))
    assert problems == []
    result = check(doc.data)
    assert result.verdict == "undetermined" and result.undetermined.ask == ("change.practice_opt_in",)


def test_readme_lists_every_verdict_and_exit_code():
    from checker.cli.common import EXIT_BAD_INPUT, EXIT_BUG, EXIT_NOT_VALID, EXIT_UNDETERMINED, EXIT_VALID
    from checker.evaluate.result import OUTCOMES

    for verdict in OUTCOMES:
        assert f"| `{verdict}` |" in README
    for code in (EXIT_VALID, EXIT_NOT_VALID, EXIT_BAD_INPUT, EXIT_BUG, EXIT_UNDETERMINED):
        assert f"| `{code}` |" in README


DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda p: p.name)
def test_every_module_the_document_names_exists(doc):
    import importlib

    text = doc.read_text()
    paths = set(re.findall(r"\bchecker/[\w/.-]*\w", text))
    for path in paths:
        assert (REPO / path).exists(), f"{doc.name} names {path}, which does not exist"
    for dotted in set(re.findall(r"`(checker(?:\.\w+)+)`", text)):
        parts = dotted.split(".")
        for n in range(len(parts), 0, -1):  # the longest importable module, then attributes
            try:
                found = importlib.import_module(".".join(parts[:n]))
                break
            except ModuleNotFoundError:
                continue
        for attribute in parts[n:]:
            assert hasattr(found, attribute), f"{doc.name} names {dotted}, which does not exist"
            found = getattr(found, attribute)
