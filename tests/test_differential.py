"""Differential test: the checker (durable-rules, the split on unknown facts)
and the reference evaluator (tests/reference_evaluator.py, written from
docs/policy-format.md alone) must agree on random valid schemes of every
edition: several targets, makers of every kind (or none), decisions with
statuses, formalities and dates, and unknown or omitted facts.

- A determined answer must be the one outcome of every completion of the
  scheme's unknown facts, and agree on the verdict, ``decided_by``, the
  findings, the power used by each act, the approvals needed and given (with
  where each body stands), the steps needed, and the possible risks and
  routes with the facts that would settle them.
- An undetermined answer must have the reference's set of possible verdicts
  (a subset when the answer is cut short), and each branch's verdict,
  ``decided_by`` and powers used must be the reference's outcome for every
  completion that agrees with the branch's given facts (each value listed,
  and both ends of each range).

10,000 examples a run (``VIRES_EXAMPLES=N`` for fewer); hypothesis shrinks any
disagreement to the smallest scheme that shows it, printed as YAML."""
from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checker
import reference_evaluator as ref
from conftest import REPO

POLICY = ref.load_policy(REPO / "policy")
PROPS = ref.SCHEMA["properties"]
CHANGE = PROPS["change"]["properties"]
TARGETS = CHANGE["targets"]["items"]["enum"]
LAST_DAY = "2027-03-31"
#: Per CI run: 10,000 examples (measured: see docs/trust.md).
EXAMPLES = int(os.environ.get("VIRES_EXAMPLES", "10000"))
#: Kinds of body whose decisions the powers read: approvals' bodies.
APPROVERS = sorted({body for e in POLICY["editions"] for p in e["powers"] for _, body, _ in p["approvals"]})


def _alive(kind, day, where=None):
    return ref.existed(POLICY, kind, day, where)


def _or_unknown(draw, values, known=0.7):
    """A value, 'unknown', or None (left out): known values most of the time."""
    if draw(st.floats(0, 1)) < known:
        return draw(st.sampled_from(values))
    return draw(st.sampled_from(["unknown", None]))


def _put(into, key, value):
    if value is not None:
        into[key] = value


@st.composite
def bodies(draw, day, prefer=(), where=None):
    """A body that existed on the day (in the jurisdiction); a CCG may leave its level out."""
    alive = [k for k in ref.KINDS if _alive(k, day, where)]
    preferred = [k for k in prefer if k in alive]
    kind = draw(st.sampled_from(preferred) if preferred and draw(st.booleans()) else st.sampled_from(alive))
    body = {"kind": kind}
    if kind == "ccg" and draw(st.floats(0, 1)) < 0.7:
        body["co_commissioning"] = draw(st.sampled_from(ref.LEVELS))
    if draw(st.booleans()):
        body["name"] = "a body"
    return body


@st.composite
def decisions(draw, day, prefer, where=None):
    decision = {}
    when = day
    if draw(st.booleans()):
        # a dated decision, up to a year either side of the scheme's date
        shift = draw(st.integers(-365, 365))
        when = (dt.date.fromisoformat(day) + dt.timedelta(days=shift)).isoformat()
        decision["date"] = when
    decision["body"] = draw(bodies(when, prefer, where))
    decision["status"] = draw(st.sampled_from(["granted", "granted", "refused", "pending", "not_sought", "unknown"]))
    formality = draw(st.sampled_from(["formal", "formal", "informal", "unknown", None]))
    if decision["status"] == "granted" and formality is None:
        formality = "formal"  # the schema requires it of a grant
    _put(decision, "formality", formality)
    return decision


@st.composite
def schemes(draw):
    edition = draw(st.sampled_from(POLICY["editions"]))
    start = dt.date.fromisoformat(edition["from"])
    end = dt.date.fromisoformat(min(edition["to"] or LAST_DAY, LAST_DAY))
    day = draw(st.dates(start, end)).isoformat()
    where = edition["jurisdiction"]
    change = {"targets": draw(st.lists(st.sampled_from(TARGETS), min_size=1, max_size=3, unique=True))}
    for key in ("instrument", "scope", "income"):
        _put(change, key, _or_unknown(draw, ref._known(CHANGE[key]["enum"])))
    for key in ("practice_opt_in", "remaining_indicators_continue"):
        _put(change, key, _or_unknown(draw, [True, False]))
    _put(change, "share_of_points", _or_unknown(draw, [0, 10, 50, 79.5, 80, 100]))
    work = draw(st.sampled_from(["mapping", "mapping", "none", "unknown", None]))
    if work == "mapping":
        work = {}
        _put(work, "measurement", _or_unknown(draw, ref.MEASUREMENTS))
    _put(change, "alternative_work", work)
    scheme = {"id": "random", "title": "a random scheme", "jurisdiction": edition["jurisdiction"],
              "date": day, "change": change}
    maker = draw(st.sampled_from(["body", "body", "body", "unknown", None]))
    if maker == "body":
        maker = draw(bodies(day, where=where))
    _put(scheme, "maker", maker)
    if draw(st.booleans()):
        scheme["requested_by"] = draw(st.lists(bodies(day, where=where), max_size=2))
    if draw(st.booleans()):
        scheme["parties"] = draw(st.lists(bodies(day, where=where), max_size=2))
    prefer = APPROVERS + ([maker["kind"]] if isinstance(maker, dict) else [])
    if draw(st.floats(0, 1)) < 0.8:
        scheme["decisions"] = draw(st.lists(decisions(day, prefer, where), max_size=3))
    if draw(st.booleans()):
        scheme["objections"] = draw(st.lists(bodies(day, where=where).map(lambda b: {"body": b}), max_size=2))
    if draw(st.floats(0, 1)) < 0.7:
        begin = dt.date.fromisoformat(day) + dt.timedelta(days=draw(st.integers(-400, 400)))
        scheme["effective_from"] = begin.isoformat()
        if draw(st.booleans()):
            scheme["effective_to"] = (begin + dt.timedelta(days=draw(st.integers(0, 400)))).isoformat()
    consult = {}
    for key in ("lmc", "gpc"):
        _put(consult, key, _or_unknown(draw, [True, False]))
    _put(consult, "local_weeks", _or_unknown(draw, [0, 4, 12, 13]))
    if consult or draw(st.booleans()):
        scheme["consultations"] = consult
    if draw(st.booleans()):
        scheme["circumstances"] = {}
        _put(scheme["circumstances"], "national_incident_level", _or_unknown(draw, [0, 1, 3, 4]))
    return scheme


def _standing(scheme, body):
    return ref.standing(scheme, body) if body != "unknown" else "unknown"


def _checker_determined(result, scheme):
    return {
        "verdict": result.verdict, "edition": result.edition,
        "decided_by": list(result.decided_by),
        "findings": result.finding_ids(),
        "powers_used": [(p.target, p.power) for p in result.powers_used],
        "approvals_needed": [(a.rule, a.body, a.status) for a in result.approvals_needed],
        "approvals_given": [(a.rule, a.body, a.status) for a in result.approvals_given],
        "steps_needed": [s.rule for s in result.steps_needed],
        "possible_risks": {p.finding.rule: set(p.ask) for p in result.possible_risks},
        "possible_routes": {p.finding.rule: set(p.ask) for p in result.possible_routes},
    }


def _reference_determined(answer, scheme):
    with_standing = lambda entries: [(rule, body, _standing(scheme, body)) for rule, body in entries]
    return {key: answer[key] for key in ("verdict", "edition", "decided_by", "findings", "powers_used",
                                         "possible_risks", "possible_routes")} | {
        "approvals_needed": with_standing(answer["approvals_needed"]),
        "approvals_given": with_standing(answer["approvals_given"]),
        "steps_needed": answer["steps_needed"]}


def _values_of(given):
    """The values a branch's given fact stands for: each listed, and both
    ends of each range."""
    values = list(given.values)
    for low, high in given.ranges:
        values += [low, high]
    out = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


def _disagree(scheme, what, got, expected):
    return (f"the checker and the reference evaluator disagree ({what}) on this scheme:\n"
            + yaml.safe_dump(scheme, sort_keys=False) + f"checker:   {got}\nreference: {expected}")


def compare(scheme, policy=POLICY, policy_dir=None):
    """Assert that the checker and the reference agree on one scheme."""
    result = checker.check(scheme, policy_dir)
    answer = ref.evaluate(policy, scheme)
    assert result.edition == answer["edition"], _disagree(scheme, "edition", result.edition, answer["edition"])
    if result.verdict != "undetermined":
        outcomes = [(o["verdict"], o["decided_by"]) for o in answer["outcomes"]]
        assert answer["determined"], _disagree(scheme, "determined", result.verdict, outcomes)
        got, expected = _checker_determined(result, scheme), _reference_determined(answer, scheme)
        assert got == expected, _disagree(scheme, "outcome", got, expected)
        return
    assert not answer["determined"], _disagree(
        scheme, "undetermined", [(b.verdict, b.decided_by) for b in result.undetermined.branches],
        answer["outcomes"])
    found = result.undetermined
    expected = answer["possible_verdicts"]
    if found.complete:
        assert list(found.possible_verdicts) == expected, _disagree(
            scheme, "possible verdicts", found.possible_verdicts, expected)
    else:
        assert set(found.possible_verdicts) <= set(expected), _disagree(
            scheme, "possible verdicts", found.possible_verdicts, expected)
    for branch in found.branches:
        want = (branch.verdict, list(branch.decided_by), list(branch.powers_used))
        for values in itertools.product(*(_values_of(g) for g in branch.given)):
            filled = scheme
            for g, value in zip(branch.given, values):
                filled = ref.fill(filled, g.fact, value)
            for outcome in ref.evaluate(policy, filled)["outcomes"]:
                got = (outcome["verdict"], outcome["decided_by"], ref._once(p for _, p in outcome["powers_used"]))
                assert got == want, _disagree(
                    scheme, f"branch {[(g.fact, v) for g, v in zip(branch.given, values)]}", want, got)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(schemes())
def test_checker_agrees_with_the_reference_evaluator(scheme):
    compare(scheme)


def test_every_case_agrees_with_the_reference_evaluator():
    for path in sorted((REPO / "cases").glob("*.yaml")):
        case = ref.read_yaml(path)
        case.pop("expect")
        compare(case)


def _scheme(**facts):
    return {"id": "s", "title": "s", "jurisdiction": "england", "date": "2023-05-01", **facts}


def test_a_decision_whose_status_is_unknown_is_split_not_an_internal_error():
    # the split once replaced the decisions list with a mapping
    scheme = _scheme(maker={"kind": "icb"}, consultations={"lmc": True},
                     change={"targets": ["qof"], "instrument": "local_incentive_scheme", "practice_opt_in": True},
                     decisions=[{"body": {"kind": "icb"}, "status": "unknown"}])
    assert checker.check(scheme).undetermined.ask[0] == "decisions.0.status"
    compare(scheme)


def test_an_act_beyond_powers_decides_whatever_the_other_act_needs():
    # once 'undetermined' with one possible verdict: the second act's LMC consultation is unknown
    scheme = _scheme(maker={"kind": "icb"}, change={"targets": ["global_sum", "local_services"],
                                                     "instrument": "local_incentive_scheme", "practice_opt_in": True})
    result = checker.check(scheme)
    assert (result.verdict, result.decided_by) == ("ultra_vires", ["no-power:global_sum"])
    compare(scheme)


def test_a_maker_left_out_that_no_power_could_use_is_not_undetermined():
    # once 'undetermined' with one branch and nothing to find out
    scheme = _scheme(change={"targets": ["qof"], "instrument": "direct_payment_change"})
    result = checker.check(scheme)
    assert (result.verdict, result.decided_by) == ("ultra_vires", ["no-power:qof"])
    compare(scheme)


def test_a_policy_comparing_effective_to_splits_on_dates(tmp_path):
    """No shipped component reads effective_to; the split once filled it with
    the number 0 (an internal error). A refusal that compares it, checked by
    both evaluators on schemes with and without it."""
    folder = tmp_path / "policy"
    shutil.copytree(REPO / "tests" / "broken_policies" / "period_gap", folder)
    (folder / "editions" / "england-later.yaml").unlink()
    edition = folder / "editions" / "england.yaml"
    edition.write_text(edition.read_text().replace("{field: change.instrument, eq: local_incentive_scheme}",
                                                   "{field: effective_to, between: [2014-09-01, 2014-12-31]}"))
    policy = ref.load_policy(folder)
    base = {"id": "s", "title": "s", "jurisdiction": "england", "date": "2014-08-01", "maker": {"kind": "area_team"},
            "change": {"targets": ["qof"], "instrument": "local_incentive_scheme", "practice_opt_in": True},
            "decisions": [{"body": {"kind": k}, "status": "granted", "formality": "formal"}
                          for k in ("area_team", "nhse_national")]}
    assert checker.check(base, folder).undetermined.possible_verdicts == ("refused", "valid")
    for end in (None, "2014-08-31", "2014-09-01", "2014-12-31", "2015-01-01"):
        compare({**base, "effective_to": end} if end else base, policy, folder)


def test_the_reference_evaluator_reads_dates_as_text():
    pause = next(r for e in POLICY["editions"] if e["id"] == "england-2013" for r in e["rules"]
                 if r["id"] == "eng13.board-pause-2014-15")
    assert pause["when"]["all"][0]["between"] == ["2014-07-01", "2015-03-31"]


def test_the_reference_evaluator_gives_each_documented_verdict_and_reasons():
    for path in sorted((REPO / "cases").glob("*.yaml")):
        case = ref.read_yaml(path)
        answer = ref.evaluate(POLICY, case)
        assert answer["verdict"] == case["expect"]["verdict"], path.name
        if answer["determined"]:
            assert answer["decided_by"] == case["expect"]["decided_by"], path.name
        else:
            assert answer["possible_verdicts"] == case["expect"]["possible_verdicts"], path.name
