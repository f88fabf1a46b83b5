"""The precedents report: the nearest library cases, their outcome, and the
differences that matter, with the similarity measure explained."""
from __future__ import annotations

from ..explore.precedents import FEATURES, NEAR, PARTIAL, no_case_near, only_hypothetical_near
from ..rules.facts import UNKNOWN
from . import style
from .json_report import dumps
from .neutral import for_terminal, neutralised
from .text import wrap
from .words import FEATURE_WORDS, SHORT_VERDICT, similarity_words

MEASURE = ("Similarity is a weighted agreement: "
           + ", ".join(f"{FEATURE_WORDS[name]} ({w})" for name, w in FEATURES)
           + f". A feature scores 1 when the two schemes agree and 0 when not, {PARTIAL:g} when either "
           "does not say (it may agree, it may not); lists score their overlap (shared items over all "
           f"items). Of the cases with a similarity of at least {NEAR:.2f}, documented cases (real outcomes) come "
           "first, then hypothetical ones. See docs/whatif.md.")
#: What the reports say when no documented case is near.
ONLY_HYPOTHETICAL = (f"No documented case has a similarity of at least {NEAR:.2f}: the near cases below "
                     "are hypothetical (constructed to test a rule), not real outcomes.")
NONE_NEAR = (f"No case in the library has a similarity of at least {NEAR:.2f}: the cases below are the "
             "least distant, and may differ in what matters.")


def caveat(precedents) -> str:
    """What to say about the precedents as a whole: only hypothetical ones are near, or none is."""
    if only_hypothetical_near(precedents):
        return ONLY_HYPOTHETICAL
    if no_case_near(precedents):
        return NONE_NEAR
    return ""


def _plain(value):
    return sorted(value) if isinstance(value, frozenset) else value


def _outcome(result) -> str:
    if result.undetermined is None:
        return style.verdict(result.verdict, result.verdict)
    could = " or ".join(SHORT_VERDICT[v] for v in result.undetermined.possible_verdicts)
    return style.verdict(result.verdict, result.verdict) + f" (could be {could})"


def precedent_dict(p) -> dict:
    """The JSON form of one precedent."""
    u = p.result.undetermined
    return {
        "file": p.file, "case": p.result.scheme, "kind": p.kind, "title": p.result.title,
        "verdict": p.result.verdict, "decided_by": list(p.result.decided_by),
        "possible_verdicts": list(u.possible_verdicts) if u else [p.result.verdict],
        "similarity": round(p.score, 3), "summary": p.summary,
        "agrees_on": list(p.agrees),
        "differences": [{"feature": f, "yours": _plain(y), "theirs": _plain(t)} for f, y, t in p.differences],
    }


def render_json(result, precedents) -> str:
    """The precedents of a scheme as JSON, with the measure's weights."""
    return dumps({"file": result.file, "scheme": result.scheme, "verdict": result.verdict,
                  "measure": {name: weight for name, weight in FEATURES}, "unknown_agrees": PARTIAL,
                  "near": NEAR, "only_hypothetical_near": only_hypothetical_near(precedents),
                  "precedents": [precedent_dict(p) for p in precedents]})


def _value(value) -> str:
    if isinstance(value, frozenset):
        return ", ".join(sorted(value)) or "none"
    if value == UNKNOWN:
        return "not known"
    return str(value).lower() if isinstance(value, bool) else str(value)


def render_text(result, precedents) -> str:
    """The precedents of a scheme as text, with the similarity measure explained."""
    result, precedents = neutralised((result, list(precedents)), for_terminal)
    lines = [style.heading(f"{result.file or result.scheme}: {result.title}"),
             f"  As it stands: {_outcome(result)}"]
    if not precedents:
        lines.append("  The library holds no other case to compare with.")
    elif caveat(precedents):
        lines.append(wrap(caveat(precedents), "  "))
    for n, p in enumerate(precedents, 1):
        r = p.result
        lines += ["", "  " + style.heading(f"{n}. {r.scheme}") + f"  ({p.kind})  {similarity_words(p.score)}  "
                  + _outcome(r),
                  wrap(r.title, "     ")]
        if p.summary:
            lines.append(style.dim(wrap(p.summary, "     ")))
        decided = ", ".join(r.decided_by) if r.undetermined is None else \
            "not determined: find out " + ", ".join(r.undetermined.ask)
        lines.append(wrap(f"decided by: {decided}", "     ", "       "))
        lines.append(wrap("agrees on: " + (", ".join(p.agrees) or "nothing"), "     ", "       "))
        if p.differences:
            lines.append("     differs on:")
            for feature, yours, theirs in p.differences:
                words = FEATURE_WORDS[feature]
                if isinstance(yours, frozenset) and isinstance(theirs, frozenset):
                    text = f"- {words}: only this scheme: {_value(yours)}; only {r.scheme}: {_value(theirs)}"
                else:
                    text = f"- {words}: this scheme {_value(yours)}; {r.scheme} {_value(theirs)}"
                lines.append(wrap(text, "       ", "         "))
    lines += ["", style.dim(wrap(MEASURE, "  "))]
    return "\n".join(lines) + "\n"
