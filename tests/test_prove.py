"""`vires verify --prove`: the solver's proof of each edition, held to the engine.

The proof (checker/trust/prove.py) is a second translation of
docs/policy-format.md, into z3; the engine is the first. These tests hold
the two together: on the shipped policy every property holds and every case
gets the engine's verdict; on a deliberately broken policy
(tests/prove_broken) the proof fails, and its counterexamples run through
`vires check` and give what the proof claims; every witness the proof finds
gives the engine's verdict, decided_by and powers; and on a few hundred
seeded random schemes, unknowns included, the verdicts of every completion
the solver finds are exactly the verdicts the engine gives.
"""
from __future__ import annotations

import functools
import json
import random
import subprocess
import sys

import pytest
import yaml

from checker.diagnostics import InputError
from checker.evaluate.checker import Checker
from checker.load.scheme import existed
from checker.rules.facts import fields
from checker.rules.policy import load_policy
from checker.trust import encode, outcome
from checker.trust.prove import CASE_SLOTS, prove_policy
from checker.trust.prover import EditionProver
from conftest import CASES, REPO, run_vires, sh_commands

BROKEN = REPO / "tests" / "prove_broken"


@pytest.fixture(scope="module")
def shipped():
    """The shipped policy, its checker and its proof (one run for the module)."""
    policy = load_policy()
    return policy, Checker(policy), prove_policy(policy, cases=CASES)


@pytest.fixture(scope="module")
def broken_run():
    """`vires verify --prove` on the broken policy, as text."""
    return _vires("verify", "--prove", "--policy", "tests/prove_broken")


@functools.lru_cache(maxsize=None)
def _vires(*args):
    """`vires ARGS`, run once per module (the full proof takes seconds)."""
    return run_vires(*args)


def _engine(checker, data, file="<proof>"):
    result = checker.check_scheme(checker.from_data(data, file))
    return result.verdict, tuple(result.decided_by), tuple(dict.fromkeys(p.power for p in result.powers_used))


# --- the shipped policy ------------------------------------------------------

def test_every_property_holds_in_every_shipped_edition(shipped):
    policy, _, report = shipped
    assert [e.edition for e in report.editions] == [e.id for e in policy.editions]
    for proof in report.editions:
        assert [(p.name, p.holds) for p in proof.properties] == [
            ("one_verdict", True), ("valid_names_power", True), ("unknown_is_sound", True),
            ("asking_never_beyond_powers", True)], proof.edition
        assert proof.dead == [] and proof.failures == 0, proof.edition
    assert all(p.holds for p in report.periods) and report.failures == 0


def test_every_power_and_rule_of_every_edition_has_a_witness(shipped):
    policy, _, report = shipped
    for edition, proof in zip(policy.editions, report.editions):
        assert set(proof.live) == {x.id for x in edition.powers + edition.rules}  # type: ignore[operator]


def test_every_witness_gives_the_engine_what_the_proof_says(shipped):
    _, checker, report = shipped
    seen = 0
    for proof in report.editions:
        witnesses = {id(w): w for w in list(proof.live.values()) + [o.witness for o in proof.overlaps]}
        for w in witnesses.values():
            assert _engine(checker, w.scheme) == (w.verdict, w.decided_by, w.powers_used), w.scheme["id"]
            seen += 1
    assert seen > 50


def test_each_live_witness_shows_what_it_claims(shipped):
    _, checker, report = shipped
    for proof in report.editions:
        for gid, w in proof.live.items():
            result = checker.check_scheme(checker.from_data(w.scheme))
            fired = set(result.finding_ids()) | set(result.decided_by)
            assert gid in fired | {p.power for p in result.powers_used}, (proof.edition, gid)


def test_overlaps_name_who_decides(shipped):
    _, _, report = shipped
    found = {(o.first, o.second, o.kind, o.either_used, o.rule_decides)
             for e in report.editions for o in e.overlaps}
    # a delegated CCG's scheme beside the CCG local-services power: either can be the one used
    assert ("eng15.delegated-ccg-local-scheme", "eng15.ccg-local-services", "powers",
            ("eng15.delegated-ccg-local-scheme", "eng15.ccg-local-services"), True) in found
    # the 2014 board pause refuses what an area team could otherwise do
    assert ("eng13.board-pause-2014-15", "eng13.area-team-local-scheme", "rule_power", (), True) in found
    # a CCG had no power over QOF in 2013-15: when the pause fires, ultra vires decides
    assert ("eng13.board-pause-2014-15", "eng13.ccg-local-services", "rule_power", (), False) in found


def test_every_case_gets_the_engine_verdict_from_the_solver(shipped):
    _, _, report = shipped
    checks = [c for e in report.editions for c in e.cases]
    assert sorted(c.file.rsplit("/", 1)[1] for c in checks) == sorted(p.name for p in CASES.glob("*.yaml"))
    disagree = [c for c in checks if not c.agrees]
    assert not disagree, disagree
    # undetermined cases compare each possible verdict; determined ones decided_by too
    assert any(len(c.engine) > 1 for c in checks) and any(c.solver_decided_by for c in checks)


def test_the_cli_proves_the_shipped_policy():
    ran = _vires("verify", "--prove")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout.rstrip().endswith("PROVEN: every property holds in every edition")
    assert "FAILS" not in ran.stdout


def test_the_json_proof_is_byte_identical_run_to_run():
    first = run_vires("verify", "--prove", "--edition", "wales", "--format", "json")
    second = run_vires("verify", "--prove", "--edition", "wales", "--format", "json")
    assert first.returncode == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["failures"] == 0 and [e["edition"] for e in data["editions"]] == ["wales"]


def test_an_unknown_edition_is_bad_input():
    ran = run_vires("verify", "--prove", "--edition", "englnd-2015")
    assert ran.returncode == 2 and "verify.unknown_edition" in ran.stderr


# --- the broken policy ------------------------------------------------------

def _blocks(text: str) -> list[str]:
    """Every scheme the report prints, as the YAML a person would save."""
    out, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        if line.rstrip().endswith("FILE`:"):
            body = []
            for nxt in lines[i + 1:]:
                if not nxt.startswith(" " * 8) or nxt.strip() == "":
                    break
                body.append(nxt)
            indent = len(body[0]) - len(body[0].lstrip())
            out.append("\n".join(b[indent:] for b in body) + "\n")
    return out


def test_the_broken_policy_fails_with_counterexamples(broken_run):
    assert broken_run.returncode == 1, broken_run.stdout + broken_run.stderr
    text = broken_run.stdout
    assert "asking_never_beyond_powers: FAILS" in text
    assert "power brk.compelled-service: never used" in text and "because of: brk.compelled-service/voluntary" in text
    assert text.rstrip().endswith("FAILED: 2 failure(s)")
    assert len(_blocks(text)) == 2


def test_the_counterexample_runs_and_gives_the_claimed_verdict(broken_run, tmp_path):
    scheme = _blocks(broken_run.stdout)[0]
    path = tmp_path / "counterexample.yaml"
    path.write_text(scheme)
    ran = run_vires("check", "--policy", BROKEN, "--format", "json", path)
    assert ran.returncode == 1, ran.stderr
    [result] = json.loads(ran.stdout)
    assert (result["verdict"], result["decided_by"]) == ("ultra_vires", ["brk.gpc-request-prohibited"])
    assert "counterexample (ultra_vires, decided by brk.gpc-request-prohibited)" in broken_run.stdout
    # and, as the report says, without the request it is not beyond powers
    data = yaml.safe_load(scheme)
    assert data["requested_by"][-1] == {"kind": "gpc"}
    data["requested_by"] = data["requested_by"][:-1] or None
    if data["requested_by"] is None:
        del data["requested_by"]
    path.write_text(yaml.safe_dump(data))
    ran = run_vires("check", "--policy", BROKEN, "--format", "json", path)
    [result] = json.loads(ran.stdout)
    assert f"without its last requested_by entry it is {result['verdict']}, decided by " \
           f"{', '.join(result['decided_by'])}" in broken_run.stdout
    assert result["verdict"] != "ultra_vires"


def test_the_dead_power_comes_with_its_nearest_scheme(broken_run, tmp_path):
    scheme = _blocks(broken_run.stdout)[1]
    path = tmp_path / "nearest.yaml"
    path.write_text(scheme)
    ran = run_vires("check", "--policy", BROKEN, "--format", "json", path)
    [result] = json.loads(ran.stdout)
    assert (result["verdict"], result["decided_by"]) == ("ultra_vires", ["brk.compelled-service/voluntary"])


def test_two_editions_on_one_day_fail_with_a_scheme_dated_in_both(tmp_path):
    policy = tmp_path / "policy"
    (policy / "editions").mkdir(parents=True)
    text = (BROKEN / "editions" / "england.yaml").read_text()
    (policy / "editions" / "england.yaml").write_text(text)
    later = text.replace("edition: broken-england", "edition: broken-england-later").replace(
        "from: 2013-04-01", "from: 2020-01-01").replace("brk.", "brl.")
    (policy / "editions" / "england-later.yaml").write_text(later)
    report = prove_policy(load_policy(policy), cases=None)
    [england] = [p for p in report.periods if p.name == "one_edition:england"]
    assert not england.holds and england.counterexample.scheme["date"] == "2020-01-01"
    assert england.detail == "2020-01-01 is in broken-england and in broken-england-later"


# --- the solver against the engine, on random schemes -----------------------

KINDS = fields()["maker.kind"]["values"]
LEVELS = ["none", "greater_involvement", "joint", "delegated"]


def _pick(rng, values, unknown=0.15, absent=0.15):
    """A value, 'unknown', or None for a fact left out."""
    x = rng.random()
    return None if x < absent else "unknown" if x < absent + unknown else rng.choice(values)


def _body(rng, policy, date, level=True, where=None):
    kind = rng.choice([k for k in KINDS if existed(policy.lifespans, k, date, where)])
    body = {"kind": kind}
    if kind == "ccg" and level and rng.random() < 0.7:
        body["co_commissioning"] = rng.choice(LEVELS)
    return body


def random_scheme(rng, policy, n: int) -> dict:
    """A valid scheme of a random edition, its facts given, 'unknown' or left out."""
    spec = fields()
    edition = rng.choice(policy.editions)
    start, end = max(edition.start, "2004-04-01"), min(edition.end, "2027-03-31")
    year = rng.randint(int(start[:4]), int(end[:4]))
    date = min(max(f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", start), end)
    change: dict = {"targets": rng.sample(spec["change.target"]["values"], rng.randint(1, 3))}
    data: dict = {"id": f"random-{n}", "title": "A random scheme", "jurisdiction": edition.jurisdiction,
                  "date": date, "change": change}
    x = rng.random()
    if x < 0.8:
        data["maker"] = _body(rng, policy, date, where=edition.jurisdiction) if x < 0.7 else "unknown"
    for name, values in (("instrument", spec["change.instrument"]["values"]),
                         ("scope", spec["change.scope"]["values"]), ("income", spec["change.income"]["values"]),
                         ("practice_opt_in", [True, False]), ("remaining_indicators_continue", [True, False]),
                         ("share_of_points", [0, 10, 50, 99.5, 100])):
        value = _pick(rng, values, absent=0.2 if name == "instrument" else 0.3)
        if value is not None:
            change[name] = value
    work = rng.choice(["none", "unknown", None, {}, {"measurement": "unknown"}]
                      + [{"measurement": m} for m in spec["change.alternative_work.measurement"]["values"]])
    if work is not None:
        change["alternative_work"] = work
    consulted = {k: v for k, v in (("lmc", _pick(rng, [True, False])), ("gpc", _pick(rng, [True, False])),
                                   ("local_weeks", _pick(rng, [0, 6, 12, 13]))) if v is not None}
    if consulted:
        data["consultations"] = consulted
    level = _pick(rng, [0, 1, 3, 4])
    if level is not None:
        data["circumstances"] = {"national_incident_level": level}
    if rng.random() < 0.6:
        data["effective_from"] = f"{year + rng.randint(0, 1)}-{rng.choice([1, 3, 4, 6, 10, 12]):02d}-" \
                                 f"{rng.choice([1, 2, 15]):02d}"
    for name in ("requested_by", "parties"):
        if rng.random() < 0.5:
            data[name] = [_body(rng, policy, date, where=edition.jurisdiction) for _ in range(rng.randint(1, 2))]
    decisions = []
    for _ in range(rng.randint(0, 3)):
        maker = data["maker"]["kind"] if isinstance(data.get("maker"), dict) and rng.random() < 0.5 else None
        decision = {"body": {"kind": maker or _body(rng, policy, date, False, edition.jurisdiction)["kind"]},
                    "status": rng.choice(spec["decisions.status"]["values"] + ["unknown"])}
        formality = _pick(rng, ["formal", "informal"], 0.2, 0.2)
        if formality is not None or decision["status"] == "granted":
            decision["formality"] = formality or "unknown"
        decisions.append(decision)
    if decisions:
        data["decisions"] = decisions
    if rng.random() < 0.3:
        data["objections"] = [{"body": _body(rng, policy, date, False, edition.jurisdiction)}]
    return data


def _agree(checker, provers, policy, data) -> tuple[bool, str]:
    result = checker.check_scheme(checker.from_data(data))
    prover = provers.get(result.edition)
    if prover is None:
        prover = provers[result.edition] = EditionProver(policy.edition(result.edition), policy.lifespans,
                                                         CASE_SLOTS)
    judged = prover.judge(data)
    if result.undetermined is not None:
        engine = set(result.undetermined.possible_verdicts)
        solver = set(judged.verdicts)
        ok = engine == solver if result.undetermined.complete else engine <= solver
        return ok, f"undetermined {sorted(engine)} vs solver {sorted(solver)}"
    ok = judged.verdicts == (result.verdict,) and judged.decided_by == frozenset(result.decided_by)
    return ok, f"{result.verdict} {result.decided_by} vs solver {judged}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_solver_and_the_engine_agree_on_random_schemes(seed, shipped):
    policy, checker, _ = shipped
    rng, provers = random.Random(seed), {}
    undetermined = 0
    for n in range(110):
        data = random_scheme(rng, policy, n)
        try:
            checker.from_data(data)
        except InputError as err:  # the generator writes only valid schemes
            pytest.fail(f"{data}: {err}")
        ok, why = _agree(checker, provers, policy, data)
        assert ok, f"{data}: {why}"
        undetermined += checker.check_scheme(checker.from_data(data)).verdict == "undetermined"
    assert 5 <= undetermined <= 105  # both kinds of answer are held to the solver (seed 3 gives 10)


def test_a_split_on_a_decision_status_keeps_the_decisions(shipped):
    # found by the random cross-check: filling decisions.0.status replaced the list
    policy, checker, _ = shipped
    data = {"id": "unknown-own-decision", "title": "t", "jurisdiction": "england", "date": "2016-05-01",
            "maker": {"kind": "ccg", "co_commissioning": "delegated"},
            "change": {"targets": ["local_services"], "instrument": "local_incentive_scheme",
                       "practice_opt_in": True},
            "consultations": {"lmc": True}, "decisions": [{"body": {"kind": "ccg"}, "status": "unknown"}]}
    result = checker.check_scheme(checker.from_data(data))
    assert set(result.undetermined.possible_verdicts) == {"refused", "pending", "valid"}
    assert _agree(checker, {}, policy, data)[0]


# --- the encoding ------------------------------------------------------------

def test_kleene_soundness_holds_component_by_component(shipped):
    """unknown_is_sound proves it fact by fact and argues the rest by induction on
    the connectives (docs/proof.md); here the induction's conclusion is checked
    directly, for every component of one edition."""
    policy, _, _ = shipped
    prover = EditionProver(policy.edition("england-2013"), policy.lifespans)
    full, _, solver, _ = prover._completion()
    record = prover.record
    for cid, _ in record.components:
        broken = encode.OR(*(encode.AND(record.targets[t], encode.OR(
            encode.AND(record.truths(t)[cid][0], encode.NOT(full.truths(t)[cid][0])),
            encode.AND(encode.NOT(record.truths(t)[cid][1]), full.truths(t)[cid][1])))
            for t in record.target_names))
        assert not prover._holds(broken, solver=solver), cid


def test_an_unsound_encoding_fails_unknown_is_sound(shipped):
    """The property can fail: an encoding that took an opt-in left out for a known
    fact (silence as a 'no') is caught, with the scheme that shows it."""
    policy, _, _ = shipped
    prover = EditionProver(policy.edition("england-2022"), policy.lifespans)
    prover.record.facts["change.practice_opt_in"].known = True  # the defect
    found = prover.unknown_is_sound()
    assert not found.holds and found.detail.startswith("change.practice_opt_in is known")
    assert "practice_opt_in" not in found.counterexample.scheme["change"]
    assert "practice_opt_in" in found.counterexample.note


def test_the_encoding_and_the_engine_try_as_many_unknowns():
    from checker.evaluate.verdict import MAX_UNKNOWN

    assert outcome.MAX_UNKNOWN == MAX_UNKNOWN == 12  # policy-format.md: "up to 12 of them"


def test_the_slot_bound_counts_quantifiers_and_standings(shipped):
    policy, _, _ = shipped
    counts = encode.slot_counts(policy.edition("england-2013"))
    # two quantifiers over decisions (risks), four standings read, and the maker's
    assert counts["decisions"] == 2 * 2 + 4 + 1
    assert counts["objections"] == 2 * 2 and counts["requested_by"] == 0


def test_the_solver_is_imported_only_for_prove():
    script = ("import sys\nfrom checker.cli import main\n"
              "sys.argv = ['vires', 'check', 'cases/leeds-2017.yaml']\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "print('z3' in sys.modules, file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.stderr.strip().splitlines()[-1] == "False"


def test_without_the_solver_prove_says_what_to_install():
    script = ("import sys\nsys.modules['z3'] = None\nfrom checker.cli import main\n"
              "sys.argv = ['vires', 'verify', '--prove']\nmain()\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "verify.no_solver" in proc.stderr and "pip install 'vires[prove]'" in proc.stderr


# --- the document ------------------------------------------------------------

@pytest.mark.parametrize("command, comment", sh_commands((REPO / "docs" / "proof.md").read_text()))
def test_every_command_of_the_proof_document_runs(command, comment):
    args = command.split()
    assert args[0] == ".venv/bin/vires"
    ran = _vires(*args[1:])
    expected = int(comment.split("exit ")[1].split(":")[0]) if "exit " in comment else 0
    assert ran.returncode == expected, (command, ran.stdout[-2000:], ran.stderr)
