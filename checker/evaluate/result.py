"""The result of checking one scheme: the verdict, what it rests on, and what follows.

A Result is plain data; reporters render it (text, JSON, table, briefing).
``to_dict`` is the JSON form, every list in a fixed order, so that the same
input always gives byte-identical output. Terms (docs/policy-format.md):

- a **finding** is a power used or a rule that fired (``effect``: ``power``,
  ``ultra_vires``, ``refused``, ``risk``, ``route``);
- ``powers_used``: for each act, the power it rests on (verdicts other than
  ultra_vires);
- ``missing_powers``: for each act no power covers, the powers nearest to it
  and what each lacks;
- ``approvals_needed`` / ``approvals_given`` and ``steps_needed``: of the
  powers used;
- ``possible_risks`` / ``possible_routes``: risks and routes that apply for
  some values of facts the scheme does not give, with those facts;
- ``why``: what each id of ``decided_by`` says (a power, a limit, step or
  approval of one, a rule, or a missing power);
- ``undetermined``: when the verdict depends on unknown facts, the verdict
  for each value (``Branch``) and the facts to find out first (``ask``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .verdict import UNDETERMINED, VERDICTS

#: Every answer a check can give: the four verdicts, then "undetermined".
OUTCOMES = VERDICTS + (UNDETERMINED,)


@dataclass(frozen=True)
class Finding:
    """A power used, or a policy rule whose condition holds for the scheme."""

    rule: str
    effect: str
    statement: str
    basis: str
    sources: tuple[str, ...]

    def to_dict(self) -> dict:
        """The finding as plain data."""
        return {"rule": self.rule, "effect": self.effect, "statement": self.statement, "basis": self.basis,
                "sources": list(self.sources)}


@dataclass(frozen=True)
class Approval:
    """An approval a power used requires (the maker's own decision included), and where it stands."""

    body: str
    status: str  # granted | informal | refused | pending | not_sought | unknown
    rule: str  # the part of the power that requires it: '<power>/<name>'
    reason: str = ""

    def to_dict(self) -> dict:
        """The approval as plain data (without a reason when none was given)."""
        out = {"body": self.body, "status": self.status, "rule": self.rule}
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class Step:
    """A required step of a power used that the scheme does not show taken."""

    rule: str
    statement: str
    basis: str
    sources: tuple[str, ...]

    def to_dict(self) -> dict:
        """The step as plain data."""
        return {"rule": self.rule, "statement": self.statement, "basis": self.basis,
                "sources": list(self.sources)}


@dataclass(frozen=True)
class PowerUse:
    """The power one act rests on."""

    target: str
    power: str
    statement: str
    basis: str
    sources: tuple[str, ...]

    def to_dict(self) -> dict:
        """The power used as plain data."""
        return {"target": self.target, "power": self.power, "statement": self.statement,
                "basis": self.basis, "sources": list(self.sources)}


@dataclass(frozen=True)
class Considered:
    """A power near an act that no power covers, and what it lacks: 'holder',
    'instrument', 'target' or 'when', or the ids of the limits that fail."""

    power: str
    statement: str
    basis: str
    sources: tuple[str, ...]
    holders: tuple[str, ...]
    lacks: tuple[str, ...]
    levels: tuple[str, ...] = ()  # a CCG power's co-commissioning levels (none: any)
    instruments: tuple[str, ...] = ()  # what the power is made by
    targets: tuple[str, ...] = ()  # the parts of the contract it reaches

    def to_dict(self) -> dict:
        """The power considered as plain data."""
        return {"power": self.power, "statement": self.statement, "basis": self.basis,
                "sources": list(self.sources), "holders": list(self.holders), "levels": list(self.levels),
                "instruments": list(self.instruments), "targets": list(self.targets),
                "lacks": list(self.lacks)}


@dataclass(frozen=True)
class MissingPower:
    """An act no power covers: who would make it, by what, over which part of
    the contract, and the powers nearest to it."""

    target: str
    instrument: str
    maker: str
    maker_role: Finding | None
    in_edition: bool  # whether the target is part of the contract in this edition at all
    candidates: tuple[Considered, ...]  # reach the act, but a limit fails
    maker_powers: tuple[Considered, ...]  # the maker's own powers, which do not reach it
    held_by_others: tuple[Considered, ...]  # reach this part of the contract, held by other bodies

    def to_dict(self) -> dict:
        """The missing power as plain data."""
        return {"target": self.target, "instrument": self.instrument, "maker": self.maker,
                "maker_role": self.maker_role.to_dict() if self.maker_role else None,
                "in_edition": self.in_edition,
                "candidates": [c.to_dict() for c in self.candidates],
                "maker_powers": [c.to_dict() for c in self.maker_powers],
                "held_by_others": [c.to_dict() for c in self.held_by_others]}


@dataclass(frozen=True)
class Possible:
    """A risk or route that applies for some values of facts the scheme does not give."""

    finding: Finding
    ask: tuple[str, ...]  # dotted scheme paths

    def to_dict(self) -> dict:
        """The possible finding as plain data."""
        return {**self.finding.to_dict(), "ask": list(self.ask)}


@dataclass(frozen=True)
class Given:
    """A fact filled in on the way to a branch: a dotted scheme path and its values."""

    fact: str
    values: tuple
    ranges: tuple = ()

    def to_dict(self) -> dict:
        """The given fact as plain data."""
        out: dict = {"fact": self.fact, "values": list(self.values)}
        if self.ranges:
            out["ranges"] = [list(r) for r in self.ranges]
        return out


@dataclass(frozen=True)
class Branch:
    """The verdict of every scheme that agrees with the facts given."""

    given: tuple[Given, ...]
    verdict: str
    decided_by: tuple[str, ...]
    powers_used: tuple[str, ...]
    why: tuple[Finding, ...] = ()  # what each id of decided_by says, in order

    def to_dict(self) -> dict:
        """The branch as plain data."""
        return {"given": [g.to_dict() for g in self.given], "verdict": self.verdict,
                "decided_by": list(self.decided_by), "powers_used": list(self.powers_used),
                "why": [f.to_dict() for f in self.why]}


@dataclass(frozen=True)
class Undetermined:
    """Why a verdict is undetermined: the verdict for each value, and what to find out."""

    possible_verdicts: tuple[str, ...]
    ask: tuple[str, ...]
    branches: tuple[Branch, ...]
    complete: bool = True

    def to_dict(self) -> dict:
        """The undetermined answer as plain data."""
        return {"possible_verdicts": list(self.possible_verdicts), "ask": list(self.ask),
                "outcomes": [b.to_dict() for b in self.branches], "complete": self.complete}


@dataclass
class Result:
    """The result of checking one scheme: the verdict, what it rests on, and what follows."""

    scheme: str
    title: str
    verdict: str
    edition: str
    edition_title: str
    decided_by: list[str]
    findings: list[Finding]
    approvals_needed: list[Approval]
    approvals_given: list[Approval]
    risks: list[Finding]
    routes: list[Finding]
    powers_used: list[PowerUse] = field(default_factory=list)
    missing_powers: list[MissingPower] = field(default_factory=list)
    steps_needed: list[Step] = field(default_factory=list)
    possible_risks: list[Possible] = field(default_factory=list)
    possible_routes: list[Possible] = field(default_factory=list)
    undetermined: Undetermined | None = None
    why: list[Finding] = field(default_factory=list)  # what each id of decided_by says, in order
    file: str = ""
    sources: dict = field(default_factory=dict)  # key -> rules.sources.Source, of every key cited

    def cited(self) -> set[str]:
        """Every source key the result's findings, reasons, powers, steps and roles cite."""
        keys: set[str] = set()
        items: list = [*self.findings, *self.why, *self.powers_used, *self.steps_needed,
                       *(p.finding for p in self.possible_risks + self.possible_routes)]
        for m in self.missing_powers:
            items += [*m.candidates, *m.maker_powers, *m.held_by_others]
            if m.maker_role:
                items.append(m.maker_role)
        if self.undetermined:
            items += [f for b in self.undetermined.branches for f in b.why]
        for item in items:
            keys.update(item.sources)
        return keys

    def to_dict(self) -> dict:
        """The result as plain data, every list in its fixed order."""
        return {
            "file": self.file,
            "scheme": self.scheme,
            "title": self.title,
            "verdict": self.verdict,
            "edition": self.edition,
            "edition_title": self.edition_title,
            "decided_by": list(self.decided_by),
            "why": [f.to_dict() for f in self.why],
            "powers_used": [p.to_dict() for p in self.powers_used],
            "missing_powers": [m.to_dict() for m in self.missing_powers],
            "undetermined": self.undetermined.to_dict() if self.undetermined else None,
            "findings": [f.to_dict() for f in self.findings],
            "approvals_needed": [a.to_dict() for a in self.approvals_needed],
            "approvals_given": [a.to_dict() for a in self.approvals_given],
            "steps_needed": [s.to_dict() for s in self.steps_needed],
            "risks": [f.to_dict() for f in self.risks],
            "routes": [f.to_dict() for f in self.routes],
            "possible_risks": [p.to_dict() for p in self.possible_risks],
            "possible_routes": [p.to_dict() for p in self.possible_routes],
            "cited_sources": [self.sources[k].to_dict() for k in sorted(self.sources)],
        }

    def finding_ids(self) -> list[str]:
        """The ids of the powers used and rules that fired, in finding order."""
        return [f.rule for f in self.findings]
