"""Plain words for the schema's fixed values, taken from the schema itself.

Each enum in ``scheme.schema.json`` carries ``enumDescriptions`` of the form
"Label: one-line explanation", which editors show as completions; reporters
and the scheme builder use the same text, so there is one place to word it.
"""
from __future__ import annotations

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

