"""The briefing: what a negotiator sends a committee about one scheme.

A Briefing is plain data built from a checked scheme: the scheme in a few
sentences; the verdict first; what it **rests on** (the power used for each
act, with its basis and sources) or, when no power covers it, the **missing
power** (the maker's role, who sets that part of the contract, and what each
nearest power lacks); for an undetermined verdict, the facts to find out and
the verdict for each answer; what the sources say (a case file's quoted
``sources``); the **approval chain** of the powers used (the maker's own
decision first, then the approvals it needs, from the most local body to the
national ones, each with where it stands); the steps still to take; the risks,
those that may apply, and the lawful routes; and, where vires has them, the
nearest precedents and the smallest fix, which the caller finds
(``PRECEDENTS`` of them, and a fix searched with ``FIX_SEARCH``) and passes
in. It is worded here, for a committee; ``checker.reporters.markdown`` and
``checker.reporters.html`` lay it out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..evaluate.result import Finding, Result
from ..load import schema
from ..load.schema import UNKNOWN_WORD, body_label
from ..rules.facts import standing_of
from .powers import (
    body_phrase,
    branch_sentence,
    capital,
    limit_words,
    lower_first,
    missing_power_paragraph,
    nearest,
    target_phrase,
    undetermined_summary,
)
from .precedents import caveat
from .sources import KIND_WORDS, cite, cite_short, source_date
from .words import FEATURE_WORDS, STATUS_WORDS, VERDICT_WORDS, describe_change, fact_label, long_date

#: The order in which approvals are sought after the maker's own decision:
#: from the most local body to the national ones (domain brief, "The
#: bodies"). In the devolved nations the GPC agrees changes with the
#: government, so it comes before it.
AUTHORITY = ("practice", "pcn", "lmc", "ccg", "icb", "icb_joint_committee", "health_board", "sppg", "area_team", "nhse_region",
             "nhse_national", "gpc", "devolved_government", "secretary_of_state", "other")

#: What the chain ends in, for each answer.
OUTCOMES = {
    "valid": "Can go ahead",
    "pending": "Waiting for approval",
    "refused": "Stopped: refused",
    "ultra_vires": "Beyond powers: no approval can make it lawful",
    "undetermined": "Not yet known: find out first",
}

MAX_QUOTES = 4
#: How many precedents a briefing shows.
PRECEDENTS = 2
#: A briefing shows one fix, searched as `vires fix` would; `vires fix` lists them all.
FIX_SEARCH = {"max_changes": 3, "limit": 1}


@dataclass(frozen=True)
class Step:
    """One box of the approval chain: who, where they stand, and the part of the power that needs them."""

    kind: str
    label: str
    status: str  # granted | informal | refused | pending | not_sought | unknown | requests | makes
    words: str
    rule: str = ""
    reason: str = ""
    caption: str = ""  # "Requested by", "Maker's decision", "Approval"


@dataclass(frozen=True)
class Quote:
    """A case file's quote from a source, and the fact it supports."""

    quote: str
    source: str
    supports: str


@dataclass(frozen=True)
class Reason:
    """One reason of the verdict, worded for a committee: a sentence, and
    the id, basis and sources it rests on (none for a composed one)."""

    words: str
    rule: str = ""
    basis: str = ""
    sources: tuple[str, ...] = ()
    details: tuple[str, ...] = ()  # further lines: the nearest powers and what each lacks
    label: str = "Rule"  # what the id is: Rule, Limit, Step, Approval, Reason (a missing power)


@dataclass(frozen=True)
class Answer:
    """One answer of an undetermined verdict: its facts, its verdict and why."""

    words: str
    verdict: str
    reasons: tuple[Finding, ...]


@dataclass
class Briefing:
    """Everything a briefing says about one scheme, worded for a committee."""

    file: str
    title: str
    verdict: str
    headline: str           # "ULTRA VIRES"
    meaning: str            # "beyond the powers of the body that would make it"
    edition_title: str
    sentences: list[str]
    summary: str
    rests_on: list[tuple[str, Finding]]  # (what it is for, the power used)
    why: list[Reason]
    ask: list[str]          # undetermined: the facts to find out, in words
    answer_summary: str     # undetermined: the verdict for each answer, in one line
    answers: list[Answer]
    chain: list[Step]       # who asks, the maker's own decision, then each approval
    outcome: str
    steps: list[Finding]
    risks: list[Finding]
    possible_risks: list[tuple[Finding, tuple[str, ...]]]
    routes: list[Finding]
    possible_routes: list[tuple[Finding, tuple[str, ...]]]
    quotes: list[Quote]
    precedents: list[dict] | None = None  # None: not available in this installation
    fix: dict | None = None          # None: not available, or nothing to fix
    notes: list[str] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)  # every source cited: key, words, title, url


def _tidy(finding: Finding) -> Finding:
    """A finding as the briefing cites it: its statement and basis on one line."""
    return replace(finding, statement=" ".join(finding.statement.split()), basis=" ".join(finding.basis.split()))


def _body_name(body: dict) -> str:
    return body.get("name") or body_label(body["kind"])


def _names(bodies) -> str:
    names = [_body_name(b) for b in bodies]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _who(body: dict) -> str:
    """A body as the scheme's sentences name it: 'NHS Leeds West CCG (a CCG with
    delegated commissioning (level 3))', or its kind when it has no name."""
    levels = (body["co_commissioning"],) if body.get("co_commissioning") else ()
    kind = body_phrase(body["kind"], levels)
    name = body.get("name")
    return f"{name} ({kind})" if name else kind


def _known(change: dict, key: str) -> bool:
    return key in change and change[key] != UNKNOWN_WORD


def describe_scheme(data: dict) -> list[str]:
    """The scheme in a few plain sentences; a fact it does not give is said to be not known."""
    change = data["change"]
    where = schema.label(("jurisdiction",), data["jurisdiction"])
    out = []
    if data.get("requested_by"):
        out.append(f"Requested by {', '.join(_who(b) for b in data['requested_by'])}.")
    maker = data.get("maker")
    made_by = f"made by {_who(maker)}" if isinstance(maker, dict) else "made by a body not yet known"
    out.append(f"It would be {made_by}, in {where}; dated {long_date(data['date'])}.")
    targets = [target_phrase(t) for t in change["targets"]]
    parts = ", ".join(targets[:-1]) + " and " + targets[-1] if len(targets) > 1 else targets[0]
    how = ("change", "instrument")
    if _known(change, "instrument"):
        out.append(f"It changes {parts} by this route: {lower_first(schema.label(how, change['instrument']))}, "
                   f"that is, {lower_first(schema.explanation(how, change['instrument']))}.")
    else:
        out.append(f"It changes {parts}; how it would be made is not yet known.")
    cover = []
    if _known(change, "scope"):
        scope = lower_first(schema.label(("change", "scope"), change["scope"]))
        if change["scope"] == "share_of_points" and isinstance(change.get("share_of_points"), (int, float)):
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
    if _known(change, "income"):
        out.append(f"Practice income: {lower_first(schema.label(('change', 'income'), change['income']))}.")
    if _known(change, "practice_opt_in"):
        out.append("Practices choose whether to join." if change["practice_opt_in"]
                   else "Practices do not choose: the scheme applies to them all.")
    work = change.get("alternative_work")
    if isinstance(work, dict) and work.get("description"):
        measured = work.get("measurement")
        how_measured = f" ({lower_first(schema.label(('change', 'alternative_work', 'measurement'), measured))})" \
            if measured and measured != UNKNOWN_WORD else ""
        out.append(f"In exchange, practices do: {work['description']}{how_measured}.")
    elif work == "none":
        out.append("Practices do no alternative work.")
    decided = [_decision(d) for d in data.get("decisions", [])]
    if decided:
        out.append("Decisions so far: " + "; ".join(decided) + ".")
    consulted = data.get("consultations", {})
    if consulted.get("lmc") in (True, False):
        out.append("The LMC was consulted first." if consulted["lmc"] else "The LMC was not consulted.")
    for objection in data.get("objections", []):
        reason = f": {objection['reason']}" if objection.get("reason") else ""
        out.append(f"{_body_name(objection['body'])} objects{reason}.")
    unknown = [k for k in ("instrument", "scope", "income", "practice_opt_in") if change.get(k) == UNKNOWN_WORD]
    if unknown or maker == UNKNOWN_WORD:
        said = (["who would make it"] if maker == UNKNOWN_WORD else []) + [
            lower_first(schema.describe(("change", k))) for k in unknown]
        out.append("Not yet known: " + "; ".join(said) + ".")
    return out


def _decision(decision: dict) -> str:
    status = {"granted": "agreed", "refused": "refused", "pending": "has been asked, no answer yet",
              "not_sought": "has not been asked", "unknown": "decided, how is not known"}[decision["status"]]
    formality = decision.get("formality")
    how = f" {formality}ly" if formality in ("formal", "informal") and decision["status"] in ("granted", "refused") \
        else ""
    when = f" on {long_date(decision['date'])}" if decision.get("date") else ""
    return f"{_body_name(decision['body'])} {status}{how}{when}"


def _words(text: str) -> set:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 4}


def rank_quotes(quotes: list, decisive: list) -> list:
    """Quotes sharing most words with the reasons of the verdict first (a
    stable sort: otherwise in the case file's order). ``decisive`` are
    Findings or Reasons."""
    texts = [getattr(f, "statement", "") or getattr(f, "words", "") for f in decisive]
    texts += [getattr(f, "basis", "") for f in decisive]
    words = set().union(*(_words(t) for t in texts)) if texts else set()
    return sorted(quotes, key=lambda q: -len(words & _words(q.quote + " " + q.supports)))


def _chain_order(approval) -> tuple:
    made = approval.rule.endswith("/made")
    return (not made, AUTHORITY.index(approval.body) if approval.body in AUTHORITY else len(AUTHORITY))


def approval_chain(data: dict, result: Result) -> tuple[list[Step], str]:
    """Who asks, then the maker's own decision, then each approval the powers
    used need (local to national), and what the chain ends in."""
    chain = []
    if data.get("requested_by"):
        chain.append(Step("requested_by", _names(data["requested_by"]), "requests", "asks for it",
                          caption="Requested by"))
    approvals = sorted(list(result.approvals_given) + list(result.approvals_needed), key=_chain_order)
    for a in approvals:
        made = a.rule.endswith("/made")
        chain.append(Step(a.body, _maker_name(data) if made else body_label(a.body), a.status,
                          STATUS_WORDS[a.status], a.rule, a.reason,
                          caption="Maker's decision" if made else "Approval"))
    if not any(s.caption == "Maker's decision" for s in chain):
        # No power used (ultra vires, or undetermined): the maker as the scheme records it.
        maker = data.get("maker")
        name = _maker_name(data) if isinstance(maker, dict) else "not yet known"
        standing = standing_of(data.get("decisions", []), maker["kind"]) if isinstance(maker, dict) else "not_sought"
        if standing == "not_sought":
            chain.append(Step("maker", name, "makes", "would make it", caption="Made by"))
        else:
            chain.append(Step("maker", name, standing, STATUS_WORDS[standing], caption="Made by"))
    return chain, OUTCOMES[result.verdict]


def _maker_name(data: dict) -> str:
    maker = data.get("maker")
    return _body_name(maker) if isinstance(maker, dict) else "the maker"


def case_quotes(data: dict) -> list[Quote]:
    """The quotes of a case file's sources, whitespace tidied."""
    out = []
    for entry in data.get("sources", []) or []:
        if isinstance(entry, dict) and entry.get("quote"):
            out.append(Quote(" ".join(entry["quote"].split()), str(entry.get("source", "")),
                             str(entry.get("supports", ""))))
    return out


def reasons(result: Result) -> list[Reason]:
    """What decided a verdict other than valid, worded for a committee: each
    missing power as a paragraph with the nearest powers and what each lacks,
    each failed limit with the power it limits, each prohibition or refusal,
    and each approval or step still missing with where it stands."""
    if result.verdict == "valid":
        return []
    missing = {f"no-power:{m.target}": m for m in result.missing_powers}
    approvals = {a.rule: a for a in result.approvals_needed}
    out = []
    for f in map(_tidy, result.why):
        if f.rule in missing:
            m = missing[f.rule]
            role = m.maker_role
            out.append(Reason(missing_power_paragraph(m), f.rule, role.basis if role else "",
                              role.sources if role else (),
                              tuple(f"{c.power}: {' '.join(c.statement.split())} But {lacks}."
                                    for c, lacks in nearest(m)), "Reason"))
        elif f.effect == "limit" or (f.effect == "step" and result.verdict == "ultra_vires"):
            near = next((m for m in result.missing_powers
                         if any(c.power == f.rule.split("/")[0] for c in m.candidates)), None)
            out.append(Reason(limit_words(f, near), f.rule, f.basis, f.sources, label=f.effect.capitalize()))
        elif f.rule in approvals:
            a = approvals[f.rule]
            who = body_label(a.body) + (", the maker" if f.effect == "made" else "")
            reason = f" ({a.reason})" if a.reason else ""
            out.append(Reason(f"{who}: {STATUS_WORDS[a.status]}{reason}. {f.statement}", f.rule, f.basis,
                              f.sources, label="Approval"))
        else:
            label = {"step": "Step", "approval": "Approval", "made": "Approval"}.get(f.effect, "Rule")
            out.append(Reason(f.statement, f.rule, f.basis, f.sources, label=label))
    return out


def build_briefing(scheme, result: Result, precedents=None, fix=None, register=None) -> Briefing:
    """The briefing on a checked scheme. ``precedents`` are the nearest
    library cases (None: this installation has no case library, and the
    briefing says so); ``fix`` is the report of a fix search (None: none was
    made, as for a valid scheme); ``register``, the policy's sources by key,
    names the sources a case file's quotes cite."""
    data = scheme.data
    register = {**(register or {}), **result.sources}
    headline, meaning = VERDICT_WORDS[result.verdict].split(": ", 1)
    chain, outcome = approval_chain(data, result)
    why = reasons(result)
    acts: dict[str, list] = {}  # acts that rest on the same power are named together
    for use in result.powers_used:
        acts.setdefault(use.power, []).append(use)
    uses = [("for " + " and ".join(target_phrase(u.target) for u in group) if len(result.powers_used) > 1 else "",
             _tidy(Finding(group[0].power, "power", group[0].statement, group[0].basis, group[0].sources)))
            for group in acts.values()]
    u = result.undetermined
    briefing = Briefing(
        file=result.file, title=result.title, verdict=result.verdict, headline=headline, meaning=meaning,
        edition_title=result.edition_title, sentences=describe_scheme(data),
        summary=" ".join(str(data.get("summary", "")).split()),
        rests_on=[(what, f) for what, f in uses], why=why,
        ask=[fact_label(fact) for fact in u.ask] if u else [],
        answer_summary=capital(undetermined_summary(u)) + "." if u else "",
        answers=[Answer(capital(branch_sentence(b)), b.verdict, tuple(_tidy(f) for f in b.why if f.statement))
                 for b in u.branches] if u else [],
        chain=chain, outcome=outcome,
        steps=[_tidy(Finding(s.rule, "step", s.statement, s.basis, s.sources)) for s in result.steps_needed
               if s.rule not in result.decided_by],
        risks=[_tidy(f) for f in result.risks],
        possible_risks=[(_tidy(p.finding), p.ask) for p in result.possible_risks],
        routes=[_tidy(f) for f in result.routes],
        possible_routes=[(_tidy(p.finding), p.ask) for p in result.possible_routes],
        quotes=rank_quotes(case_quotes(data), why + [f for _, f in uses])[:MAX_QUOTES],
    )
    cited = sorted(set(result.sources) | {q.source for q in briefing.quotes if q.source in register})
    briefing.sources = [{"key": k, "words": cite(k, register), "title": register[k].title,
                         "publisher": register[k].publisher, "date": source_date(register[k].date),
                         "url": register[k].url} for k in cited]
    briefing.quotes = [replace(q, source=cite_short(q.source, register)) for q in briefing.quotes]
    if precedents is None:
        briefing.notes.append("No case library was found, so no precedents are shown.")
    else:
        briefing.precedents = [{
            "case": p.result.scheme, "title": p.result.title, "verdict": p.result.verdict,
            "kind": KIND_WORDS[p.kind],
            "similarity": p.score,
            "differences": [FEATURE_WORDS.get(feature, feature) for feature, _, _ in p.differences[:3]],
        } for p in precedents]
        if caveat(precedents):
            briefing.notes.append(caveat(precedents))
    if fix is not None:
        briefing.fix = _fix(fix, result)
    return briefing


def _fix(report, result: Result) -> dict:
    """The smallest fix found, in words, or that none was within reach."""
    if report.fixes:
        attempt, _ = report.fixes[0]
        return {
            "changes": [describe_change(c, getattr(report, "maker", None)) for c in attempt.changes],
            "verdict": attempt.result.verdict,
            "rests_on": [u.power for u in attempt.result.powers_used],
            "no_longer": [i for i in result.decided_by if i not in attempt.result.decided_by],
        }
    return {"changes": [], "verdict": result.verdict, "rests_on": [], "no_longer": [],
            "none_within": report.max_changes}


#: What the layouts put before the nearest powers of a missing power.
NEAREST_HEADING = "The nearest powers, and what each lacks:"
