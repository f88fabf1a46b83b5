"""A plain (non-editable) install ships the policy and schemas in the wheel,
and the installed checker finds them without the source tree."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from conftest import CASES, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "-q", "-w", str(out), str(REPO)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    # pyproject.toml's old license table made setuptools warn on every install
    # ("`project.license` as a TOML table is deprecated"), in `make run` too.
    assert "deprecated" not in proc.stderr.lower() and "Warning" not in proc.stderr, proc.stderr
    return next(out.glob("vires-*.whl"))


def test_wheel_holds_policy_schemas_and_console_script(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    policy_files = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "policy").rglob("*.yaml"))
    for path in policy_files:
        assert "checker/" + path in names
    assert "checker/schemas/scheme.schema.json" in names
    assert "checker/schemas/policy.schema.json" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "vires = checker.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_package_works_without_the_source_tree(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import checker, sys; r = checker.check_file(sys.argv[1]);"
            "print(checker.__file__); print(r.verdict)")
    proc = subprocess.run([sys.executable, "-c", code, str(CASES / "leeds-2017.yaml")],
                          cwd=elsewhere, env=dict(os.environ, PYTHONPATH=str(target)),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    location, verdict = proc.stdout.split()
    assert location.startswith(str(target))
    assert verdict == "ultra_vires"
