"""The command line's structure: one module per command, each imported only
when it runs, listed in one table whose help is each command's own."""
from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import pytest

from checker.cli.app import COMMANDS, app
from conftest import REPO

MODULES = sorted(p.stem for p in (REPO / "checker" / "cli").glob("*.py")
                 if p.stem not in ("__init__", "app", "common"))


def test_every_command_module_is_in_the_table_and_every_entry_has_a_module():
    assert sorted(COMMANDS) == MODULES


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_table_gives_each_command_the_first_paragraph_of_its_own_help(name):
    module = importlib.import_module(f"checker.cli.{name}")
    [command] = module.app.registered_commands
    assert (command.name or command.callback.__name__) == name
    first = inspect.getdoc(command.callback).split("\n\n")[0]
    assert " ".join(first.split()) == COMMANDS[name]


def _command_modules_after(*argv) -> list[str]:
    """The command modules a fresh `vires ARGV` process has imported when it ends."""
    script = ("import sys\n"
              "from checker.cli import main\n"
              f"sys.argv = ['vires', *{list(argv)!r}]\n"
              "try:\n    main()\n"
              "except SystemExit:\n    pass\n"
              "print(sorted(m for m in sys.modules if m.startswith('checker.cli.')), file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    found = eval(proc.stderr.strip().splitlines()[-1])
    return [m.rsplit(".", 1)[1] for m in found if m not in ("checker.cli.app", "checker.cli.common")]


def test_help_imports_no_command_and_a_command_imports_only_itself():
    assert _command_modules_after("--help") == []
    assert _command_modules_after("check", "cases/leeds-2017.yaml") == ["check"]
    assert _command_modules_after("schema") == ["schema"]


def test_the_api_function_check_is_not_shadowed_by_a_stage_package():
    import checker

    for stage in ("load", "rules", "evaluate", "explore", "trust", "reporters", "cli"):
        importlib.import_module(f"checker.{stage}")
    assert callable(checker.check) and callable(checker.check_file)
    assert checker.check.__module__ == "checker"


def test_the_app_is_the_lazy_group():
    import typer

    group = typer.main.get_command(app)
    assert list(group.list_commands(None)) == list(COMMANDS)
