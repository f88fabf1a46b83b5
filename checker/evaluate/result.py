"""The result of checking one scheme: verdict, findings and what follows.

A Result is plain data; reporters render it (text, JSON, table). Its
``to_dict`` is the JSON form, with every list in a fixed order so that the
same input always gives byte-identical output.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

VERDICTS = ("ultra_vires", "refused", "pending", "valid")


@dataclass(frozen=True)
class Finding:
    """A policy rule whose condition holds for the scheme."""

    rule: str
    effect: str
    statement: str
    basis: str
    sources: tuple[str, ...]
    body: str | None = None

    def to_dict(self) -> dict:
        """The finding as plain data (without a body when its rule names none)."""
        out = asdict(self)
        out["sources"] = list(self.sources)
        if self.body is None:
            del out["body"]
        return out


@dataclass(frozen=True)
class Approval:
    """An approval a rule requires, and where the scheme stands on it."""

    body: str
    status: str  # granted | informal | refused | pending | not_sought
    rule: str
    reason: str = ""

    def to_dict(self) -> dict:
        """The approval as plain data (without a reason when none was given)."""
        out = asdict(self)
        if not self.reason:
            del out["reason"]
        return out


@dataclass
class Result:
    """The result of checking one scheme: the verdict, the rules that decided it, and what follows."""

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
    file: str = ""

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
            "findings": [f.to_dict() for f in self.findings],
            "approvals_needed": [a.to_dict() for a in self.approvals_needed],
            "approvals_given": [a.to_dict() for a in self.approvals_given],
            "risks": [f.to_dict() for f in self.risks],
            "routes": [f.to_dict() for f in self.routes],
        }

    def finding_ids(self) -> list[str]:
        """The ids of the rules that fired, in finding order."""
        return [f.rule for f in self.findings]
