"""Verifying an edition: every scheme that matters gets exactly one outcome.

For each edition the fact space (``checker.explore.factspace``) is enumerated
as a covering design, and every scheme in it goes through the real checker
(``Checker.check_scheme``: validation, facts per act, the engine's truths,
the verdict, and for unknown facts the split). The schemes are:

1. for each power, the full product of the values of every dimension its
   components read (its holder, instrument and targets narrowed to the
   values it names, one other and the fact not known); over ``CAP`` schemes,
   lists of 0 or 1 item; still over ``CAP``, a pairwise covering array;
2. for each rule, likewise (lists of 0 to 2 items for the lists it
   quantifies over);
3. for each pair of powers that can reach the same act, and each pair of a
   prohibition or refusal with a power or another of them, the product of
   what either reads (lists of 0 or 1 item), or a pairwise covering array
   over ``PAIR_CAP``;
4. a pairwise covering array of every dimension of the edition.

A scheme fails if the checker raises, or if its result is not exactly one
outcome: a verdict consistent with the powers used, the rules that fired,
the approvals and the steps; or ``undetermined`` with branches, each of whose
outcome the checker gives again when the branch's facts are filled in
(``_problems``). docs/trust.md describes this for readers.
"""
from __future__ import annotations

import itertools
import time
from collections import Counter
from dataclasses import dataclass, field

from ..diagnostics import InputError
from ..evaluate.result import OUTCOMES, Result
from ..evaluate.unknowns import acts_of, fill
from ..evaluate.verdict import DECISIVE, EFFECTS, VERDICTS
from ..explore.factspace import FactSpace, pairwise
from ..rules.conditions import quantifiers

CAP = 5_000  # most schemes one power's or rule's product may have before lists are cut to 0..1 items
PAIR_CAP = 1_000  # most schemes a pair's product may have before a pairwise array replaces it
UNKNOWNS = 2  # most facts a product leaves unknown in one scheme (a pairwise array: any number)
#: Input errors the fact space may make on purpose: a body on a day it did not exist.
SKIPPED = {"scheme.body_not_in_existence", "scheme.end_before_start"}


@dataclass
class Overlap:
    """Two decisive things that applied to the same act of one scheme (two
    powers reaching it, or a prohibition or refusal beside a power or
    another of them), and which of them decided."""

    first: str
    second: str
    kinds: tuple[str, str]  # 'power', 'ultra_vires' or 'refused'
    schemes: int = 0
    decided: Counter[str] = field(default_factory=Counter)


@dataclass
class EditionReport:
    """What verifying one edition found: schemes, outcomes, what never decided, overlaps, failures."""

    edition: str
    schemes: int = 0
    seconds: float = 0.0
    verdicts: Counter[str] = field(default_factory=Counter)
    never_used: list[str] = field(default_factory=list)  # powers no scheme rested on
    never_fired: list[str] = field(default_factory=list)  # rules no scheme fired
    never_decisive: list[str] = field(default_factory=list)  # powers and decisive rules that decided nothing
    overlaps: list[Overlap] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)
    design: dict[str, int] = field(default_factory=dict)


def choices(space: FactSpace, cap: int = CAP):
    """The covering design of an edition: (kind of set, choice) pairs, deduplicated."""
    seen = set()

    def unique(kind, found):
        for choice in found:
            key = tuple(choice.get(n, 0) for n in space.order)
            if key not in seen:
                seen.add(key)
                yield kind, choice

    for power in space.powers:
        yield from unique("power", power_design(space, power, cap))
    for rule in space.edition.rules:
        yield from unique("rule", rule_design(space, rule, cap))
    for a, b in decisive_pairs(space):
        yield from unique("pair", pair_design(space, a, b))
    yield from unique("pairwise", pairwise(space, space.order))


def power_design(space: FactSpace, power, cap: int = CAP):
    """The choices that exercise one power (set 1): every combination of the
    values its holder, instrument, target and ``when`` read; with the first
    holder, instrument and target it names, every combination of the values
    its limits, steps and approvals read; and a pairwise array over both."""
    focus = space.focus(power)
    reach = ("maker", "change.instrument", "change.targets")
    when = space.condition_reads(power.when)
    parts = [d for d in space.reads[power.id] if d not in reach]
    yield from _bounded(space, reach + when, cap, focus, set())
    first = {name: (indices[0],) for name, indices in focus.items()}
    yield from ({**choice, **{n: i[0] for n, i in first.items()}}
                for choice in _bounded(space, parts, cap, None, set()))
    yield from pairwise(space, space.reads[power.id], True, focus)


def rule_design(space: FactSpace, rule, cap: int = CAP):
    """Every choice of the values one rule's condition distinguishes (set 2)."""
    quantified = {name for name, _ in quantifiers(rule.when)}
    return _bounded(space, space.reads[rule.id], cap, None, quantified)


def decisive_pairs(space: FactSpace):
    """The pairs of set 3: powers that can reach the same act, and each
    prohibition or refusal with every power and with each other."""
    powers = space.powers
    for a, b in itertools.combinations(powers, 2):
        if set(a.holder_kinds) & set(b.holder_kinds) and set(a.instruments) & set(b.instruments) \
                and set(a.targets) & set(b.targets):
            yield a, b
    rules = [r for r in space.edition.rules if r.effect in DECISIVE]
    for rule in rules:
        for power in powers:
            yield rule, power
    yield from itertools.combinations(rules, 2)


def pair_design(space: FactSpace, a, b):
    """Every choice of the values two decisive things distinguish (set 3)."""
    names = list(dict.fromkeys(space.reads[a.id] + space.reads[b.id]))
    focus: dict[str, tuple[int, ...]] = {}
    for item in (a, b):
        if item.id in {p.id for p in space.powers}:
            for name, indices in space.focus(item).items():
                focus[name] = tuple(dict.fromkeys(focus.get(name, ()) + indices))
    return _bounded(space, names, PAIR_CAP, focus, set(), short=True)


def _bounded(space, names, cap, focus, quantified, short=False):
    """The product of the values (lists of 0 to 2 items only where quantified,
    at most ``UNKNOWNS`` facts not known in one scheme), else with short
    lists, else a pairwise covering array."""
    for shorter in (short, True):
        mixed = {n: (focus or {}).get(n) or space.dimensions[n].indices(shorter or n not in quantified)
                 for n in names if n in space.dimensions}
        found = list(itertools.islice(_product(space, mixed), cap + 1))
        if len(found) <= cap:
            return found
    return pairwise(space, names, True, focus)


def _product(space, ranges: dict):
    """Every choice over the ranges with at most ``UNKNOWNS`` unknown values."""
    unknown = {n: set(space.dimensions[n].unknown) for n in ranges}
    for combo in itertools.product(*ranges.values()):
        if sum(v in unknown[n] for n, v in zip(ranges, combo)) <= UNKNOWNS:
            yield dict(zip(ranges, combo))


def verify_edition(checker, edition, lifespans) -> EditionReport:
    """Check every scheme of the edition's covering design through ``checker``."""
    started = time.perf_counter()
    space = FactSpace(edition, lifespans)
    report = EditionReport(edition.id)
    used: set[str] = set()
    fired_ever: set[str] = set()
    decisive: set[str] = set()
    overlaps: dict = {}
    design: Counter[str] = Counter()
    for kind, choice in choices(space):
        data = space.scheme(choice)
        try:
            scheme = checker.from_data(data, "<verify>")
        except InputError as err:
            codes = {d.code for d in err.diagnostics}
            if codes <= SKIPPED:
                design["not valid input (a body that did not exist), skipped"] += 1
            else:
                report.failures.append({"scheme": space.describe(choice),
                                        "problem": "the fact space built bad input: " + ", ".join(sorted(codes))})
            continue
        design[kind] += 1
        report.schemes += 1
        try:
            result = checker.check_scheme(scheme)
            acts = acts_of(scheme.data, lambda facts: checker.engine.truths(edition.id, facts))
            problems = _problems(checker, edition, scheme.data, acts, result)
        except Exception as err:  # any failure here is a bug to report, not to hide
            report.failures.append({"scheme": space.describe(choice), "problem": f"{type(err).__name__}: {err}"})
            continue
        if problems:
            report.failures.append({"scheme": space.describe(choice), "problem": "; ".join(problems)})
        report.verdicts[result.verdict] += 1
        fired_ever.update(r.id for r in edition.rules if any(t.get(r.id) is True for _, t in acts))
        for outcome in _outcomes(result):
            used.update(outcome[2])
            decisive.update(outcome[1])
            decisive.update(outcome[2])
        if result.verdict in VERDICTS:
            _count_overlaps(edition, acts, result, overlaps)
    report.design = dict(sorted(design.items()))
    report.never_used = [p.id for p in edition.powers if p.id not in used]
    report.never_fired = [r.id for r in edition.rules if r.id not in fired_ever]
    report.never_decisive = [x.id for x in list(edition.powers) + [r for r in edition.rules if r.effect in DECISIVE]
                             if x.id not in decisive and not any(d.startswith(x.id + "/") for d in decisive)]
    report.overlaps = [overlaps[k] for k in sorted(overlaps)]
    report.seconds = time.perf_counter() - started
    return report


def _outcomes(result: Result):
    """(verdict, decided_by, powers used) of a result, or of each of its branches."""
    if result.undetermined is None:
        return [(result.verdict, tuple(result.decided_by), tuple(p.power for p in result.powers_used))]
    return [(b.verdict, b.decided_by, b.powers_used) for b in result.undetermined.branches]


def _candidates(edition, truths) -> list[str]:
    return [p.id for p in edition.powers
            if all(truths.get(f"{p.id}#{c}", True) is True for c in ("holder", "instrument", "target", "when"))]


def _count_overlaps(edition, acts, result: Result, overlaps: dict) -> None:
    """Count the decisive things that applied together to one act, and which
    decided: for a power, whether the act rests on it; for a rule, whether it
    is among ``decided_by``."""
    used = {p.target: p.power for p in result.powers_used}
    for target, truths in acts:
        present = [(p, "power") for p in _candidates(edition, truths)]
        present += [(r.id, r.effect) for r in edition.rules if r.effect in DECISIVE and truths.get(r.id) is True]
        for (a, ka), (b, kb) in itertools.combinations(present, 2):
            overlap = overlaps.get((a, b))
            if overlap is None:
                overlap = overlaps[(a, b)] = Overlap(a, b, (ka, kb))
            overlap.schemes += 1
            who = [x for x, k in ((a, ka), (b, kb))
                   if (used.get(target) == x if k == "power" else x in result.decided_by)]
            overlap.decided[" and ".join(who) if who else "something else"] += 1


def _problems(checker, edition, data: dict, acts, result: Result) -> list[str]:
    """What is wrong with a result, if anything (docs/policy-format.md, "The verdict")."""
    if result.verdict not in OUTCOMES:
        return [f"'{result.verdict}' is not one of {', '.join(OUTCOMES)}"]
    if result.undetermined is not None:
        return _undetermined_problems(checker, data, result)
    out = []
    targets = list(dict.fromkeys(data["change"]["targets"]))
    fired = [r for r in edition.rules if any(t.get(r.id) is True for _, t in acts)]
    kinds = {r.effect for r in fired}
    ids = {p.id for p in edition.powers} | {x.id for p in edition.powers for x in p.limits + p.steps + p.approvals}
    ids |= {r.id for r in fired if r.effect in DECISIVE} | {f"no-power:{t}" for t in targets}
    if not result.decided_by:
        out.append(f"verdict {result.verdict} names nothing that decided it")
    if not set(result.decided_by) <= ids:
        out.append("decided by something that is not a power, a part of one, a rule that fired or a missing power")
    used = [p.power for p in result.powers_used]
    rule_findings = [r.id for effect in EFFECTS for r in fired if r.effect == effect]
    if result.finding_ids() != list(dict.fromkeys(used)) + rule_findings:
        out.append("the findings are not the powers used and the rules that fired")
    if ("ultra_vires" in kinds or bool(result.missing_powers)) != (result.verdict == "ultra_vires"):
        out.append("a prohibition fired or an act is uncovered, but the verdict is not ultra_vires, or the reverse")
    if result.verdict == "ultra_vires":
        if used or result.approvals_needed or result.steps_needed:
            out.append("ultra vires, yet it names a power used, approvals or steps")
        return out
    if [p.target for p in result.powers_used] != targets:
        out.append("not every act names the power it rests on")
    if "refused" in kinds and result.verdict != "refused":
        out.append("a refusal rule fired but the verdict is not refused")
    if result.verdict == "valid":
        if result.approvals_needed or result.steps_needed or result.decided_by != list(dict.fromkeys(used)):
            out.append("valid, yet approvals or steps are missing, or it is not decided by the powers used")
    if result.verdict == "pending" and not (result.approvals_needed or result.steps_needed):
        out.append("pending, yet no approval or step is missing")
    if result.verdict == "refused" and "refused" not in kinds and \
            not any(a.status == "refused" for a in result.approvals_needed):
        out.append("refused, yet no refusal rule fired and no approval was refused")
    return out


def _undetermined_problems(checker, data: dict, result: Result) -> list[str]:
    """An undetermined answer must list branches whose facts, filled in, give
    the branch's outcome again, and not all the same outcome."""
    found = result.undetermined
    assert found is not None
    out = []
    verdicts = {b.verdict for b in found.branches}
    if not found.ask or not found.branches:
        out.append("undetermined, yet nothing to find out")
    if list(found.possible_verdicts) != [v for v in VERDICTS if v in verdicts]:
        out.append("the possible verdicts are not those of the branches")
    outcomes = set()
    for branch in found.branches:
        if not branch.given:
            out.append("a branch gives no fact")
            continue
        filled = data
        for given in branch.given:
            path = tuple(int(p) if p.isdigit() else p for p in given.fact.split("."))
            filled = fill(filled, path, given.values[0])
        again = checker.check_scheme(checker.from_data(filled, "<verify>"))
        used = tuple(dict.fromkeys(p.power for p in again.powers_used))
        if (again.verdict, tuple(again.decided_by), used) != (branch.verdict, branch.decided_by, branch.powers_used):
            out.append(f"the branch {', '.join(g.fact for g in branch.given)} says {branch.verdict}, "
                       f"but filling its facts in gives {again.verdict}")
        outcomes.add((again.verdict, tuple(again.decided_by), used, tuple(a.rule for a in again.approvals_needed),
                      tuple(a.rule for a in again.approvals_given), tuple(x.rule for x in again.steps_needed)))
    if found.complete and len(outcomes) < 2:
        out.append("undetermined, yet every branch has the same outcome")
    return out


def verify_policy(policy, edition_id=None, jobs=None):
    """Reports for every edition (or the one named), in policy order. Editions
    are verified in parallel processes, one checker each (``jobs``: default,
    one per CPU)."""
    import multiprocessing
    import os
    import signal
    import threading
    from concurrent.futures import ProcessPoolExecutor

    editions = [e.id for e in policy.editions if edition_id in (None, e.id)]
    jobs = min(jobs or os.cpu_count() or 1, len(editions))
    if jobs <= 1:
        return [_verify_one(policy.directory, e) for e in editions]
    # the largest editions first, so that the processes finish together
    ordered = sorted(editions, key=lambda e: -len(policy.edition(e).powers) - len(policy.edition(e).rules))
    previous = threading.excepthook
    threading.excepthook = _quiet_pool_manager(previous)
    masked = hasattr(signal, "pthread_sigmask")
    try:
        with ProcessPoolExecutor(jobs, initializer=_quiet_on_interrupt) as pool:
            try:
                if masked:  # the workers start (on the first submit) with SIGINT blocked: _quiet_on_interrupt
                    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
                try:
                    results = pool.map(_verify_one, [policy.directory] * len(ordered), ordered)
                finally:
                    if masked:
                        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
                done = dict(zip(ordered, results))
            except BaseException:  # Ctrl-C, or a worker's error: no worker outlives the pool
                workers = multiprocessing.active_children()
                for worker in workers:
                    worker.kill()
                for worker in workers:  # (SIGKILL: each ends at once)
                    worker.join()
                raise
    finally:  # (leaving the pool joined its manager thread)
        threading.excepthook = previous
    return [done[e] for e in editions]


def _quiet_pool_manager(previous):
    """A thread exception hook that drops one error of Python 3.11's process
    pool: after Ctrl-C the interrupted map cancels the waiting futures, the
    workers exit (``_quiet_on_interrupt``), and the pool's manager thread then
    tries to fail a future already cancelled and prints InvalidStateError's
    traceback under 'vires: interrupted'. Anything else goes to ``previous``.

    That error also ends the manager thread before it terminates the workers
    still alive: one blocked on a queue lock that an exiting worker held
    would be joined for ever when the process exits (a `vires verify` hung
    so after Ctrl-C, once, in CI). So ``verify_policy`` kills every worker
    itself when the map is interrupted or fails."""
    from concurrent.futures import InvalidStateError

    def hook(args):
        if not isinstance(args.exc_value, InvalidStateError):
            previous(args)

    return hook


def _quiet_on_interrupt() -> None:
    """In a worker process: Ctrl-C ends it at once and silently (the parent
    process says 'interrupted'), instead of a traceback per worker. A worker
    starts with SIGINT blocked, so that it never runs the parent's handler
    before this one is set; a Ctrl-C pressed meanwhile arrives here."""
    import os
    import signal

    signal.signal(signal.SIGINT, lambda signum, frame: os._exit(130))
    if hasattr(signal, "pthread_sigmask"):  # blocked while the worker started (verify_policy): now safe
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _verify_one(directory, edition_id):
    from ..evaluate.checker import Checker
    from ..rules.policy import load_policy

    policy = load_policy(directory)
    checker = Checker(policy)
    try:
        return verify_edition(checker, policy.edition(edition_id), policy.lifespans)
    finally:
        checker.engine.close()  # frees durable's rulesets

