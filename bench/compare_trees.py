"""Benchmark: `checker.check` on ``bench/distinct.py``'s schemes, this tree beside another revision.

Two versions of the ``checker`` package cannot share one process, so each
round runs one child process per tree, alternately (the order swapped each
round), on the same seeded schemes: what the machine's load does to one
tree it does to the other in the same round. Each child checks every scheme
of the set once, after a warm-up, and prints checks/s, the 50th and 99th
percentile wall latency and the 99th percentile CPU time
(``bench/distinct.py``'s ``run_round``); the figure is the median over the
rounds (lowest to highest).

    .venv/bin/python bench/compare_trees.py dad9ce6                  # with unknowns, 2,000 schemes, 5 rounds
    .venv/bin/python bench/compare_trees.py dad9ce6 --set determined --schemes 1000 --rounds 3

The other revision is taken with ``git archive`` into a temporary folder.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, statistics, sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/bench"]
import checker
from distinct import random_schemes, run_round
known = sys.argv[2] == "determined"
schemes = random_schemes(int(sys.argv[3]), known=known, seed=1 if known else 2)
run_round(checker.check, schemes[:50])
rate, wall, cpu = run_round(checker.check, schemes)
cut = lambda xs, q: statistics.quantiles(xs, n=100)[q] * 1e6
print(json.dumps({"file": checker.__file__, "rate": rate, "p50": cut(wall, 49), "p99": cut(wall, 98),
                  "cpu99": cut(cpu, 98)}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev", help="the other revision (a commit, a tag, a branch)")
    parser.add_argument("--set", choices=("unknowns", "determined"), default="unknowns")
    parser.add_argument("--schemes", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as other:
        archive = subprocess.run(["git", "archive", args.rev], cwd=ROOT, check=True, capture_output=True).stdout
        with tempfile.TemporaryFile() as f:
            f.write(archive)
            f.seek(0)
            with tarfile.open(fileobj=f) as tar:
                # the "data" filter where tarfile has it (3.10.12, 3.11.4 on): git's own archive either way
                tar.extractall(other, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
        trees = {f"this tree ({ROOT.name})": str(ROOT), f"{args.rev}": other}
        figures: dict = {name: [] for name in trees}
        print(f"{args.schemes:,} schemes ({args.set}), {args.rounds} rounds, trees alternately; "
              f"load average at the start {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        order = list(trees)
        for r in range(args.rounds):
            for name in order if r % 2 == 0 else order[::-1]:
                out = subprocess.run([sys.executable, "-c", CHILD, trees[name], args.set, str(args.schemes)],
                                     check=True, capture_output=True, text=True, cwd=trees[name],
                                     env={**os.environ, "PYTHONPATH": trees[name]}).stdout
                found = json.loads(out.splitlines()[-1])
                if not found["file"].startswith(trees[name]):
                    raise SystemExit(f"{name}: imported checker from {found['file']}")
                figures[name].append(found)
    spread = lambda xs, fmt: (f"{format(statistics.median(xs), fmt)} "
                              f"({format(min(xs), fmt)} to {format(max(xs), fmt)})")
    for name in order:
        got = figures[name]
        print(f"{name}:\n  {spread([g['rate'] for g in got], ',.0f')} checks/s; latency p50 "
              f"{spread([g['p50'] for g in got], ',.0f')} us, p99 {spread([g['p99'] for g in got], ',.0f')} us; "
              f"CPU p99 {spread([g['cpu99'] for g in got], ',.0f')} us")
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
