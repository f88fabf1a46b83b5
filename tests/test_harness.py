"""The test session itself leaves nothing behind: conftest.py gives it a
temporary folder of its own (TMPDIR) and fails the session if a test leaves
anything in it or changes the checkout. On main each run left a
vires-test-cache-* folder in the temporary directory."""
from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import REPO, leftovers


def test_leftovers_are_what_is_new_and_not_allowed():
    assert leftovers({"a"}, {"a", "b", "pytest-of-me"}, {"pytest-of-me"}) == ["b"]
    assert leftovers({"a"}, {"a"}, set()) == []


def test_a_session_whose_test_leaves_a_folder_fails(tmp_path):
    (tmp_path / "tests").mkdir()
    shutil.copy(REPO / "tests" / "conftest.py", tmp_path / "tests" / "conftest.py")
    (tmp_path / "tests" / "test_leaky.py").write_text(
        "import tempfile\n\ndef test_leaky():\n    tempfile.mkdtemp(prefix='left-behind-')\n")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "tests left these in" in proc.stdout and "left-behind-" in proc.stdout
