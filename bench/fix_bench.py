"""Benchmark: `vires fix` over every case in the library.

Times the fix search for each case file on one shared Checker (policy
loaded and compiled once, as in one `vires fix` run), with
time.perf_counter, best of --repeat runs; prints the figure per case (with
its verdict, how it ends: valid, fixed, blocked after a search, or proven
unfixable without one, and the search's size), the median and the maximum
over all cases and over the cases that needed a search (a valid case
needs none, and would flatter the median), and the wall time of one
`vires fix` command (process start-up included) for the slowest case. The
target is under 1 second per case on a 2-core machine (issue 4).

    .venv/bin/python bench/fix_bench.py [--cases DIR] [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.evaluate.checker import checker_for  # noqa: E402
from checker.explore.fix import find_fixes  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=str(ROOT / "cases"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    checker = checker_for()
    print(f"policy load and compile: {time.perf_counter() - start:.3f} s")
    rows = []
    for path in sorted(Path(args.cases).glob("*.yaml")):
        scheme = checker.load(path)
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            report = find_fixes(checker, scheme)
            best = min(best, time.perf_counter() - t0)
        rows.append((best, path.name, report))
        print(f"{best * 1000:8.1f} ms  {report.before.verdict:<12}  {_ending(report):<8}  "
              f"fixes {len(report.fixes):>2}  candidates {report.candidates:>2}  tried {report.tried:>3}  {path.name}")
    times = [r[0] for r in rows]
    searched = [r[0] for r in rows if r[2].before.verdict != "valid"]
    slowest = max(rows, key=lambda r: r[0])
    print(f"cases: {len(rows)}  median {statistics.median(times) * 1000:.1f} ms  "
          f"max {max(times) * 1000:.1f} ms ({slowest[1]}, {slowest[2].tried} combinations tried)")
    if searched:
        print(f"cases not valid as they stand: {len(searched)}  median {statistics.median(searched) * 1000:.1f} ms")
    vires = Path(sys.executable).with_name("vires")
    t0 = time.perf_counter()
    subprocess.run([str(vires), "fix", str(Path(args.cases) / slowest[1])], capture_output=True, check=False)
    print(f"`vires fix {slowest[1]}` wall time, start-up included: {time.perf_counter() - t0:.3f} s")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    return 0 if max(times) < 1.0 else 1


def _ending(report) -> str:
    """How a search ended: valid already, fixed, blocked after a search, or proven unfixable without one."""
    if report.before.verdict == "valid":
        return "valid"
    if report.fixes:
        return "fixed"
    return "proven" if report.never else "blocked"


if __name__ == "__main__":
    sys.exit(main())
