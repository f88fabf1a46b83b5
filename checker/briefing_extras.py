"""The briefing's parts that come from `vires precedents` and `vires fix`:
the nearest precedents and the smallest fix (issue 4).

An installed wheel ships no case library (cases/ of the source tree), so a
briefing made there has no precedents, and says so.
"""
from __future__ import annotations

from .diagnostics import InputError
from .explore.fix import find_fixes
from .explore.precedents import load_library, nearest

PRECEDENTS = 2
#: A briefing shows one fix; `vires fix` lists them all.
FIX_SEARCH = {"max_changes": 3, "limit": 1}


def add_precedents(briefing, checker, scheme, result) -> None:
    try:
        library, _ = load_library(checker)  # a broken case is simply not a precedent
    except InputError:
        briefing.notes.append("No case library was found, so no precedents are shown.")
        return
    briefing.precedents = [{
        "case": p.result.scheme, "title": p.result.title, "verdict": p.result.verdict,
        "similarity": round(p.score, 2),
        "differences": [words for _, words, _, _ in p.differences[:3]],
    } for p in nearest(checker, scheme, result, library, PRECEDENTS)]


def add_fix(briefing, checker, scheme, result) -> None:
    if result.verdict == "valid":
        return
    report = find_fixes(checker, scheme, **FIX_SEARCH)
    if report.fixes:
        attempt, comparison = report.fixes[0]
        briefing.fix = {
            "changes": [c.describe() for c in attempt.changes],
            "verdict": attempt.result.verdict,
            "no_longer": [f.rule for f in comparison.disappeared if f.effect in ("ultra_vires", "refused")],
        }
    else:
        briefing.fix = {"changes": [], "verdict": result.verdict, "no_longer": [],
                        "none_within": FIX_SEARCH["max_changes"]}
