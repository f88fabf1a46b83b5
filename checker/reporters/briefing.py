"""The briefing: what a negotiator sends a committee about one scheme.

A Briefing is plain data built from a checked scheme: the scheme in a few
sentences, the verdict and the rules that decided it, what the sources say
(a case file's quoted ``sources``), the **approval chain** (the bodies whose
approval the rules require, from the most local to the national, each with
where it stands), the risks, the lawful routes and, where vires has them,
the nearest precedents and the smallest fix, which the caller finds
(``PRECEDENTS`` of them, and a fix searched with ``FIX_SEARCH``) and passes
in. It is worded here, for a committee; ``checker.reporters.markdown`` and
``checker.reporters.html`` lay it out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..evaluate.result import Finding
from ..load import schema
from ..load.schema import body_label
from .words import FEATURE_WORDS, STATUS_WORDS, VERDICT_WORDS, describe_change, long_date

#: The order in which approvals are sought: from the most local body to the
#: national ones (domain brief, "The bodies"). In the devolved nations the GPC
#: agrees changes with the government, so it comes before it.
AUTHORITY = ("practice", "lmc", "ccg", "icb", "health_board", "area_team", "nhse_region",
             "nhse_national", "gpc", "devolved_government", "secretary_of_state", "other")

#: What the chain ends in, for each verdict.
OUTCOMES = {
    "valid": "Can go ahead",
    "pending": "Waiting for approval",
    "refused": "Stopped: refused",
    "ultra_vires": "Beyond powers: no approval can make it lawful",
}

MAX_QUOTES = 4
#: How many precedents a briefing shows.
PRECEDENTS = 2
#: A briefing shows one fix, searched as `vires fix` would; `vires fix` lists them all.
FIX_SEARCH = {"max_changes": 3, "limit": 1}


@dataclass(frozen=True)
class Step:
    """One body in the approval chain."""

    kind: str
    label: str
    status: str  # granted | informal | refused | pending | not_sought | proposes
    words: str
    rule: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Quote:
    """A case file's quote from a source, and the fact it supports."""

    quote: str
    source: str
    supports: str


@dataclass
class Briefing:
    """Everything a briefing says about one scheme, worded for a committee."""

    file: str
    title: str
    verdict: str
    headline: str           # "ULTRA VIRES"
    meaning: str            # "beyond the powers of the bodies involved"
    edition_title: str
    sentences: list[str]
    summary: str
    why: list[Finding]  # each with its statement and basis on one line
    proposers: Step
    chain: list[Step]
    outcome: str
    risks: list[Finding]
    routes: list[Finding]
    quotes: list[Quote]
    precedents: list[dict] | None = None  # None: not available in this installation
    fix: dict | None = None          # None: not available, or nothing to fix
    notes: list[str] = field(default_factory=list)


def _reason(finding: Finding) -> Finding:
    """A finding as the briefing cites it: its statement and basis on one line."""
    return replace(finding, statement=" ".join(finding.statement.split()), basis=" ".join(finding.basis.split()))


def _body_name(body: dict) -> str:
    return body.get("name") or schema.label(("proposers", 0, "kind"), body["kind"])


def _names(bodies) -> str:
    names = [_body_name(b) for b in bodies]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _lower(text: str) -> str:
    """Lower-case the first letter unless it starts an acronym (QOF, PMS/APMS)."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def describe_scheme(data: dict) -> list[str]:
    """The scheme in a few plain sentences."""
    change = data["change"]
    where = schema.label(("jurisdiction",), data["jurisdiction"])
    kinds = {b["kind"] for b in data["proposers"]}
    levels = {b.get("co_commissioning") for b in data["proposers"]} - {None}
    who, qualifiers = _names(data["proposers"]), []
    if len(kinds) == 1:
        kind = re.sub(r"\s*\(.*?\)", "", schema.label(("proposers", 0, "kind"), next(iter(kinds))))
        if kind.lower() not in who.lower():
            qualifiers.append(_lower(kind) + ("s" if len(data["proposers"]) > 1 else ""))
    if len(levels) == 1:
        qualifiers.append(_lower(schema.label(("proposers", 0, "co_commissioning"), next(iter(levels)))))
    if qualifiers:
        who += " (" + "; ".join(qualifiers) + ")"
    out = [f"Proposed by {who}, in {where}, dated {long_date(data['date'])}."]
    target = schema.label(("change", "target"), change["target"])
    how = ("change", "instrument")
    out.append(f"It changes {target} by this route: {_lower(schema.label(how, change['instrument']))}, "
               f"that is, {_lower(schema.explanation(how, change['instrument']))}.")
    cover = []
    if change.get("scope") and change["scope"] != "not_stated":
        scope = _lower(schema.label(("change", "scope"), change["scope"]))
        if change["scope"] == "share_of_points" and "share_of_points" in change:
            scope = f"{change['share_of_points']:g}% of points"
        cover.append(scope)
    if "points" in change:
        cover.append(f"{change['points']} points")
    span = ""
    if data.get("effective_from"):
        span = f" from {long_date(data['effective_from'])}"
    if data.get("effective_to"):
        span += f" to {long_date(data['effective_to'])}"
    if cover or span:
        out.append(f"It covers {', '.join(cover) or 'the indicators named'}{',' if cover and span else ''}{span}.")
    if change.get("income") and change["income"] != "not_stated":
        out.append(f"Practice income: {_lower(schema.label(('change', 'income'), change['income']))}.")
    if "practice_opt_in" in change:
        out.append("Practices choose whether to join." if change["practice_opt_in"]
                   else "Practices do not choose: the scheme applies to them all.")
    work = change.get("alternative_work", {})
    if work.get("description"):
        measured = work.get("measurement")
        how_measured = f" ({_lower(schema.label(('change', 'alternative_work', 'measurement'), measured))})" \
            if measured else ""
        out.append(f"In exchange, practices do: {work['description']}{how_measured}.")
    elif change["target"] == "qof":
        out.append("No alternative work is stated.")
    decided = [_decision(d) for d in data.get("decisions", [])]
    if decided:
        out.append("Decisions so far: " + "; ".join(decided) + ".")
    consulted = data.get("consultations", {})
    if "lmc" in consulted:
        out.append("The LMC was consulted first." if consulted["lmc"] else "The LMC was not consulted.")
    for objection in data.get("objections", []):
        reason = f": {objection['reason']}" if objection.get("reason") else ""
        out.append(f"{_body_name(objection['body'])} objects{reason}.")
    return out


def _decision(decision: dict) -> str:
    status = {"granted": "agreed", "refused": "refused", "pending": "has been asked, no answer yet",
              "not_sought": "has not been asked"}[decision["status"]]
    how = f" {decision['formality']}ly" if decision.get("formality") and decision["status"] in ("granted", "refused") else ""
    when = f" on {long_date(decision['date'])}" if decision.get("date") else ""
    return f"{_body_name(decision['body'])} {status}{how}{when}"


def _words(text: str) -> set:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 4}


def rank_quotes(quotes: list, decisive: list) -> list:
    """Quotes sharing most words with the rules that decided the verdict first
    (a stable sort: otherwise in the case file's order)."""
    words = set().union(*(_words(f.statement + " " + f.basis) for f in decisive)) if decisive else set()
    return sorted(quotes, key=lambda q: -len(words & _words(q.quote + " " + q.supports)))


def approval_chain(data: dict, result) -> tuple[Step, list[Step], str]:
    """The proposers, then each required approval from local to national."""
    proposers = Step("proposers", _names(data["proposers"]), "proposes", "proposes")
    approvals = sorted(list(result.approvals_given) + list(result.approvals_needed),
                       key=lambda a: AUTHORITY.index(a.body) if a.body in AUTHORITY else len(AUTHORITY))
    steps = [Step(a.body, body_label(a.body), a.status, STATUS_WORDS[a.status], a.rule, a.reason)
             for a in approvals]
    return proposers, steps, OUTCOMES[result.verdict]


def case_quotes(data: dict) -> list[Quote]:
    """The quotes of a case file's sources, whitespace tidied."""
    out = []
    for entry in data.get("sources", []) or []:
        if isinstance(entry, dict) and entry.get("quote"):
            out.append(Quote(" ".join(entry["quote"].split()), str(entry.get("source", "")),
                             str(entry.get("supports", ""))))
    return out


def build_briefing(scheme, result, precedents=None, fix=None) -> Briefing:
    """The briefing on a checked scheme. ``precedents`` are the nearest
    library cases (None: this installation has no case library, and the
    briefing says so); ``fix`` is the report of a fix search (None: none was
    made, as for a valid scheme)."""
    data = scheme.data
    headline, meaning = VERDICT_WORDS[result.verdict].split(": ", 1)
    decisive = [f for f in result.findings if f.rule in result.decided_by]
    proposers, chain, outcome = approval_chain(data, result)
    briefing = Briefing(
        file=result.file, title=result.title, verdict=result.verdict, headline=headline, meaning=meaning,
        edition_title=result.edition_title, sentences=describe_scheme(data),
        summary=" ".join(str(data.get("summary", "")).split()),
        why=[_reason(f) for f in decisive], proposers=proposers, chain=chain, outcome=outcome,
        risks=[_reason(f) for f in result.risks], routes=[_reason(f) for f in result.routes],
        quotes=rank_quotes(case_quotes(data), decisive)[:MAX_QUOTES],
    )
    if precedents is None:
        briefing.notes.append("No case library was found, so no precedents are shown.")
    else:
        briefing.precedents = [{
            "case": p.result.scheme, "title": p.result.title, "verdict": p.result.verdict,
            "similarity": p.score,
            "differences": [FEATURE_WORDS[feature] for feature, _, _ in p.differences[:3]],
        } for p in precedents]
    if fix is not None:
        briefing.fix = _fix(fix, result)
    return briefing


def _fix(report, result) -> dict:
    """The smallest fix found, in words, or that none was within reach."""
    if report.fixes:
        attempt, comparison = report.fixes[0]
        return {
            "changes": [describe_change(c) for c in attempt.changes],
            "verdict": attempt.result.verdict,
            "no_longer": [f.rule for f in comparison.disappeared if f.effect in ("ultra_vires", "refused")],
        }
    return {"changes": [], "verdict": result.verdict, "no_longer": [], "none_within": report.max_changes}
