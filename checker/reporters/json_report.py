"""The JSON report: one object per file, in argument order, byte-stable."""
from __future__ import annotations

import json


def dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def render_results(results) -> str:
    return dumps([r.to_dict() for r in results])
