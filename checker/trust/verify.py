"""Verifying an edition: every scheme that matters gets exactly one verdict.

For each edition the fact space (``checker.explore.factspace``) is enumerated as a
covering design, and every scheme in it goes through the real checker path
(facts -> ``RuleEngine.fired`` -> ``verdict.decide``). The schemes are:

1. for each rule, the full product of the values of every dimension it tests
   (lists of 0 to 2 items for the lists it quantifies over, 0 or 1 item for
   the rest); over ``CAP`` schemes, lists of 0 or 1 item; still over ``CAP``,
   a pairwise covering array of those dimensions;
2. for each pair of rules that can change the verdict (ultra_vires, refused,
   approval_required), the full product of the dimensions either tests
   (lists of 0 or 1 item), or a pairwise covering array over ``CAP``;
3. a pairwise covering array of every dimension of the edition.

A scheme fails if the engine raises, or if the result is not exactly one
verdict consistent with the findings (see ``_problems``). docs/trust.md
describes this for readers.
"""
from __future__ import annotations

import itertools
import time
from collections import Counter
from dataclasses import dataclass, field

from ..evaluate.result import VERDICTS
from ..evaluate.verdict import DECISIVE, decide
from ..explore.factspace import FactSpace, pairwise
from ..rules.conditions import quantifiers
from ..rules.facts import LISTS, scheme_facts

CAP = 5_000  # most schemes a single rule's product may have before lists are cut to 0..1 items
PAIR_CAP = 2_000  # most schemes a pair's product may have before a pairwise array replaces it


@dataclass
class Overlap:
    """Two verdict rules that fired for the same scheme, and who decided.

    How precedence settles them follows from their ``effects``: a stronger
    effect decides (``checker.evaluate.verdict.PRECEDENCE``); two rules
    requiring the ``same_approval`` are one approval, reported by the first;
    otherwise both decide."""

    first: str
    second: str
    effects: tuple[str, str]
    same_approval: str | None = None
    schemes: int = 0
    decided: Counter[str] = field(default_factory=Counter)


@dataclass
class EditionReport:
    """What verifying one edition found: schemes, verdicts, overlaps, failures."""

    edition: str
    schemes: int = 0
    seconds: float = 0.0
    verdicts: Counter[str] = field(default_factory=Counter)
    never_fired: list[str] = field(default_factory=list)
    never_decisive: list[str] = field(default_factory=list)
    overlaps: list[Overlap] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)
    design: dict[str, int] = field(default_factory=dict)


def choices(space: FactSpace, cap: int = CAP):
    """The covering design of an edition: (kind of set, choice) pairs, deduplicated."""
    seen = set()
    order = list(space.dimensions)
    rules = space.edition.rules

    def unique(kind, found):
        for choice in found:
            key = tuple(choice.get(n, 0) for n in order)
            if key not in seen:
                seen.add(key)
                yield kind, choice

    for rule in rules:
        yield from unique("rule", rule_design(space, rule))
    verdict_rules = [r for r in rules if r.effect in DECISIVE]
    for a, b in itertools.combinations(verdict_rules, 2):
        yield from unique("pair", pair_design(space, a, b))
    yield from unique("pairwise", pairwise(space, order))


def rule_design(space: FactSpace, rule, firing_only=False):
    """Every choice of the values one rule's conditions distinguish (set 1);
    with ``firing_only``, without the decisions that only settle its approval."""
    names = (space.condition_dims if firing_only else space.rule_dims)[rule.id]
    quantified = {d for d in names if d in LISTS and d in {name for name, _ in quantifiers(rule.when)}}
    full = _mixed_product(space, names, quantified)
    return _bounded(space, names) if full is None else full


def pair_design(space: FactSpace, a, b):
    """Every choice of the values two rules distinguish (set 2)."""
    return _bounded(space, list(dict.fromkeys(space.rule_dims[a.id] + space.rule_dims[b.id])),
                    PAIR_CAP)


def _bounded(space, names, cap=None):
    if space.size(names, short=True) <= (cap or CAP):
        return space.product(names, short=True)
    return pairwise(space, names)


def _mixed_product(space, names, quantified):
    dims = [space.dimensions[n] for n in names]
    ranges = [d.indices(short=d.name not in quantified) for d in dims]
    total = 1
    for r in ranges:
        total *= len(r)
    if total > CAP:
        return None
    return (dict(zip(names, combo)) for combo in itertools.product(*ranges))


def verify_edition(engine, edition, lifespans) -> EditionReport:
    """Check every scheme of the edition's covering design."""
    started = time.perf_counter()
    space = FactSpace(edition, lifespans)
    report = EditionReport(edition.id)
    effects = {r.id: r.effect for r in edition.rules}
    fired_ever, decisive = set(), set()
    overlaps: dict = {}
    design: Counter[str] = Counter()
    for kind, choice in choices(space):
        data = space.scheme(choice)
        if not space.valid(data):
            design["not valid input (a body that did not exist), skipped"] += 1
            continue
        design[kind] += 1
        report.schemes += 1
        try:
            fired = engine.fired(edition.id, scheme_facts(data))
            result = decide(edition, fired, data)
        except Exception as err:  # any failure here is a bug to report, not to hide
            report.failures.append({"scheme": space.describe(choice),
                                    "problem": f"{type(err).__name__}: {err}"})
            continue
        problems = _problems(result, fired, effects)
        if problems:
            report.failures.append({"scheme": space.describe(choice), "problem": "; ".join(problems)})
        report.verdicts[result.verdict] += 1
        fired_ever.update(fired)
        decisive.update(result.decided_by)
        verdict_fired = [r for r in fired if effects[r] in DECISIVE]
        for a, b in itertools.combinations(verdict_fired, 2):
            overlap = overlaps.get((a, b))
            if overlap is None:
                overlap = overlaps[(a, b)] = _overlap(edition, a, b)
            overlap.schemes += 1
            who = [r for r in (a, b) if r in result.decided_by]
            overlap.decided[" and ".join(who) if who else "another rule"] += 1
    report.design = dict(sorted(design.items()))
    report.never_fired = [r.id for r in edition.rules if r.id not in fired_ever]
    report.never_decisive = [r.id for r in edition.rules
                             if r.effect in DECISIVE and r.id not in decisive]
    report.overlaps = [overlaps[k] for k in sorted(overlaps)]
    report.seconds = time.perf_counter() - started
    return report


def _overlap(edition, a, b) -> Overlap:
    ra, rb = edition.rule(a), edition.rule(b)
    same = ra.body if ra.effect == rb.effect == "approval_required" and ra.body == rb.body else None
    return Overlap(a, b, (ra.effect, rb.effect), same)


def _problems(result, fired, effects) -> list[str]:
    """What is wrong with a result, if anything: exactly one verdict, named by
    the rules that fired, in the documented precedence (docs/policy-format.md)."""
    out = []
    kinds = {effects[r] for r in fired}
    if result.verdict not in VERDICTS:
        out.append(f"verdict '{result.verdict}' is not one of {', '.join(VERDICTS)}")
    if set(result.finding_ids()) != set(fired) or len(result.findings) != len(fired):
        out.append("the findings are not the rules that fired")
    if not set(result.decided_by) <= set(fired):
        out.append("a rule that did not fire decided the verdict")
    if ("ultra_vires" in kinds) != (result.verdict == "ultra_vires"):
        out.append("an ultra_vires rule fired but the verdict is not ultra_vires, or the reverse")
    if result.verdict != "valid" and not result.decided_by:
        out.append(f"verdict {result.verdict} names no rule that decided it")
    if result.verdict == "valid" and kinds & {"refused"}:
        out.append("a refused rule fired but the verdict is valid")
    return out


def verify_policy(policy, edition_id=None, jobs=None):
    """Reports for every edition (or the one named), in policy order. Editions
    are verified in parallel processes, one engine each (``jobs``: default,
    one per CPU)."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    editions = [e.id for e in policy.editions if edition_id in (None, e.id)]
    jobs = min(jobs or os.cpu_count() or 1, len(editions))
    if jobs <= 1:
        return [_verify_one(policy.directory, e) for e in editions]
    # the largest editions first, so that the processes finish together
    ordered = sorted(editions, key=lambda e: -len(policy.edition(e).rules))
    with ProcessPoolExecutor(jobs) as pool:
        done = dict(zip(ordered, pool.map(_verify_one, [policy.directory] * len(ordered), ordered)))
    return [done[e] for e in editions]


def _verify_one(directory, edition_id):
    from ..rules.engine import RuleEngine  # durable is loaded only when verifying
    from ..rules.policy import load_policy

    policy = load_policy(directory)
    with RuleEngine(policy) as engine:  # closing frees durable's rulesets
        return verify_edition(engine, policy.edition(edition_id), policy.lifespans)
