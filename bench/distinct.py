"""Benchmark: `checker.check` on distinct schemes, beside the reference evaluator.

Seeded random valid schemes of every edition (``random_schemes``: the same
shapes as the differential test's, tests/test_differential.py, drawn with
``random.Random`` so a run is repeatable), each checked once per round, so
no memo remembers a scheme; two sets:

- ``determined``: every fact given (no ``unknown``, nothing left out that a
  condition reads), so the verdict never splits;
- ``with unknowns``: facts left out or ``unknown`` as the differential test
  draws them: most such schemes are split (``checker.evaluate.unknowns``),
  and the reference evaluator brute-forces every completion.

Four variants, interleaved in a different order each round in one process:
vires and the reference evaluator (tests/reference_evaluator.py) on each set,
then the case library repeated (the memo's speed, as ``bench/run.py``).
Each figure is the median over the rounds, with the lowest and highest, of
checks/s, of the 50th and 99th percentile latency (wall clock), and of the
99th percentile of the CPU time a check takes (the thread's own time, which
leaves out time the machine gave to other processes); the ratio to the
reference is taken within each round.

Public tools only: random, time.perf_counter, statistics.

    .venv/bin/python bench/distinct.py            # the full run (about two minutes)
    .venv/bin/python bench/distinct.py --smoke    # the same lines, small counts
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FULL = {"schemes": 2_000, "rounds": 7}
SMOKE = {"schemes": 60, "rounds": 2}
LAST_DAY = "2027-03-31"


def line(label: str, value: str) -> None:
    print(f"{label:<44} {value}", flush=True)


def reference():
    """The reference evaluator module (tests/reference_evaluator.py) and its loaded policy."""
    sys.path.insert(0, str(ROOT / "tests"))
    spec = importlib.util.spec_from_file_location("reference_evaluator", ROOT / "tests" / "reference_evaluator.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, module.load_policy(ROOT / "policy")


def random_schemes(n: int, known: bool, seed: int = 1) -> list[dict]:
    """n distinct random valid schemes; ``known``: every fact given."""
    ref, policy = reference()
    props = ref.SCHEMA["properties"]
    change_props = props["change"]["properties"]
    targets = change_props["targets"]["items"]["enum"]
    rng = random.Random(seed)

    def maybe(values, p=0.7):
        """A value, or (unless every fact is known) 'unknown' or None (left out)."""
        return rng.choice(values) if known or rng.random() < p else rng.choice(["unknown", None])

    def put(into, key, value):
        if value is not None:
            into[key] = value

    def body(day, nation):
        kind = rng.choice([k for k in ref.KINDS if ref.existed(policy, k, day, nation)])
        out = {"kind": kind}
        if kind == "ccg" and (known or rng.random() < 0.7):
            out["co_commissioning"] = rng.choice(ref.LEVELS)
        return out

    def scheme():
        edition = rng.choice(policy["editions"])
        start = dt.date.fromisoformat(edition["from"])
        end = dt.date.fromisoformat(min(edition["to"] or LAST_DAY, LAST_DAY))
        day = (start + dt.timedelta(days=rng.randint(0, (end - start).days))).isoformat()
        change = {"targets": rng.sample(targets, rng.randint(1, 3))}
        for key in ("instrument", "scope", "income"):
            put(change, key, maybe(ref._known(change_props[key]["enum"])))
        for key in ("practice_opt_in", "remaining_indicators_continue"):
            put(change, key, maybe([True, False]))
        put(change, "share_of_points", maybe([0, 10, 50, 79.5, 80, 100]))
        work = rng.choice(["mapping", "none"] if known else ["mapping", "mapping", "none", "unknown", None])
        if work == "mapping":
            work = {}
            put(work, "measurement", maybe(ref.MEASUREMENTS))
        put(change, "alternative_work", work)
        out = {"id": "random", "title": "a random scheme", "jurisdiction": edition["jurisdiction"],
               "date": day, "change": change}
        maker = rng.choice(["body"] * 3 if known else ["body", "body", "body", "unknown", None])
        put(out, "maker", body(day, edition["jurisdiction"]) if maker == "body" else maker)
        for name in ("requested_by", "parties"):
            if rng.random() < 0.5:
                out[name] = [body(day, edition["jurisdiction"]) for _ in range(rng.randint(0, 2))]
        if rng.random() < 0.8:
            out["decisions"] = []
            for _ in range(rng.randint(0, 3)):
                decision = {"body": body(day, edition["jurisdiction"])}
                decision["status"] = rng.choice(["granted", "granted", "refused", "pending", "not_sought"]
                                                + ([] if known else ["unknown"]))
                decision["formality"] = rng.choice(["formal", "formal", "informal"] + ([] if known else ["unknown"]))
                out["decisions"].append(decision)
        if rng.random() < 0.5:
            out["objections"] = [{"body": body(day, edition["jurisdiction"])} for _ in range(rng.randint(0, 2))]
        if known or rng.random() < 0.7:
            begin = dt.date.fromisoformat(day) + dt.timedelta(days=rng.randint(-400, 400))
            out["effective_from"] = begin.isoformat()
            if known or rng.random() < 0.5:
                out["effective_to"] = (begin + dt.timedelta(days=rng.randint(0, 400))).isoformat()
        consult: dict = {}
        for key in ("lmc", "gpc"):
            put(consult, key, maybe([True, False]))
        put(consult, "local_weeks", maybe([0, 4, 12, 13]))
        out["consultations"] = consult
        out["circumstances"] = {}
        put(out["circumstances"], "national_incident_level", maybe([0, 1, 3, 4]))
        return out

    seen, schemes = set(), []
    while len(schemes) < n:
        drawn = scheme()
        key = repr(drawn)
        if key not in seen:
            seen.add(key)
            schemes.append(drawn)
    return schemes


def run_round(check, schemes) -> tuple[float, list[float], list[float]]:
    """(checks/s, wall latencies, CPU latencies in seconds) over one pass. The
    CPU time of the thread leaves out the time another process held the CPU:
    on a shared machine, the wall p99 is mostly other people's work."""
    latencies, cpu = [], []
    clock, thread = time.perf_counter, time.thread_time
    started = clock()
    for scheme in schemes:
        t, c = clock(), thread()
        check(scheme)
        latencies.append(clock() - t)
        cpu.append(thread() - c)
    return len(schemes) / (clock() - started), latencies, cpu


def spread(values: list[float], fmt: str) -> str:
    return f"{format(statistics.median(values), fmt)} ({format(min(values), fmt)} to {format(max(values), fmt)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a short run: same lines, small counts")
    parser.add_argument("--schemes", type=int, help="schemes in each set (default 2,000)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 7)")
    args = parser.parse_args()
    counts = dict(SMOKE if args.smoke else FULL)
    counts.update({k: v for k, v in (("schemes", args.schemes), ("rounds", args.rounds)) if v})
    sys.path.insert(0, str(ROOT))
    import checker

    ref, policy = reference()
    sets = {"determined": random_schemes(counts["schemes"], known=True),
            "with unknowns": random_schemes(counts["schemes"], known=False, seed=2)}
    from checker.evaluate.checker import checker_for

    library = [checker_for().load(p).data for p in sorted((ROOT / "cases").glob("*.yaml"))]
    undetermined = sum(checker.check(s).verdict == "undetermined" for s in sets["with unknowns"])
    line("distinct schemes", f"{counts['schemes']:,} determined (every fact given), {counts['schemes']:,} "
         f"with unknowns ({undetermined:,} of them undetermined); seeded, every edition")
    line("rounds", f"{counts['rounds']}, interleaved; median (lowest to highest)")
    line("load average at the start", " ".join(f"{x:.2f}" for x in os.getloadavg()))

    def vires(scheme):
        return checker.check(scheme)

    def reference_check(scheme):
        return ref.evaluate(policy, scheme)

    variants = {}
    for name, schemes in sets.items():
        variants[f"vires, {name}"] = (vires, schemes)
        variants[f"reference, {name}"] = (reference_check, schemes)
    variants["vires, case library repeated"] = (vires, library * max(1, counts["schemes"] // len(library)))
    for check, schemes in variants.values():  # warm: imports, compiled editions
        run_round(check, schemes[:50])
    rates: dict = {v: [] for v in variants}
    p50s: dict = {v: [] for v in variants}
    p99s: dict = {v: [] for v in variants}
    cpu99s: dict = {v: [] for v in variants}
    order = list(variants)
    for r in range(counts["rounds"]):
        shift = r % len(order)
        for name in order[shift:] + order[:shift]:
            rate, latencies, cpu = run_round(*variants[name])
            cuts = statistics.quantiles(latencies, n=100)
            rates[name].append(rate)
            p50s[name].append(cuts[49] * 1e6)
            p99s[name].append(cuts[98] * 1e6)
            cpu99s[name].append(statistics.quantiles(cpu, n=100)[98] * 1e6)
    for name in order:
        line(f"{name}", f"{spread(rates[name], ',.0f')} checks/s")
        line(f"{name}: latency p50, p99", f"{spread(p50s[name], ',.0f')} us, {spread(p99s[name], ',.0f')} us")
        line(f"{name}: CPU p99", f"{spread(cpu99s[name], ',.0f')} us")
    for name in sets:
        ratios = [v / r for v, r in zip(rates[f"vires, {name}"], rates[f"reference, {name}"])]
        line(f"ratio: vires / reference, {name}", f"{spread(ratios, '.2f')}  (goal at least 0.40)")
    line("load average at the end", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
