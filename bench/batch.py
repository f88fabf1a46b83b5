"""Benchmark: memory and time of one `vires check` over many files.

Writes N distinct seeded random schemes (``bench/distinct.py``'s, every fact
given) as YAML files in a temporary folder, then runs `vires check` over one
of them and over all N, in each output format, each in a fresh process, and
prints the peak resident memory of each run (the child's own high-water mark,
``VmHWM``, read just before it exits), the wall time, the ratio of the
peak over N files to the peak over one (goal: at most 1.5), and what each
file beyond the first tenth adds (flat memory: about nothing). Then the
same over the folder itself (`vires check .`, no list of names on the
command line), whose report must be the same bytes. The JSON output
over N files must parse as one array of N objects.

Public tools only: subprocess, resource, json.

    .venv/bin/python bench/batch.py            # 10,000 files (a few minutes)
    .venv/bin/python bench/batch.py --smoke    # the same lines, 200 files
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
VIRES = str(Path(sys.executable).with_name("vires"))
FULL = {"files": 10_000}
SMOKE = {"files": 200}
#: Run in the child: `vires check` in-process, then the child's own peak memory on stderr.
CHILD = """
import sys
from pathlib import Path
from checker.cli import main
sys.argv[0] = "vires"
code = 0
try:
    main()
except SystemExit as end:
    code = end.code or 0
peak = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM:"))
print("peak-kb", peak.split()[1], file=sys.stderr)
sys.exit(code)
"""


def line(label: str, value: str) -> None:
    print(f"{label:<44} {value}", flush=True)


def write_files(folder: Path, n: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    from distinct import random_schemes

    names = []
    for i, scheme in enumerate(random_schemes(n, known=True, seed=7)):
        name = f"s{i:05d}.yaml"
        scheme["id"] = f"random-{i}"
        (folder / name).write_text(yaml.safe_dump(scheme, sort_keys=False))
        names.append(name)
    return names


def run(folder: Path, fmt: str, names: list[str]) -> tuple[int, float, bytes]:
    """(peak resident kB, wall seconds, stdout) of `vires check --format fmt names...`."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, "check", "--format", fmt, *names], cwd=folder,
                          capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1, 4):
        raise SystemExit(f"vires check failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    peak = next(int(t.split()[1]) for t in proc.stderr.decode().splitlines() if t.startswith("peak-kb"))
    return peak, seconds, proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a short run: same lines, small counts")
    parser.add_argument("--files", type=int, help="how many files (default 10,000)")
    args = parser.parse_args()
    counts = {"files": args.files or (SMOKE if args.smoke else FULL)["files"]}
    line("load average at the start", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="vires-batch-") as tmp:
        folder = Path(tmp)
        names = write_files(folder, counts["files"])
        line("files", f"{len(names):,} distinct schemes (every fact given), one a file")
        run(folder, "json", names[:1])  # writes the policy cache entry, if it must, outside the figures
        for fmt in ("json", "text", "table"):
            one, one_s, _ = run(folder, fmt, names[:1])
            tenth = names[:max(1, len(names) // 10)]
            some, some_s, _ = run(folder, fmt, tenth)
            many, many_s, out = run(folder, fmt, names)
            line(f"{fmt}: peak memory, one file", f"{one / 1024:.1f} MiB ({one_s:.2f} s)")
            line(f"{fmt}: peak memory, {len(tenth):,} files", f"{some / 1024:.1f} MiB ({some_s:.1f} s)")
            line(f"{fmt}: peak memory, {len(names):,} files", f"{many / 1024:.1f} MiB ({many_s:.1f} s, "
                 f"{len(out) / 1e6:.1f} MB written)")
            line(f"{fmt}: ratio, {len(names):,} files / one", f"{many / one:.2f}x  (goal at most 1.5x)")
            whole, whole_s, whole_out = run(folder, fmt, ["."])
            line(f"{fmt}: peak memory, the folder of {len(names):,}", f"{whole / 1024:.1f} MiB ({whole_s:.1f} s)")
            line(f"{fmt}: ratio, the folder / one", f"{whole / one:.2f}x  (goal at most 1.5x)")
            if whole_out != out:
                raise SystemExit(f"{fmt}: the folder's report differs from the files'")
            # flat: what each file beyond the first tenth adds (streamed, it should be nothing)
            per_file = (many - some) * 1024 / max(1, len(names) - len(tenth))
            line(f"{fmt}: growth from {len(tenth):,} to {len(names):,} files", f"{per_file:,.0f} bytes a file")
            if fmt == "json":
                data = json.loads(out)
                ok = isinstance(data, list) and len(data) == len(names)
                line("json: one array of every file's result", "yes" if ok else f"NO ({type(data).__name__})")
                editions = len({item.get("edition") for item in data if isinstance(item, dict)}) if ok else 0
                line("json: editions the files fall in", f"{editions} (one file: 1; each edition's "
                     "plain ruleset holds 235 to 380 KB of durable's tables, and 4 keep a session)")
    line("load average at the end", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
