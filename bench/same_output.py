"""Same output: a hash of the JSON report of many schemes, to compare two trees.

A change meant only to make checking faster must not change one byte of what
vires says. This script checks every case in ``cases/`` and ``--schemes``
seeded random schemes of each of ``bench/distinct.py``'s two sets (every fact
given; with unknowns), renders each result with the JSON reporter, and prints
one SHA-256 over all of them (and how many were undetermined). Run it in two
trees and compare the lines:

    .venv/bin/python bench/same_output.py --schemes 3000
    git archive <rev> | tar -x -C /tmp/base && \\
        (cd /tmp/base && PYTHONPATH=/tmp/base /path/to/.venv/bin/python bench/same_output.py --schemes 3000)

``--each FILE`` also writes one hash per scheme, to find the first that differs.
It is not a timed test: it takes about a minute for 3,000 schemes a set.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schemes", type=int, default=3000, help="random schemes in each set (default 3,000)")
    parser.add_argument("--each", type=Path, help="write one hash per scheme to this file")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from distinct import random_schemes

    import checker
    from checker.reporters.json_report import render_results

    print(f"checker from {Path(checker.__file__).parent}", file=sys.stderr)
    total = hashlib.sha256()
    lines = []
    undetermined = 0

    def add(label: str, result) -> None:
        nonlocal undetermined
        text = render_results([result]).encode()
        total.update(text)
        lines.append(f"{label} {hashlib.sha256(text).hexdigest()}\n")
        undetermined += result.verdict == "undetermined"

    os.chdir(ROOT)  # case files by relative path: a result names its file, the same in every tree
    cases = sorted(Path("cases").glob("*.yaml"))
    for path in cases:
        add(path.name, checker.check_file(path))
    for known, seed in ((True, 1), (False, 2)):
        for i, scheme in enumerate(random_schemes(args.schemes, known=known, seed=seed)):
            add(f"{'known' if known else 'unknowns'}-{i}", checker.check(scheme))
    if args.each:
        args.each.write_text("".join(lines))
    print(f"{len(lines)} results ({len(cases)} cases, {args.schemes} schemes a set), "
          f"{undetermined} undetermined: sha256 {total.hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
