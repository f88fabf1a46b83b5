"""Benchmark: start-up, throughput and memory of `vires check`.

Prints, one figure per line (docs/performance.md explains each):

1. cold start: wall time of `vires check` on one case, against the floor of
   importing its own stack (`python -c "import typer, yaml, jsonschema,
   durable_rules_engine"`), and their ratio (target: at most 1.3);
2. throughput of `checker.check` in one process over the case library's
   schemes, with the memos (the same scheme checked again) and without them
   (every check validated and sent through durable-rules); target 5,000/s;
3. the same through the reference evaluator (tests/reference_evaluator.py,
   written from docs/policy-format.md), and on how many of the library's
   schemes it gives vires' answer (verdict and decided_by);
4. memory over 100,000 checks in a fresh process: resident memory after a
   warm-up and at the end, and the peak.

Public tools only: time.perf_counter, subprocess, resource.

    .venv/bin/python bench/run.py            # the full run (about a minute)
    .venv/bin/python bench/run.py --smoke    # a short run: same lines, small counts
"""
from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
VIRES = str(Path(sys.executable).with_name("vires"))
ONE_CASE = ROOT / "cases" / "leeds-2017.yaml"
#: The stack vires is built on: since the engine drives durable's compiled core
#: directly, durable's Python package (durable.lang, 16 ms to import) is not in it.
FLOOR = "import typer, yaml, jsonschema, durable_rules_engine"
#: Where another engineer's independent evaluator may live (see docs/policy-format.md).
REFERENCE_CANDIDATES = ("tests/reference_evaluator.py", "tests/reference.py", "bench/reference_evaluator.py")

FULL = {"starts": 15, "memo_checks": 50_000, "plain_checks": 3_000, "memory_checks": 100_000}
SMOKE = {"starts": 2, "memo_checks": 500, "plain_checks": 50, "memory_checks": 1_000}


def line(label: str, value: str) -> None:
    print(f"{label:<44} {value}", flush=True)


def machine() -> None:
    model = platform.processor() or "unknown"
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                model = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    line("date", datetime.date.today().isoformat())
    line("machine", f"{os.cpu_count()} CPUs, {model}, {platform.system()} {platform.machine()}")
    line("python", platform.python_version())


def wall(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def cold_start(starts: int) -> None:
    """Floor and command interleaved, so that a busy machine slows both alike."""
    floor, check = [], []
    wall([PYTHON, "-c", FLOOR])  # fill the disk cache before timing
    wall([VIRES, "check", str(ONE_CASE)])
    for _ in range(starts):
        floor.append(wall([PYTHON, "-c", FLOOR]))
        check.append(wall([VIRES, "check", str(ONE_CASE)]))
    f, c = statistics.median(floor), statistics.median(check)
    line("cold start: import floor (median)", f"{f * 1000:.0f} ms  (min {min(floor) * 1000:.0f} ms, {starts} runs)")
    line("cold start: vires check one case (median)", f"{c * 1000:.0f} ms  (min {min(check) * 1000:.0f} ms)")
    line("cold start: ratio to floor", f"{c / f:.2f}x  (target at most 1.3x)")


STARTUP_PHASES = ("floor imports", "checker.cli import", "policy load", "compile and check")


def startup_child() -> None:
    """Run in a fresh process: the phases of `vires check` one after another."""
    marks = [time.perf_counter()]
    # The floor: the libraries vires stands on (one import a line, each kept
    # by its noqa: they are imported for their cost, not used).
    import durable.lang  # noqa: F401
    import jsonschema  # noqa: F401
    import typer  # noqa: F401
    import yaml  # noqa: F401
    marks.append(time.perf_counter())
    import checker.cli  # noqa: F401
    marks.append(time.perf_counter())
    from checker.evaluate.checker import checker_for
    from checker.rules.policy import load_policy

    load_policy()
    marks.append(time.perf_counter())
    engine = checker_for()
    engine.check_scheme(engine.load(ONE_CASE))
    marks.append(time.perf_counter())
    print(" ".join(f"{b - a:.4f}" for a, b in zip(marks, marks[1:])))


def startup_phases(starts: int) -> None:
    runs = []
    for _ in range(starts):
        proc = subprocess.run([PYTHON, __file__, "--startup-child"], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        runs.append([float(x) for x in proc.stdout.split()])
    for i, phase in enumerate(STARTUP_PHASES):
        line(f"cold start phase: {phase}", f"{statistics.median(r[i] for r in runs) * 1000:.0f} ms (median)")


def library_schemes() -> list[dict]:
    from checker.evaluate.checker import checker_for

    checker = checker_for()
    return [checker.load(path).data for path in sorted((ROOT / "cases").glob("*.yaml"))]


def throughput(label: str, check, schemes: list[dict], n: int) -> float:
    for scheme in schemes:  # warm: imports, compiled editions
        check(scheme)
    started = time.perf_counter()
    for i in range(n):
        check(schemes[i % len(schemes)])
    rate = n / (time.perf_counter() - started)
    line(label, f"{rate:,.0f} checks/s  ({1e6 / rate:,.0f} us per check, {n:,} checks, one thread)")
    return rate


def reference_evaluator():
    """The reference evaluator's check function, if the repository has one."""
    for relative in REFERENCE_CANDIDATES:
        path = ROOT / relative
        if path.exists():
            spec = importlib.util.spec_from_file_location("reference_evaluator", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            if callable(getattr(module, "load_policy", None)) and callable(getattr(module, "evaluate", None)):
                policy = module.load_policy(ROOT / "policy")  # loaded once, as vires loads its policy once
                return relative, lambda scheme: module.evaluate(policy, scheme)
            for name in ("check", "check_scheme"):
                if callable(getattr(module, name, None)):
                    return relative, getattr(module, name)
            return relative, None
    return None, None


def throughputs(counts: dict) -> None:
    import checker
    import checker.memo

    schemes = library_schemes()
    line("case library", f"{len(schemes)} schemes")
    memo = throughput("throughput: checker.check, memos on", checker.check, schemes, counts["memo_checks"])
    checker.memo.ENABLED = False
    try:
        plain = throughput("throughput: checker.check, memos off", checker.check, schemes, counts["plain_checks"])
    finally:
        checker.memo.ENABLED = True
    where, reference = reference_evaluator()
    if reference is None:
        line("throughput: reference evaluator",
             "none in this repository" if where is None else f"{where} has no check function")
        return
    rate = throughput(f"throughput: reference ({where})", reference, schemes, counts["plain_checks"])
    line("ratio: vires (memos off) / reference", f"{plain / rate:.2f}")
    line("ratio: vires (memos on) / reference", f"{memo / rate:.2f}")
    same = sum(_answer(checker.check(s)) == _reference_answer(reference(s)) for s in schemes)
    line("reference gives vires' answer", f"{same} of {len(schemes)} schemes (verdict and decided_by)")


def _answer(result) -> tuple:
    if result.undetermined is not None:
        return ("undetermined", tuple(result.undetermined.possible_verdicts))
    return (result.verdict, tuple(result.decided_by))


def _reference_answer(answer) -> tuple:
    if isinstance(answer, dict) and answer.get("verdict") == "undetermined":
        return ("undetermined", tuple(answer["possible_verdicts"]))
    if isinstance(answer, dict):
        return (answer.get("verdict"), tuple(answer.get("decided_by", ())))
    return (getattr(answer, "verdict", None), tuple(getattr(answer, "decided_by", ())))


def resident_kb() -> int:
    try:
        for text in Path("/proc/self/status").read_text().splitlines():
            if text.startswith("VmRSS:"):
                return int(text.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory_child(n: int) -> None:
    """Run in a fresh process: n checks, resident memory before and after."""
    import checker

    schemes = library_schemes()
    for i in range(2_000 if n >= 10_000 else 100):
        checker.check(schemes[i % len(schemes)])
    before = resident_kb()
    started = time.perf_counter()
    for i in range(n):
        checker.check(schemes[i % len(schemes)])
    seconds = time.perf_counter() - started
    after = resident_kb()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(before, after, peak, f"{seconds:.3f}")


def memory(n: int) -> None:
    proc = subprocess.run([PYTHON, __file__, "--memory-child", str(n)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    before, after, peak, seconds = proc.stdout.split()
    line(f"memory: {n:,} checks, resident after warm-up", f"{int(before) / 1024:.1f} MB")
    line(f"memory: {n:,} checks, resident at the end", f"{int(after) / 1024:.1f} MB  "
         f"(growth {(int(after) - int(before)) / 1024:+.1f} MB, {float(seconds):.1f} s)")
    line(f"memory: {n:,} checks, peak resident", f"{int(peak) / 1024:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a short run with small counts")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--startup-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.memory_child:
        memory_child(args.memory_child)
        return 0
    if args.startup_child:
        startup_child()
        return 0
    counts = SMOKE if args.smoke else FULL
    machine()
    cold_start(counts["starts"])
    startup_phases(counts["starts"])
    throughputs(counts)
    memory(counts["memory_checks"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
