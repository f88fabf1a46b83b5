"""Every public name of checker/ says what it is: module-level functions and
classes whose names do not start with '_', and the public methods (and
properties) of public classes, each have a docstring."""
from __future__ import annotations

import ast

import pytest

from conftest import REPO


def undocumented(path: str, source: str) -> list[str]:
    """'FILE:LINE NAME' for each public name in a module's source that has no docstring."""
    out = []

    def check(node, name):
        if ast.get_docstring(node) is None:
            out.append(f"{path}:{node.lineno} {name}")

    for node in ast.parse(source, path).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            check(node, node.name)
            if isinstance(node, ast.ClassDef):
                for member in node.body:
                    if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                            and not member.name.startswith("_"):
                        check(member, f"{node.name}.{member.name}")
    return out


def test_every_public_name_has_a_docstring():
    missing = [line for p in sorted((REPO / "checker").rglob("*.py"))
               for line in undocumented(p.relative_to(REPO).as_posix(), p.read_text("utf-8"))]
    assert not missing, "public names without a docstring:\n" + "\n".join(missing)


@pytest.mark.parametrize("source, expected", [
    ("def check(x):\n    return x\n", ["m.py:1 check"]),
    ("class Result:\n    '''A result.'''\n\n    def to_dict(self):\n        return {}\n", ["m.py:4 Result.to_dict"]),
    ("class Result:\n    x: int\n", ["m.py:1 Result"]),
    ("def _private():\n    pass\n\nclass _Hidden:\n    def shown(self):\n        pass\n", []),
    ("class Done:\n    '''Done.'''\n\n    def __init__(self):\n        pass\n\n    def _own(self):\n        pass\n", []),
])
def test_the_check_finds_what_it_should(source, expected):
    assert undocumented("m.py", source) == expected
