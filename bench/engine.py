"""Benchmark: the rule engine alone, before and after it drove durable's core.

Distinct fact records (seeded random mutations of the facts of each act of
the case library, so no memo helps and every check goes through durable) through:

- ``host``: RuleEngine as of commit 2e1635b, on durable's Python host
  (its source is read from git, so it runs against the same policy; it
  knew rules only, so it evaluates the rules and not the powers);
- ``core``: today's RuleEngine, on the same records (no unknown facts: the
  plain rulesets);
- ``core, unknowns``: today's RuleEngine on the same records with some of
  the fields the editions read made ``unknown`` (the dual rulesets; the
  host engine had no such thing).

The variants are interleaved, in a different order each round, in one
process; each figure is the median over the rounds of checks/s and of the
99th percentile latency. Then memory: 100,000 checks in a fresh process per
variant, resident memory after a warm-up of 2,000 checks and at the end.

Public tools only: time.perf_counter, statistics, subprocess.

    .venv/bin/python bench/engine.py            # the full run (about a minute)
    .venv/bin/python bench/engine.py --smoke    # the same lines, small counts
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import resource
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "2e1635b"
FULL = {"records": 3_000, "rounds": 7, "memory_checks": 100_000}
SMOKE = {"records": 100, "rounds": 2, "memory_checks": 2_000}
VARIANTS = ("host", "core", "core, unknowns")


def line(label: str, value: str) -> None:
    print(f"{label:<44} {value}", flush=True)


def host_engine_class():
    """RuleEngine as it was at BEFORE, loaded from git into checker.rules."""
    source = subprocess.run(["git", "show", f"{BEFORE}:checker/rules/engine.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("checker.rules.engine_before")
    module.__package__ = "checker.rules"
    exec(compile(source, f"checker/rules/engine.py@{BEFORE}", "exec"), module.__dict__)
    return module.RuleEngine


def library_facts():
    """(edition, facts) of every act of every case of the library."""
    from checker.evaluate.checker import checker_for
    from checker.rules.facts import act_facts, targets

    checker = checker_for()
    out = []
    for path in sorted((ROOT / "cases").glob("*.yaml")):
        scheme = checker.load(path)
        for target in targets(scheme.data):
            out.append((checker.edition_for(scheme).id, act_facts(scheme.data, target)))
    return checker.policy, out


def records(n: int, seed: int = 1):
    """n distinct (edition, facts, facts with unknowns) triples: every field
    the library leaves unknown is drawn anew, so the plain facts have none."""
    from checker.rules.facts import LISTS, UNKNOWN, fields

    sys.path.insert(0, str(ROOT / "tests"))
    from test_truths import pool  # the values tests/test_truths.py draws each field from

    specs = fields()
    items = {f"{lst}.{f}" for lst, names in LISTS.items() for f in names}
    scalars = [name for name in specs if name not in items]
    policy, library = library_facts()
    rng = random.Random(seed)
    out, seen = [], set()
    while len(out) < n:
        edition, base = rng.choice(library)
        facts = json.loads(json.dumps(base))
        unset = [name for name in scalars if _get(facts, name) == UNKNOWN]
        for name in unset + rng.sample(scalars, 4):  # the unknown fields, and a few more, redrawn
            *parents, last = name.split(".")
            node = facts
            for part in parents:
                node = node[part]
            node[last] = rng.choice(pool(specs[name]))
        for lst, names in LISTS.items():
            facts[lst] = [{f: rng.choice(pool(specs[f"{lst}.{f}"])) for f in names}
                          for _ in range(rng.randint(0, 3))]
        key = json.dumps([edition, facts], sort_keys=True)
        if key in seen or re.search(r"\d[eE][-+]?\d", key):
            continue  # the host engine fails on a float json writes with an exponent (0.00001)
        seen.add(key)
        unknown = json.loads(json.dumps(facts))
        hidden = rng.sample(scalars, 3)  # three scalar fields unknown, and some item fields
        for name in hidden:
            *parents, last = name.split(".")
            node = unknown
            for part in parents:
                node = node[part]
            node[last] = UNKNOWN
        for lst in LISTS:
            for item in unknown[lst]:
                for f in item:
                    if rng.random() < 0.2:
                        item[f] = UNKNOWN
        out.append((edition, facts, unknown))
    return policy, out


def _get(facts: dict, name: str):
    node = facts
    for part in name.split("."):
        node = node[part]
    return node


def run_round(evaluate, work) -> tuple[float, float]:
    """(checks/s, 99th percentile latency in µs) over one pass of the work."""
    latencies = []
    clock = time.perf_counter
    started = clock()
    for edition, facts in work:
        t = clock()
        evaluate(edition, facts)
        latencies.append(clock() - t)
    total = clock() - started
    return len(work) / total, statistics.quantiles(latencies, n=100)[98] * 1e6


def throughput(counts: dict) -> None:
    from checker.rules.engine import RuleEngine

    policy, data = records(counts["records"])
    host = host_engine_class()(policy, memo_size=0)
    core = RuleEngine(policy, memo_size=0)
    plain = [(e, f) for e, f, _ in data]
    unknown = [(e, u) for e, _, u in data]
    runs = {"host": (host.fired, plain), "core": (core.truths, plain), "core, unknowns": (core.truths, unknown)}
    for evaluate, work in runs.values():  # warm: every edition compiled, in both forms
        run_round(evaluate, work[:200])
    rates: dict = {v: [] for v in VARIANTS}
    p99s: dict = {v: [] for v in VARIANTS}
    order = list(VARIANTS)
    for r in range(counts["rounds"]):
        for variant in order[r % 3:] + order[:r % 3]:
            rate, p99 = run_round(*runs[variant])
            rates[variant].append(rate)
            p99s[variant].append(p99)
    line("records", f"{len(data):,} distinct, {counts['rounds']} interleaved rounds, medians")
    for variant in VARIANTS:
        rate = statistics.median(rates[variant])
        line(f"engine: {variant}", f"{rate:,.0f} checks/s ({1e6 / rate:,.0f} us mean), "
             f"p99 {statistics.median(p99s[variant]):,.0f} us")
    line("ratio: core / host (no unknowns)",
         f"{statistics.median(rates['core']) / statistics.median(rates['host']):.2f}x")
    # the host engine knew rules only; the core also evaluates each power's components
    rules = {e.id: {r.id for r in e.rules} for e in policy.editions}
    agree = all(host.fired(e, f) == [c for c in core.fired(e, f) if c in rules[e]] for e, f in plain)
    line("host and core fire the same rules", f"{'yes' if agree else 'NO'} ({len(plain):,} records)")
    core_cycle(core, plain, unknown)
    core.close()


def core_cycle(core, plain, unknown) -> None:
    """durable's core alone: the CPU time of one assert, drain and retract
    (``checker.rules.engine._run``) on fact texts made beforehand, best of 5
    passes, for the plain and the dual form: the floor under any check that
    asks durable (docs/performance.md, "The split"). It reaches into the
    engine's internals to take the texts it would send."""
    from checker.rules import engine as eng
    from checker.rules.compile import DUAL, PLAIN, dumps, flat_fact

    for form, work in ((PLAIN, plain), (DUAL, unknown)):
        texts = []
        for edition, facts in work:
            core.truths(edition, facts)  # plans and creates the rulesets
            values, items, has_unknown, careful = core._readers[edition].read(facts)
            key = (edition, DUAL if has_unknown else PLAIN)
            for part, handle in zip(core._forms[key].plan.rulesets, core._created[key]):
                fact = flat_fact(part, key[1], values, items)
                fact["sid"], fact["id"] = eng._SID, eng._FACT_ID
                texts.append((handle, dumps(fact, careful)))
        best = math.inf
        for _ in range(5):
            started = time.thread_time()
            for handle, text in texts:
                eng._run(handle, text)
            best = min(best, (time.thread_time() - started) / len(texts))
        size = statistics.mean(len(text) for _, text in texts)
        line(f"durable's core alone, {form}", f"{best * 1e6:,.1f} us a run (CPU, best of 5; "
             f"{len(texts):,} fact texts of {size:,.0f} bytes)")


def resident_kb() -> int:
    for text in Path("/proc/self/status").read_text().splitlines():
        if text.startswith("VmRSS:"):
            return int(text.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory_child(variant: str, checks: int) -> None:
    """In a fresh process: ``checks`` checks over 5,000 distinct records."""
    from checker.rules.engine import RuleEngine

    policy, data = records(min(5_000, checks))
    if variant == "host":
        evaluate = host_engine_class()(policy).fired
        work = [(e, f) for e, f, _ in data]
    else:
        evaluate = RuleEngine(policy).truths
        # core: half the checks with unknowns, so both forms' sessions are used
        work = [(e, f if i % 2 else u) for i, (e, f, u) in enumerate(data)]
    for i in range(min(2_000, checks)):
        evaluate(*work[i % len(work)])
    before = resident_kb()
    started = time.perf_counter()
    for i in range(checks):
        evaluate(*work[i % len(work)])
    seconds = time.perf_counter() - started
    print(before, resident_kb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, f"{seconds:.2f}")


def memory(checks: int) -> None:
    for variant in ("host", "core"):
        proc = subprocess.run([sys.executable, __file__, "--memory-child", variant, str(checks)], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        before, after, peak, seconds = proc.stdout.split()
        what = "plain and unknowns alternately" if variant == "core" else "plain"
        line(f"memory: {variant}, {checks:,} checks", f"{int(before) / 1024:.1f} MB after warm-up, "
             f"{int(after) / 1024:.1f} MB at the end ({(int(after) - int(before)) / 1024:+.1f} MB), "
             f"peak {int(peak) / 1024:.1f} MB, {float(seconds):.1f} s ({what})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small counts: every line, quickly")
    parser.add_argument("--memory-child", nargs=2, metavar=("VARIANT", "CHECKS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child[0], int(args.memory_child[1]))
        return
    counts = SMOKE if args.smoke else FULL
    throughput(counts)
    memory(counts["memory_checks"])


if __name__ == "__main__":
    main()
