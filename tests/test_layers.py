"""The layers of checker/: a module imports only from its own stage or the
stages below it, and only checker/rules/engine.py imports durable.

The stages, bottom to top, are ``STAGES``: the bottom modules that anyone
may use (diagnostics, dates, atomic output, memos, the shipped schemas),
then one package per stage of the pipeline. Every import counts: absolute
or relative, at the top of a module or inside a function. A module is
located by its file, so a new module is checked by existing.
"""
from __future__ import annotations

import ast

import pytest

from conftest import REPO

#: The stages, bottom to top; "checker" is the package's face (the public API).
STAGES = ("base", "load", "rules", "evaluate", "explore", "trust", "reporters", "web", "cli", "checker")
#: The modules at the top of checker/ that any stage may import.
BASE = ("diagnostics", "dates", "atomic", "memo", "schemas")
#: The one module that may import durable-rules, and durable's top-level modules:
#: its Python package and its compiled core, which the engine drives directly.
ENGINE = "checker/rules/engine.py"
DURABLE = ("durable", "durable_rules_engine")
#: The one module that may import a module by a name computed as it runs.
LAZY_LOADER = "checker/cli/app.py"


def module_name(path: str) -> str:
    """'checker.rules.engine' for 'checker/rules/engine.py'; a package for its __init__.py."""
    parts = path.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> str | None:
    """The stage of a module of the checker package (None for a module outside it)."""
    parts = module.split(".")
    if parts[0] != "checker":
        return None
    if len(parts) == 1:
        return "checker"
    if parts[1] in BASE:
        return "base"
    return parts[1] if parts[1] in STAGES else "unknown"


def imports(path: str, source: str, known: set[str]):
    """(line, imported module) for every import in a module's source, with
    relative imports resolved and 'from package import module' taken as the
    module when ``known`` holds it."""
    package = module_name(path) if path.endswith("__init__.py") else module_name(path).rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source, path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                whole = f"{target}.{alias.name}"
                yield node.lineno, whole if whole in known else target
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("import_module", "__import__"):
                yield node.lineno, "<computed>"


def violations(sources: dict[str, str]) -> list[str]:
    """Every import that breaks the layers, as 'FILE:LINE: ...' (``sources``:
    path from the repository root -> the module's text)."""
    known = {".".join(module_name(path).split(".")[:n]) for path in sources
             for n in range(1, len(module_name(path).split(".")) + 1)}
    out = []
    for path, source in sorted(sources.items()):
        mine = stage_of(module_name(path))
        if mine == "unknown":
            out.append(f"{path}: belongs to no stage: put it in a stage package or name it in BASE")
        for line, target in imports(path, source, known):
            if target == "<computed>":
                if path != LAZY_LOADER:
                    out.append(f"{path}:{line}: imports a module by a computed name, which this test "
                               f"cannot check; only {LAZY_LOADER} may")
                continue
            if target.split(".")[0] in DURABLE:
                if path != ENGINE:
                    out.append(f"{path}:{line}: imports {target}: only {ENGINE} may import durable")
                continue
            theirs = stage_of(target)
            if theirs is None:
                continue
            if theirs == "unknown" or STAGES.index(theirs) > STAGES.index(mine):
                out.append(f"{path}:{line}: imports {target} ({theirs}), a stage above {mine}")
    return out


def checker_sources() -> dict[str, str]:
    """Every module of the checker package: path from the repository root -> text."""
    return {p.relative_to(REPO).as_posix(): p.read_text("utf-8") for p in sorted((REPO / "checker").rglob("*.py"))}


def test_every_module_imports_only_its_own_stage_or_below():
    found = violations(checker_sources())
    assert not found, "imports that break the layers:\n" + "\n".join(found)


def test_the_stages_are_the_folders_of_checker():
    folders = {p.name for p in (REPO / "checker").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == set(STAGES[1:-1]) | {"schemas"}


def test_only_the_engine_imports_durable_and_it_does():
    sources = checker_sources()
    users = [path for path, text in sources.items()
             if any(target.split(".")[0] in DURABLE for _, target in imports(path, text, set()))]
    assert users == [ENGINE]


# --- the test itself can fail ---------------------------------------------

GOOD = {
    "checker/load/scheme.py": "from ..diagnostics import Diagnostic\nfrom .validate import validate_document\n",
    "checker/load/validate.py": "import json\n",
    "checker/rules/policy.py": "from ..load.scheme import Scheme\nfrom . import conditions\n",
    "checker/rules/conditions.py": "",
    "checker/rules/engine.py": "import durable_rules_engine as core\n",
    "checker/cli/app.py": "import importlib\nimportlib.import_module('checker.cli.check')\n",
    "checker/diagnostics.py": "",
}


def test_the_good_layout_passes():
    assert violations(GOOD) == []


@pytest.mark.parametrize("path, source, expected", [
    ("checker/load/casefile.py", "import os\n\nfrom ..rules.policy import Policy\n",
     "checker/load/casefile.py:3: imports checker.rules.policy (rules), a stage above load"),
    ("checker/load/casefile.py", "def f():\n    from checker.rules import conditions\n",
     "checker/load/casefile.py:2: imports checker.rules.conditions (rules), a stage above load"),
    ("checker/rules/facts.py", "from .. import cli\n",
     "checker/rules/facts.py:1: imports checker.cli (cli), a stage above rules"),
    ("checker/diagnostics.py", "from .load import yamlfile\n",
     "checker/diagnostics.py:1: imports checker.load (load), a stage above base"),
    ("checker/explore/fix.py", "import checker\n",
     "checker/explore/fix.py:1: imports checker (checker), a stage above explore"),
    ("checker/evaluate/checker.py", "def f():\n    import durable.lang\n",
     "checker/evaluate/checker.py:2: imports durable.lang: only checker/rules/engine.py may import durable"),
    ("checker/rules/compile.py", "import durable_rules_engine\n",
     "checker/rules/compile.py:1: imports durable_rules_engine: only checker/rules/engine.py may import durable"),
    ("checker/trust/lint.py", "import importlib\nimportlib.import_module('checker.cli')\n",
     "checker/trust/lint.py:2: imports a module by a computed name"),
    ("checker/helpers.py", "",
     "checker/helpers.py: belongs to no stage"),
])
def test_a_bad_import_is_named_with_its_module_and_line(path, source, expected):
    found = violations({**GOOD, path: source})
    assert len(found) == 1 and found[0].startswith(expected), found
