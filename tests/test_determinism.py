"""The same input gives byte-identical output, whatever PYTHONHASHSEED is."""
from __future__ import annotations

import json

import pytest

from conftest import CASES, run_console


@pytest.mark.parametrize("format", ["json", "text"])
def test_output_is_byte_identical_across_processes_and_hash_seeds(format):
    files = sorted(CASES.glob("*.yaml"))
    runs = [run_console("check", "--format", format, *files, env={"PYTHONHASHSEED": seed})
            for seed in ("0", "1", "4242")]
    first = runs[0]
    assert first.returncode in (0, 1), first.stderr  # verdicts, not bad input
    if format == "json":
        assert [r["file"] for r in json.loads(first.stdout)] == [str(f) for f in files]
    else:
        assert all(f"{f}: " in first.stdout for f in files)
    for other in runs[1:]:
        assert other.returncode == first.returncode
        assert other.stdout.encode() == first.stdout.encode()


def test_diagnostics_are_byte_identical_across_hash_seeds(tmp_path):
    """Bad input too: several problems in one file come out in the same order."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: Bad Id\ntitle: 3\njurisdiction: englnd\ndate: 2014-02-30\nextra: 1\nproposer: []\n")
    runs = [run_console("check", bad, env={"PYTHONHASHSEED": seed}) for seed in ("0", "1", "4242")]
    assert runs[0].returncode == 2 and runs[0].stderr.count("[scheme.") >= 4
    assert len({r.stderr for r in runs}) == 1
