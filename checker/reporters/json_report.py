"""The JSON report: one object per file, in argument order, byte-stable."""
from __future__ import annotations

import json

from ..load.schema import body_label
from .neutral import for_json


def dumps(data) -> str:
    """Data as indented JSON text, keys in the order given, ending in a newline;
    characters a terminal would obey are escaped (``checker.reporters.neutral``)."""
    return for_json(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)) + "\n"


def approval_dict(approval) -> dict:
    """The JSON form of an approval, with its body's label for people."""
    out = approval.to_dict()
    return {"body": out.pop("body"), "label": body_label(approval.body), **out}


def result_dict(result) -> dict:
    """The JSON form of a result, each approval with its body's label."""
    out = result.to_dict()
    for key in ("approvals_needed", "approvals_given"):
        out[key] = [approval_dict(a) for a in getattr(result, key)]
    return out


def render_results(results) -> str:
    """The JSON report: one object per file, in the order given; a file that
    could not be checked has ``error`` ("bad_input", with its diagnostics, or
    "internal_error", with a message) instead of a verdict (docs/diagnostics.md)."""
    return dumps([r.to_dict() if hasattr(r, "error") else result_dict(r) for r in results])
