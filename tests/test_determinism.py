"""The same input gives byte-identical output, whatever PYTHONHASHSEED is."""
from __future__ import annotations

import json

import pytest

from conftest import CASES, run_console

#: A draft that leaves its maker and several facts unknown: an undetermined
#: answer with many branches, whose order must not depend on the hash seed.
DRAFT = ("id: draft\ntitle: A draft\njurisdiction: england\ndate: 2023-05-01\nmaker: unknown\n"
         "change: {targets: [qof, global_sum], instrument: unknown, practice_opt_in: unknown}\n")


@pytest.mark.parametrize("format", ["json", "text", "table"])
def test_output_is_byte_identical_across_processes_and_hash_seeds(format, tmp_path):
    (tmp_path / "draft.yaml").write_text(DRAFT)
    files = sorted(CASES.glob("*.yaml")) + [tmp_path / "draft.yaml"]
    runs = [run_console("check", "--format", format, *files, env={"PYTHONHASHSEED": seed})
            for seed in ("0", "1", "4242")]
    first = runs[0]
    assert first.returncode in (0, 1), first.stderr  # verdicts, not bad input
    if format == "json":
        results = json.loads(first.stdout)
        assert [r["file"] for r in results] == [str(f) for f in files]
        assert len(results[-1]["undetermined"]["outcomes"]) > 4
    elif format == "text":
        assert all(f"{f}: " in first.stdout for f in files)
    else:
        assert f"{len(files)} schemes: " in first.stdout and "undetermined  draft" in first.stdout
    for other in runs[1:]:
        assert other.returncode == first.returncode
        assert other.stdout.encode() == first.stdout.encode()


def test_diagnostics_are_byte_identical_across_hash_seeds(tmp_path):
    """Bad input too: several problems in one file come out in the same order."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: Bad Id\ntitle: 3\njurisdiction: englnd\ndate: 2014-02-30\nextra: 1\nproposers: []\n"
                   "maker: ccg\nchange: {target: qof, share_of_points: 120, income: not_stated}\n")
    runs = [run_console("check", bad, env={"PYTHONHASHSEED": seed}) for seed in ("0", "1", "4242")]
    assert runs[0].returncode == 2 and runs[0].stderr.count("[scheme.") >= 8
    assert "[scheme.renamed_field]" in runs[0].stderr
    assert len({r.stderr for r in runs}) == 1
