"""`vires new`: the guided scheme builder, driven by answers on standard input."""
from __future__ import annotations

import pytest
import yaml

from checker import check_file
from checker.cli.new import Answers, Interview
from checker.load import schema
from checker.load.casefile import CASE_KEYS
from checker.load.interview import FLOW, BadAnswer, Group, parse_answer
from checker.load.yamlfile import parse_yaml
from checker.reporters.scheme_yaml import render_scheme
from checker.rules.policy import load_policy
from conftest import CASES, REPO, run_vires

EXAMPLES = REPO / "docs" / "examples"
BUILT = ["leeds-2017", "somerset-2014-enhanced-service", "cumbria-2014"]


def _flat(value):
    """Data with strings' whitespace folded (a folded YAML block ends in a newline)."""
    if isinstance(value, dict):
        return {k: _flat(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_flat(v) for v in value]
    return " ".join(value.split()) if isinstance(value, str) else value


def _build(tmp_path, answers: str, *extra):
    out = tmp_path / "scheme.yaml"
    proc = run_vires("new", "-o", out, *extra, input=answers)
    return proc, out


@pytest.mark.parametrize("case", BUILT)
def test_library_case_built_through_the_interview_gets_the_same_verdict(case, tmp_path):
    proc, out = _build(tmp_path, (EXAMPLES / f"{case}.answers").read_text())
    assert proc.returncode == 0, proc.stderr
    assert f"Wrote {out}." in proc.stdout
    text = out.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert (out.parent / text.split("$schema=", 1)[1].splitlines()[0]).resolve().is_file()
    built, original = check_file(out), check_file(CASES / f"{case}.yaml")
    expect = yaml.safe_load((CASES / f"{case}.yaml").read_text())["expect"]
    assert built.verdict == original.verdict == expect["verdict"]
    assert sorted(built.decided_by) == sorted(original.decided_by) == sorted(expect["decided_by"])
    assert built.finding_ids() == original.finding_ids()
    # The answers reproduce the case's facts exactly, not just its verdict.
    facts = {k: v for k, v in yaml.safe_load((CASES / f"{case}.yaml").read_text()).items() if k not in CASE_KEYS}
    assert _flat(yaml.safe_load(text)) == _flat(facts)
    # The last answer was "yes": the check is printed after the file is written.
    assert proc.stdout.index("Wrote") < proc.stdout.index(built.title)


def test_written_file_has_comments_from_the_schema(tmp_path):
    proc, out = _build(tmp_path, (EXAMPLES / "leeds-2017.answers").read_text())
    text = out.read_text()
    assert "# The bodies that ask for the change: asking is never beyond anyone's powers" in text
    assert "# The body that would make the change, whose power it needs" in text
    assert "kind: ccg  # Clinical commissioning group (CCG)" in text
    assert "co_commissioning: delegated  # Level 3, delegated commissioning" in text
    assert 'targets: ["qof"]  # QOF' in text
    assert "practice_opt_in: true  # practices choose whether to join" in text
    assert "alternative_work: none  # No alternative work" in text


def test_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "scheme.yaml"
    out.write_text("precious\n")
    answers = (EXAMPLES / "cumbria-2014.answers").read_text()
    proc = run_vires("new", "-o", out, input=answers)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "already exists" in proc.stderr and "--force" in proc.stderr
    assert out.read_text() == "precious\n"
    proc = run_vires("new", "-o", out, "--force", input=answers)
    assert proc.returncode == 0, proc.stderr
    assert "id: cumbria-2014" in out.read_text()


def test_without_o_the_file_is_named_after_the_id(tmp_path):
    proc = run_vires("new", input=(EXAMPLES / "cumbria-2014.answers").read_text(), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "cumbria-2014.yaml").is_file()


def test_missing_output_folder_is_refused_before_the_questions(tmp_path):
    proc = run_vires("new", "-o", tmp_path / "nowhere" / "s.yaml", input="")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "output.no_folder" in proc.stderr


def _answers_with(line_no: int, answer: str) -> str:
    """The Cumbria answers with one answer line replaced (1-based, counting comments)."""
    lines = (EXAMPLES / "cumbria-2014.answers").read_text().splitlines()
    lines[line_no - 1] = answer
    return "\n".join(lines) + "\n"


def test_bad_choice_is_a_located_error_with_a_suggestion(tmp_path):
    # Line 5 of the file (after two comment lines) is the jurisdiction.
    proc, out = _build(tmp_path, _answers_with(5, "englund"))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("<stdin>:5:1: error: 'englund' is not one of the choices")
    assert "did you mean 'england'?" in proc.stderr
    assert not out.exists()


def test_bad_date_is_refused(tmp_path):
    proc, _ = _build(tmp_path, _answers_with(6, "2014-02-30"))
    assert proc.returncode == 2
    assert "<stdin>:6:1" in proc.stderr and "'2014-02-30' is not a date: February 2014 has no day 30" in proc.stderr
    assert "February 2014 has 28 days" in proc.stderr


def test_end_before_start_is_refused_when_the_end_is_given(tmp_path):
    proc, _ = _build(tmp_path, _answers_with(9, "2014-01-01"))  # effective_to
    assert proc.returncode == 2
    assert "<stdin>:9:1" in proc.stderr and "is before effective_from" in proc.stderr


@pytest.mark.parametrize("old,new,line", [("nhse_region\n", "area_team\n", 29),  # a decision's body
                                          ("\nccg\n", "\nicb\n", 15),  # the maker
                                          ("\nlmc\n", "\nicb\n", 13)])  # who asks
def test_a_body_that_did_not_exist_on_the_date_is_refused(tmp_path, old, new, line):
    answers = (EXAMPLES / "leeds-2017.answers").read_text().replace(old, new, 1)
    proc, _ = _build(tmp_path, answers)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"<stdin>:{line}:1: error: ")
    kind = {"area_team": "NHS England area team", "icb": "integrated care board"}[new.strip()]
    assert f"no {kind}" in proc.stderr and "existed on 2017-02-02" in proc.stderr


def test_a_date_no_edition_covers_is_refused(tmp_path):
    proc, _ = _build(tmp_path, _answers_with(6, "2010-06-01"))
    assert proc.returncode == 2
    assert "no policy edition covers england on 2010-06-01" in proc.stderr


def test_end_of_answers_takes_the_defaults(tmp_path):
    # Title, place, jurisdiction (default), date, id (default), from, to,
    # years (default), background, requesters (default 0), the maker's kind
    # and name, parties (default 0), targets (default), instrument; then the
    # answers end.
    answers = "\n".join(["A trial scheme", "Somerset", "", "2014-01-20", "", "", "", "", "", "",
                         "area_team", "NHS England Somerset area team", "", "", "local_variation"]) + "\n"
    proc, out = _build(tmp_path, answers)
    assert proc.returncode == 0, proc.stderr
    data = yaml.safe_load(out.read_text())
    assert data["id"] == "somerset-2014" and data["contract_years"] == ["2013/14"]
    assert data["jurisdiction"] == "england" and "requested_by" not in data
    assert data["maker"] == {"kind": "area_team", "name": "NHS England Somerset area team"}
    assert data["change"] == {"targets": ["qof"], "instrument": "local_variation"}
    # Checked (the default is yes): nothing else is given, so the answer is undetermined.
    assert "policy edition: england-2013" in proc.stdout and "UNDETERMINED" in proc.stdout


def test_dont_know_writes_unknown_where_the_schema_allows_it(tmp_path):
    # ? for the maker's kind writes maker: unknown and skips its name; ? for
    # the instrument, practice_opt_in and a number writes unknown; 'none' for
    # the alternative work's description writes alternative_work: none.
    answers = "\n".join(["A draft", "Leeds", "", "2023-05-01", "", "", "", "", "",
                         "0", "?", "0", "qof, global_sum", "?", "share_of_points", "?", "", "?", "?", "",
                         "none", "0", "?", "", "?", "0", "", "", "no"]) + "\n"
    proc, out = _build(tmp_path, answers)
    assert proc.returncode == 0, proc.stderr
    data = yaml.safe_load(out.read_text())
    assert data["maker"] == "unknown"
    assert data["change"] == {"targets": ["qof", "global_sum"], "instrument": "unknown",
                              "scope": "share_of_points", "share_of_points": "unknown", "income": "unknown",
                              "practice_opt_in": "unknown", "alternative_work": "none"}
    assert data["consultations"] == {"lmc": "unknown", "local_weeks": "unknown"}
    assert check_file(out).verdict == "undetermined"


def test_dont_know_is_refused_where_a_fact_cannot_be_unknown(tmp_path):
    proc, _ = _build(tmp_path, "A draft\nLeeds\n\n?\n")
    assert proc.returncode == 2
    assert proc.stderr.startswith("<stdin>:4:1: error: this fact cannot be left unknown")


def test_a_grant_needs_its_formality(tmp_path):
    lines = (EXAMPLES / "leeds-2017.answers").read_text().splitlines()
    assert lines[32 - 1] == "informal"  # the formality of the first decision, a grant
    lines[32 - 1] = ""
    proc, _ = _build(tmp_path, "\n".join(lines) + "\n")
    assert proc.returncode == 2
    assert proc.stderr.startswith("<stdin>:32:1: error: an answer is needed here")
    lines[32 - 1] = "?"  # not known is an answer: the grant's formality is unknown
    proc, out = _build(tmp_path, "\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert yaml.safe_load(out.read_text())["decisions"][0]["formality"] == "unknown"


def test_end_of_answers_before_a_required_question_is_an_error(tmp_path):
    proc, out = _build(tmp_path, "A trial scheme\nSomerset\n")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("<stdin>:3:1: error: the answers ended before this question")
    assert "When was it proposed or decided?" in proc.stderr and "--questions" in proc.stderr
    assert not out.exists()


def test_no_check_when_the_last_answer_is_no(tmp_path):
    answers = (EXAMPLES / "cumbria-2014.answers").read_text().rstrip("\n").rsplit("\n", 1)[0] + "\nno\n"
    proc, _ = _build(tmp_path, answers)
    assert proc.returncode == 0, proc.stderr
    assert "Check it later with: vires check" in proc.stdout and "REFUSED" not in proc.stdout


def test_at_a_terminal_a_bad_answer_is_asked_again():
    said = []
    answers = ["A trial", "Somerset", "Englund", "9", "1", "2014-13-01", "2014-01-20", "", "", "", "", "",
               "", "9x", "ccg", "", "", "", "local_variation"]
    scheme = Interview(Answers(answers), say=said.append, policy=load_policy(None)).run()
    assert scheme["jurisdiction"] == "england" and scheme["date"] == "2014-01-20"
    assert scheme["maker"] == {"kind": "ccg"}
    complaints = [s for s in said if s.startswith("  !")]
    assert len(complaints) == 4, complaints  # Englund, 9, 2014-13-01, 9x
    assert "did you mean 'england'?" in complaints[0] and "from 1 to 4" in complaints[1]
    # Choices are shown with their one-line explanation from the schema.
    assert any("4. northern_ireland  Northern Ireland: the Department of Health" in s for s in said)


@pytest.mark.parametrize("path,text,value", [
    (("requested_by", 0, "kind"), "5", "ccg"), (("maker", "kind"), "ccg", "ccg"), (("maker", "kind"), "CCG", "ccg"),
    (("jurisdiction",), "northern ireland", "northern_ireland"), (("change", "practice_opt_in"), "yes", True),
    (("change", "practice_opt_in"), "2", False), (("change", "targets"), "qof, 2", ["qof", "global_sum"]),
    (("change", "share_of_points"), "30", 30)])
def test_choices_by_number_or_name(path, text, value):
    assert parse_answer(text, schema.unwrap(schema.node_at(path))[0]) == value


@pytest.mark.parametrize("path,text", [(("requested_by", 0, "kind"), "99"), (("change", "share_of_points"), "101"),
                                       (("change", "practice_opt_in"), "maybe"), (("id",), "Leeds 2017"),
                                       (("contract_years",), "2016-17"), (("change", "targets"), "qof, gsum"),
                                       (("change", "targets"), ",")])
def test_bad_answers_are_refused(path, text):
    with pytest.raises(BadAnswer):
        parse_answer(text, schema.unwrap(schema.node_at(path))[0])


def _asked(flow, prefix=()):
    for step in flow:
        if isinstance(step, Group):
            yield step.path
            yield from _asked(step.questions, step.path + (0,))
        else:
            yield prefix + step.path


def _fields(node, path=()):
    props = node.get("properties", {})
    for key in props:
        child = schema.unwrap(schema.node_at(path + (key,)))[0]  # a field that may be unknown: its own node
        if "properties" in child:
            yield from _fields(child, path + (key,))
        elif "items" in child and "properties" in schema.node_at(path + (key, 0)):
            yield path + (key,)
            yield from _fields(schema.node_at(path + (key, 0)), path + (key, 0))
        else:
            yield path + (key,)


def test_the_interview_asks_for_every_field_of_the_schema():
    asked = set(_asked(FLOW))
    every = {p for p in _fields(schema.node_at(())) if p[0] not in CASE_KEYS + ("$schema",)}
    assert every - asked == set()
    assert asked - every == set()


def test_questions_lists_the_order(tmp_path):
    proc = run_vires("new", "--questions")
    assert proc.returncode == 0
    assert " 1. title:" in proc.stdout and "decisions[].status (1=granted" in proc.stdout
    assert "maker.kind (1=secretary_of_state" in proc.stdout and "change.targets (1=qof" in proc.stdout
    assert "decisions[].formality (1=formal, 2=informal, 3=unknown)" in proc.stdout
    assert "an answer is needed for a grant" in proc.stdout
    assert "Check the scheme now?" in proc.stdout.splitlines()[-1]


@pytest.mark.parametrize("text", ["yes", "no", "a: b", "x #y", "2017", "plans \"rigorously\"", "null",
                                  "café", "- item", "[x]", "ends with space "])
def test_writer_round_trips_awkward_text(text):
    data = {"id": "x", "title": text, "change": {"targets": ["qof"]}}
    doc, problems = parse_yaml(render_scheme(data, "s.json"))
    assert problems == [] and doc.data == data
