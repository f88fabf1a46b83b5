"""Words for people that several reports share: the verdicts, where an
approval stands, a date written out, a change to a scheme, a feature of the
similarity measure.

The plain words for a scheme's fixed values (a kind of body, an instrument)
are the scheme schema's own ``enumDescriptions``, read through
``checker.load.schema``, so that editors, the scheme builder's questions
and the reports all say the same thing.
"""
from __future__ import annotations

from ..dates import MONTHS
from ..explore.whatif import yaml_text
from ..load.schema import body_label

VERDICT_WORDS = {
    "ultra_vires": "ULTRA VIRES: beyond the powers of the bodies involved",
    "refused": "REFUSED: within powers, but a required approval was refused",
    "pending": "PENDING: within powers, but a required approval has not been formally given",
    "valid": "VALID: within powers, and every required approval formally given",
}

STATUS_WORDS = {
    "granted": "formally granted",
    "informal": "only informally blessed (not a formal sanction)",
    "refused": "refused",
    "pending": "asked, no decision yet",
    "not_sought": "not sought",
}

#: What each feature of the similarity measure (checker.explore.precedents) is.
FEATURE_WORDS = {
    "jurisdiction": "jurisdiction",
    "edition": "policy edition (the period's law)",
    "instrument": "how the change is made",
    "scope": "which indicators",
    "income": "how practice income is treated",
    "proposers": "kinds of proposing body",
    "practice_opt_in": "practices opt in",
    "decisions": "decisions, by body and status",
    "rules": "rules that fired",
}


def long_date(iso: str) -> str:
    """A date written out: '2 February 2017' for '2017-02-02'."""
    year, month, day = iso.split("-")
    return f"{int(day)} {MONTHS[int(month) - 1]} {year}"


def describe_change(change) -> str:
    """A change to a scheme in plain words: 'set change.instrument to local_incentive_scheme'."""
    if change.op == "remove":
        return f"remove {change.path}"
    value = change.value
    if change.op == "add" and change.path == "decisions" and isinstance(value, dict) \
            and value.get("status") == "granted" and isinstance(value.get("body"), dict):
        formal = "informal" if value.get("formality") == "informal" else "formal"
        return (f"obtain {formal} approval from {body_label(value['body'].get('kind', ''))} "
                f"(add to decisions: {yaml_text(value)})")
    if change.op == "add":
        return f"add to {change.path}: {yaml_text(value)}"
    return f"set {change.path} to {yaml_text(value)}"


def similarity_words(score: float) -> str:
    """A similarity (0 to 1) as every report shows it: '77% similar'."""
    return f"{score:.0%} similar"
