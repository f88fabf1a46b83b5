"""`vires verify --prove`: what a solver proves of each edition, over every scheme.

``prove_policy`` asks ``checker.trust.prover`` its questions about every
edition of a policy, compares the solver's verdict with the engine's for
every case file an edition checks, and checks that each day of a
jurisdiction meets exactly one edition (``periods``). The result, a
``ProofReport``, is data; ``checker.reporters.prove`` words it.
docs/proof.md says what each property guarantees.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..dates import day_before, is_open, next_day
from ..diagnostics import display_path
from ..rules.policy import Edition, Policy
from .proof import CaseCheck, EditionProof, Property, Witness
from .prover import EditionProver, slug

#: Every list a random or case scheme may fill has at least this many slots.
CASE_SLOTS = {"requested_by": 4, "parties": 4, "decisions": 6, "objections": 4}


@dataclass
class ProofReport:
    """The proof of a policy: each edition's, and whether each date meets exactly one edition."""

    policy: str
    editions: list[EditionProof]
    periods: list[Property] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failures(self) -> int:
        """How many properties fail in all."""
        return sum(e.failures for e in self.editions) + sum(not p.holds for p in self.periods)


def periods(policy: Policy) -> list[Property]:
    """Each jurisdiction's dates, from its first edition's start, meet exactly one
    edition: a counterexample is a scheme dated in two editions or in none."""
    out = []
    by_place: dict[str, list[Edition]] = {}
    for e in policy.editions:
        by_place.setdefault(e.jurisdiction, []).append(e)
    for place, editions in sorted(by_place.items()):
        editions.sort(key=lambda e: e.start)
        for a, b in zip(editions, editions[1:]):
            if b.start <= a.end:
                day = b.start
                detail = f"{day} is in {a.id} and in {b.id}"
            elif not is_open(a.end) and b.start > next_day(a.end):
                day = next_day(a.end)
                detail = f"no edition covers {day} to {day_before(b.start)}"
            else:
                continue
            scheme = {"id": slug(f"prove-{place}-{day}"), "title": f"A scheme dated {day}",
                      "jurisdiction": place, "date": day, "change": {"targets": ["other"]}}
            out.append(Property(f"one_edition:{place}", False, Witness(scheme, "", ()), detail))
        if not any(p.name == f"one_edition:{place}" for p in out):
            out.append(Property(f"one_edition:{place}", True))
    return out


def case_checks(policy: Policy, provers: dict[str, EditionProver], folder: Path) -> dict[str, list[CaseCheck]]:
    """For each case file in ``folder`` that an edition of the policy checks: the engine's
    answer beside the solver's, by edition."""
    from ..diagnostics import InputError
    from ..evaluate.checker import Checker

    out: dict[str, list[CaseCheck]] = {}
    if not folder.is_dir():
        return out
    checker = Checker(policy)
    for path in sorted(folder.glob("*.yaml")):
        try:
            scheme = checker.load(path)
            result = checker.check_scheme(scheme)
        except InputError:
            continue  # not a scheme this policy checks (another policy's case, or bad input)
        prover = provers.get(result.edition)
        if prover is None:
            continue
        judged = prover.judge(scheme.data)
        if result.undetermined is not None:
            engine = tuple(result.undetermined.possible_verdicts)
            complete = result.undetermined.complete
            agrees = set(engine) == set(judged.verdicts) if complete else set(engine) <= set(judged.verdicts)
        else:
            engine = (result.verdict,)
            agrees = judged.verdicts == engine and judged.decided_by == frozenset(result.decided_by)
        out.setdefault(result.edition, []).append(CaseCheck(
            path.as_posix(), engine, judged.verdicts, tuple(result.decided_by),
            tuple(sorted(judged.decided_by or ())), agrees))
    return out


def case_slots(policy: Policy, folder: Path) -> dict[str, dict[str, int]]:
    """The most items each list has in any case file, by the edition that checks it."""
    from ..load.scheme import load_scheme

    out: dict[str, dict[str, int]] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.yaml")):
        scheme, problems = load_scheme(path, policy.lifespans)
        if scheme is None:
            continue
        edition = policy.edition_for(scheme.data["jurisdiction"], scheme.data["date"])
        if edition is None:
            continue
        need = out.setdefault(edition.id, {})
        for name in CASE_SLOTS:
            need[name] = max(need.get(name, 0), len(scheme.data.get(name, [])))
    return out


def prove_policy(policy: Policy, edition_id: str | None = None, cases: Path | None = Path("cases")) -> ProofReport:
    """The proof of every edition of the policy (or of the one named), with the
    case files of ``cases`` compared engine against solver."""
    started = time.perf_counter()
    editions = [e for e in policy.editions if edition_id in (None, e.id)]
    needs = case_slots(policy, cases) if cases is not None else {}
    provers = {e.id: EditionProver(e, policy.lifespans, needs.get(e.id)) for e in editions}
    proofs = [provers[e.id].prove() for e in editions]
    checks = case_checks(policy, provers, cases) if cases is not None else {}
    for proof in proofs:
        proof.cases = checks.get(proof.edition, [])
    _settle_shared(proofs)
    report = ProofReport(display_path(policy.directory), proofs, periods(policy) if edition_id is None else [])
    report.seconds = time.perf_counter() - started
    return report


def _settle_shared(proofs: list[EditionProof]) -> None:
    """A power or rule shared by several editions is dead only if it is dead in all of them."""
    live: dict[str, list[str]] = {}
    for proof in proofs:
        for gid in proof.live:
            live.setdefault(gid, []).append(proof.edition)
    for proof in proofs:
        for dead in proof.dead:
            dead.elsewhere = tuple(live.get(dead.id, ()))
