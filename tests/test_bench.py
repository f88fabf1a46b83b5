"""`bench/run.py --smoke` and `bench/engine.py --smoke` (and the others, on
small counts) run and print every figure docs/performance.md explains. Figures are not asserted against targets: timings belong to the
benchmark, not to unit tests on a shared machine."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import REPO

FIGURES = [
    r"^machine\s+\d+ CPUs, ",
    r"^python\s+\d+\.\d+",
    r"^cold start: import floor \(median\)\s+\d+ ms",
    r"^cold start: vires check one case \(median\)\s+\d+ ms",
    r"^cold start: ratio to floor\s+\d+\.\d+x",
    r"^throughput: checker\.check, memos on\s+[\d,]+ checks/s",
    r"^throughput: checker\.check, memos off\s+[\d,]+ checks/s",
    r"^throughput: reference \(tests/reference_evaluator\.py\)\s+[\d,]+ checks/s",
    r"^reference gives vires' answer\s+(\d+) of \1 schemes",  # on every scheme of the library
    r"^memory: [\d,]+ checks, resident at the end\s+[\d.]+ MB",
    r"^memory: [\d,]+ checks, peak resident\s+[\d.]+ MB",
]


def smoke_run_prints(script: str, figures: list[str]) -> None:
    proc = subprocess.run([sys.executable, str(REPO / "bench" / script), "--smoke"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for figure in figures:
        assert re.search(figure, proc.stdout, re.MULTILINE), f"missing {figure!r} in:\n{proc.stdout}"


def test_smoke_run_prints_every_figure():
    smoke_run_prints("run.py", FIGURES)


def test_benchmark_is_documented_with_its_command():
    doc = (REPO / "docs" / "performance.md").read_text()
    assert "bench/run.py" in doc and "--smoke" in doc


ENGINE_FIGURES = [
    r"^engine: host\s+[\d,]+ checks/s \([\d,]+ us mean\), p99 [\d,]+ us",
    r"^engine: core\s+[\d,]+ checks/s",
    r"^engine: core, unknowns\s+[\d,]+ checks/s",
    r"^host and core fire the same rules\s+yes",
    r"^durable's core alone, plain\s+[\d,.]+ us a run",
    r"^durable's core alone, dual\s+[\d,.]+ us a run",
    r"^memory: host, [\d,]+ checks\s+[\d.]+ MB after warm-up",
    r"^memory: core, [\d,]+ checks\s+[\d.]+ MB after warm-up",
]


def test_engine_benchmark_smoke_run_prints_every_figure():
    smoke_run_prints("engine.py", ENGINE_FIGURES)
    assert "bench/engine.py" in (REPO / "docs" / "performance.md").read_text()


DISTINCT_FIGURES = [
    r"^distinct schemes\s+[\d,]+ determined",
    r"^load average at the start\s+\d",
    r"^vires, determined\s+[\d,]+ \([\d,]+ to [\d,]+\) checks/s",
    r"^vires, determined: latency p50, p99\s+[\d,]+ .* us, [\d,]+ .* us",
    r"^vires, determined: CPU p99\s+[\d,]+",
    r"^reference, determined\s+[\d,]+ ",
    r"^vires, with unknowns\s+[\d,]+ ",
    r"^reference, with unknowns\s+[\d,]+ ",
    r"^vires, case library repeated\s+[\d,]+ ",
    r"^ratio: vires / reference, determined\s+\d+\.\d\d \(",
    r"^ratio: vires / reference, with unknowns\s+\d+\.\d\d \(",
]


BATCH_FIGURES = [
    r"^files\s+[\d,]+ distinct schemes",
    r"^json: peak memory, one file\s+[\d.]+ MiB",
    r"^json: peak memory, [\d,]+ files\s+[\d.]+ MiB",
    r"^json: ratio, [\d,]+ files / one\s+\d+\.\d\dx",
    r"^json: one array of every file's result\s+yes",
    r"^json: editions the files fall in\s+\d+ \(one file: 1",
    r"^json: growth from [\d,]+ to [\d,]+ files\s+-?[\d,]+ bytes a file",
    r"^text: ratio, [\d,]+ files / one\s+\d+\.\d\dx",
    r"^table: ratio, [\d,]+ files / one\s+\d+\.\d\dx",
    r"^json: ratio, the folder / one\s+\d+\.\d\dx",
    r"^text: ratio, the folder / one\s+\d+\.\d\dx",
]


@pytest.mark.parametrize("script, figures", [("distinct.py", DISTINCT_FIGURES), ("batch.py", BATCH_FIGURES)])
def test_benchmark_prints_every_figure_and_is_documented(script, figures):
    smoke_run_prints(script, figures)
    assert f"bench/{script} --smoke" in (REPO / "docs" / "performance.md").read_text()


def run_bench(*args: str) -> str:
    proc = subprocess.run([sys.executable, str(REPO / "bench" / args[0]), *args[1:]], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_same_output_prints_one_hash_and_the_same_one_twice():
    line = r"^(\d+) results \(\d+ cases, 3 schemes a set\), \d+ undetermined: sha256 [0-9a-f]{64}$"
    first = run_bench("same_output.py", "--schemes", "3")
    assert re.search(line, first, re.MULTILINE), first
    assert run_bench("same_output.py", "--schemes", "3") == first
    assert "bench/same_output.py" in (REPO / "docs" / "performance.md").read_text()


def test_compare_trees_prints_both_trees_figures():
    out = run_bench("compare_trees.py", "HEAD", "--schemes", "60", "--rounds", "1")
    figures = r"\n  [\d,]+ \([\d,]+ to [\d,]+\) checks/s; latency p50 [\d,]+ .*us, p99 [\d,]+ .*us; CPU p99 [\d,]+"
    assert re.search(r"^this tree \(.+\):" + figures, out, re.MULTILINE), out
    assert re.search(r"^HEAD:" + figures, out, re.MULTILINE), out
    assert re.search(r"^load average at the end \d", out, re.MULTILINE), out
    assert "bench/compare_trees.py" in (REPO / "docs" / "performance.md").read_text()
