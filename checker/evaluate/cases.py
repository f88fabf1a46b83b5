"""Running the case library as regression tests.

``run_case`` checks a case's scheme (``checker.load.casefile``) and compares
the result with its ``expect``; an **outcome** says whether the case passed
and, if not, how the result differs. ``coverage`` names the policy rules
that no passing case asserts.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, InputError
from ..load.casefile import Case, case_files, load_case
from .result import Result


@dataclass
class Outcome:
    """How one case fared: the result, and each way it differs from ``expect``."""

    case: Case
    result: Result
    failures: list[tuple[str, object, object]] = field(default_factory=list)  # (what, expected, got)

    @property
    def passed(self) -> bool:
        """Whether the case gave what it expects."""
        return not self.failures

    def asserted_rules(self) -> set:
        """Powers and rules this case shows deciding or firing: expected and found
        (a part of a power, 'power/limit', counts for its power)."""
        expected = set(self.case.expect.get("findings", [])) | set(self.case.expect["decided_by"])
        found = set(self.result.finding_ids()) | set(self.result.decided_by)
        return {x.split("/")[0] for x in expected & found}


def run_case(checker, case: Case) -> Outcome:
    """Check the case's scheme and compare the result with its expectation."""
    result = checker.check_scheme(case.scheme)
    expect, failures = case.expect, []
    if result.verdict != expect["verdict"]:
        failures.append(("verdict", expect["verdict"], result.verdict))
    edition = checker.policy.edition(result.edition)
    if sorted(expect["decided_by"]) != sorted(result.decided_by):
        failures.append(("decided by", sorted(expect["decided_by"]), sorted(result.decided_by)))
    missing = [r for r in expect.get("findings", []) if r not in result.finding_ids()]
    if missing:
        notes = [r if any(x.id == r for x in edition.rules + edition.powers) else
                 f"{r} (not a power or rule of {edition.id})" for r in missing]
        failures.append(("missing findings", notes, []))
    undetermined = result.undetermined
    for key in ("ask", "possible_verdicts"):
        if key in expect:
            got = list(getattr(undetermined, key)) if undetermined else []
            if list(expect[key]) != got:
                failures.append((key.replace("_", " "), list(expect[key]), got))
    if "approvals_needed" in expect:
        want = sorted(expect["approvals_needed"])
        got = sorted(a.body for a in result.approvals_needed)
        if want != got:
            failures.append(("approvals needed", want, got))
    return Outcome(case, result, failures)


def run_cases(checker, paths) -> tuple[list[Outcome], list[Diagnostic]]:
    """Load every case under ``paths``, then run them. With any bad input,
    return only the diagnostics: a half-run library proves nothing."""
    files, problems = case_files(paths)
    cases = []
    for path in files:
        try:
            cases.append(load_case(checker, path))
        except InputError as err:
            problems += err.diagnostics
    seen: dict[str, str] = {}
    for case in cases:
        if case.id in seen:
            problems.append(case.scheme.doc.diagnostic(
                "case.duplicate_id", f"case id '{case.id}' is also used by {seen[case.id]}",
                ("id",), "give each case its own id (the file name without .yaml)"))
        seen[case.id] = case.file
    if problems:
        return [], problems
    outcomes = []
    for case in cases:
        try:
            outcomes.append(run_case(checker, case))
        except InputError as err:
            problems += err.diagnostics
    return ([], problems) if problems else (outcomes, [])


@dataclass(frozen=True)
class Uncovered:
    """A policy rule that no passing case asserts, and where it is written."""

    rule: str
    statement: str
    file: str
    line: int
    editions: tuple[str, ...]


def coverage(policy, outcomes: list[Outcome]) -> list[Uncovered]:
    """Every power and rule (own or included, in any edition) that no case
    asserts: it counts as covered when a case expects it (or a part of it) to
    decide or to be found, and it did."""
    covered = set().union(*(o.asserted_rules() for o in outcomes)) if outcomes else set()
    rules: dict = {}
    for edition in policy.editions:
        for rule in edition.powers + edition.rules:
            rules.setdefault(rule.id, (rule, []))[1].append(edition.id)
    return [Uncovered(rid, rule.statement, rule.file, rule.line, tuple(eds))
            for rid, (rule, eds) in sorted(rules.items()) if rid not in covered]
