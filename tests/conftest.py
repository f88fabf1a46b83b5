"""Shared test helpers: the repository root and a way to run the real CLI."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# The tests (and the `vires` processes they start) keep their policy cache
# out of the user's cache folder.
os.environ.setdefault("VIRES_CACHE_DIR", tempfile.mkdtemp(prefix="vires-test-cache-"))
VIRES = Path(sys.executable).with_name("vires")
CASES = REPO / "cases"


def run_vires(*args, cwd=REPO, env=None, input=None, timeout=120):
    """Run the installed `vires` console script as a user would."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([str(VIRES), *map(str, args)], cwd=cwd, env=full_env, input=input,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def vires():
    return run_vires
