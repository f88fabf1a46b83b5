"""The case library: schemes with a known outcome, run as regression tests.

A **case** is a scheme file plus the keys of ``case.schema.json``: ``expect``
(the verdict, the rule ids that must be among the findings and, where it
matters, the approvals still needed), ``sources``, ``assumptions``,
``summary`` and, for a constructed case, ``hypothetical`` and ``question``.
``run_case`` checks the scheme and compares; an **outcome** says whether
the case passed and, if not, how the result differs. ``coverage`` names the
policy rules that no passing case asserts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, InputError, did_you_mean
from .facts import fields
from .provenance import check_quote_lengths
from .result import Result
from .scheme import Scheme
from .validate import validate_document


@dataclass
class Case:
    scheme: Scheme
    expect: dict
    summary: str
    sources: list
    assumptions: list
    hypothetical: bool = False
    question: str = ""

    @property
    def id(self) -> str:
        return self.scheme.id

    @property
    def file(self) -> str:
        return self.scheme.file


@dataclass
class Outcome:
    """How one case fared: the result, and each way it differs from ``expect``."""

    case: Case
    result: Result
    failures: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def asserted_rules(self) -> set:
        """Rules this case shows firing: expected and found."""
        return set(self.case.expect["findings"]) & set(self.result.finding_ids())


def case_files(paths) -> tuple[list[Path], list[Diagnostic]]:
    """The .yaml files named, or found (sorted) under the folders named."""
    files, problems = [], []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(path.rglob("*.yaml"))
            if not found:
                problems.append(Diagnostic("case.none_found", "no case files (*.yaml) in this folder",
                                           str(path), hint="name a folder that holds case files"))
            files += found
        elif path.exists():
            files.append(path)
        else:
            problems.append(Diagnostic("input.not_found", "no such file or folder", str(path),
                                       hint="check the path and the spelling"))
    return files, problems


def load_case(checker, path) -> Case:
    """Read a case file; raises InputError for a bad scheme or bad case keys."""
    scheme = checker.load(path)
    problems = validate_document(scheme.doc, "case", "case")
    if not problems:
        problems = _check_expect(scheme, checker.policy) + check_quote_lengths(
            scheme.doc, scheme.data["sources"])
    if problems:
        raise InputError(problems)
    data = scheme.data
    return Case(scheme, data["expect"], data["summary"].strip(), data["sources"],
                data.get("assumptions", []), data.get("hypothetical", False),
                data.get("question", "").strip())


def _check_expect(scheme: Scheme, policy) -> list[Diagnostic]:
    """What the schema cannot say: the rule ids exist, the bodies are kinds of body."""
    doc, expect = scheme.doc, scheme.data["expect"]
    known = sorted({r.id for e in policy.editions for r in e.rules})
    kinds = fields()["proposers.kind"]["values"]
    out = []
    for i, rule in enumerate(expect["findings"]):
        if rule not in known:
            out.append(doc.diagnostic("case.unknown_rule", f"no policy rule has the id '{rule}'",
                                      ("expect", "findings", i), did_you_mean(rule, known)))
    for i, body in enumerate(expect.get("approvals_needed", [])):
        if body not in kinds:
            out.append(doc.diagnostic("case.bad_value", f"'{body}' is not a kind of body",
                                      ("expect", "approvals_needed", i), did_you_mean(body, kinds)))
    return out


def run_case(checker, case: Case) -> Outcome:
    """Check the case's scheme and compare the result with its expectation."""
    result = checker.check_scheme(case.scheme)
    expect, failures = case.expect, []
    if result.verdict != expect["verdict"]:
        failures.append(("verdict", expect["verdict"], result.verdict))
    edition = checker.policy.edition(result.edition)
    missing = [r for r in expect["findings"] if r not in result.finding_ids()]
    if missing:
        notes = [r if any(x.id == r for x in edition.rules) else f"{r} (not a rule of {edition.id})"
                 for r in missing]
        failures.append(("missing findings", notes, []))
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
    seen = {}
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
    rule: str
    statement: str
    file: str
    line: int
    editions: tuple


def coverage(policy, outcomes: list[Outcome]) -> list[Uncovered]:
    """Every policy rule (own or included, in any edition) that no case
    asserts: a rule counts as covered when a case expects it and it fired."""
    covered = set().union(*(o.asserted_rules() for o in outcomes)) if outcomes else set()
    rules: dict = {}
    for edition in policy.editions:
        for rule in edition.rules:
            rules.setdefault(rule.id, (rule, []))[1].append(edition.id)
    return [Uncovered(rid, rule.statement, rule.file, rule.line, tuple(eds))
            for rid, (rule, eds) in sorted(rules.items()) if rid not in covered]
