"""Plain words for the schema's fixed values, taken from the schema itself.

Each enum in ``scheme.schema.json`` carries ``enumDescriptions`` of the form
"Label: one-line explanation", which editors show as completions; reporters
and the scheme builder use the same text, so there is one place to word it.
"""
from __future__ import annotations

from functools import lru_cache

from .validate import load_schema

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


@lru_cache(maxsize=None)
def _body_descriptions() -> dict:
    kind = load_schema("scheme")["$defs"]["body"]["properties"]["kind"]
    return dict(zip(kind["enum"], kind["enumDescriptions"]))


def body_label(kind: str) -> str:
    """'NHS England (national)' for 'nhse_national'."""
    text = _body_descriptions().get(kind, kind)
    return text.split(":", 1)[0]


def enum_choices(node: dict) -> list[tuple[str, str]]:
    """(value, explanation) pairs of a schema enum."""
    return list(zip(node["enum"], node.get("enumDescriptions", node["enum"])))
