"""Reading what people and programs write: YAML read as YAML 1.2 reads it,
values read as the schema means them, Python data as Python makes it, and
only regular files read, never blocking (checker/load/yamlfile.py,
checker/load/coerce.py)."""
from __future__ import annotations

import datetime
import json
import os
import shutil

import pytest
import yaml

import checker
from checker.load.yamlfile import parse_yaml
from conftest import CASES, policy_copy, run_console, run_vires

LEEDS = CASES / "leeds-2017.yaml"


@pytest.mark.parametrize("written, read", [
    ("1:30", "1:30"),          # YAML 1.1: 90
    ("1_000", "1_000"),        # YAML 1.1: 1000
    ("yes", "yes"), ("No", "No"), ("on", "on"), ("OFF", "OFF"), ("y", "y"),  # YAML 1.1: booleans
    ("1e-5", 1e-05),           # YAML 1.1: the text '1e-5'
    ("0.00001", 1e-05),
    ("0x1f", 31), ("0o12", 10),
    ("true", True), ("False", False), ("~", None), ("12", 12), ("-0", 0),
    ("2014-01-27", "2014-01-27"),
])
def test_plain_values_are_read_as_yaml_1_2_reads_them(written, read):
    doc, problems = parse_yaml(f"a: {written}\n")
    assert problems == [] and doc.data == {"a": read}
    assert type(doc.data["a"]) is type(read)


@pytest.mark.parametrize("written, code, hint", [
    ("012", "yaml.ambiguous_number", "write 12 without the leading zero, or put the value in quotes ('012')"),
    ("-007", "yaml.ambiguous_number", "write -7 without the leading zero"),
    ("089", "yaml.ambiguous_number", "write 89"),
    (".nan", "input.bad_number", "write a number such as 40"),
    ("-.inf", "input.bad_number", "write a number such as 40"),
    ("1e999", "input.bad_number", "write a number such as 40"),
    ("9" * 5000, "input.bad_number", "a number of a sensible size"),
])
def test_numbers_yaml_readers_disagree_on_or_that_are_not_finite_are_refused(written, code, hint):
    doc, problems = parse_yaml(f"a: {written}\n")
    assert [(p.code, p.line) for p in problems] == [(code, 1)]
    assert hint in problems[0].hint


def _leeds_with(tmp_path, old, new):
    text = LEEDS.read_text()
    assert old in text
    path = tmp_path / "leeds.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize("old, new", [
    ("practice_opt_in: true", "practice_opt_in: yes"),
    ("practice_opt_in: true", "practice_opt_in: On"),
    ("share_of_points: 80", "share_of_points: 80%"),
    ("share_of_points: 80", "share_of_points: '80 %'"),
    ("share_of_points: 80", "share_of_points: 8e1"),
])
def test_values_are_read_as_the_schema_means_them(old, new, tmp_path):
    same = checker.check_file(_leeds_with(tmp_path, old, new))
    assert same.to_dict() | {"file": ""} == checker.check_file(LEEDS).to_dict() | {"file": ""}


def test_yes_stays_text_where_text_is_meant(tmp_path):
    result = checker.check_file(_leeds_with(tmp_path, "name: Leeds LMC", "name: NO"))
    assert result.verdict == "ultra_vires"
    scheme = checker.check(yaml.safe_load(LEEDS.read_text()) | {"place": "yes"})
    assert scheme.verdict == "ultra_vires"


def test_a_percentage_out_of_bounds_is_still_refused(tmp_path):
    proc = run_vires("check", _leeds_with(tmp_path, "share_of_points: 80", "share_of_points: 140%"))
    assert proc.returncode == 2 and "[scheme.out_of_range]" in proc.stderr


def test_an_octal_looking_number_does_not_change_a_verdict_unseen(tmp_path):
    """On main, `local_weeks: 012` was read as 10 weeks and turned a valid scheme ultra vires."""
    case = CASES / "hypothetical-icb-suspension-after-consultation-2023.yaml"
    text = case.read_text()
    assert "local_weeks: 12" in text
    path = tmp_path / "octal.yaml"
    path.write_text(text.replace("local_weeks: 12", "local_weeks: 012"))
    proc = run_vires("check", path)
    assert proc.returncode == 2 and "[yaml.ambiguous_number]" in proc.stderr
    assert "write 12 without the leading zero" in proc.stderr


# --- the public API: Python data as Python makes it ---------------------------

def test_the_api_takes_what_pyyaml_returns():
    data = yaml.safe_load(LEEDS.read_text())
    assert isinstance(data["date"], datetime.date)
    assert checker.check(data).to_dict() | {"file": ""} == checker.check_file(LEEDS).to_dict() | {"file": ""}
    assert isinstance(data["date"], datetime.date)  # the caller's data is not changed


def test_the_api_takes_what_json_load_returns(tmp_path):
    path = tmp_path / "leeds.json"
    path.write_text(json.dumps(yaml.safe_load(LEEDS.read_text()), default=str))
    with open(path) as handle:
        data = json.load(handle)
    assert checker.check(data).verdict == "ultra_vires"


def test_the_api_takes_tuples_and_dates_anywhere():
    data = yaml.safe_load(LEEDS.read_text())
    data["requested_by"] = tuple(data["requested_by"])
    data["change"]["targets"] = tuple(data["change"]["targets"])
    data["decisions"][1]["date"] = datetime.date(2017, 2, 2)
    assert checker.check(data).verdict == "ultra_vires"


@pytest.mark.parametrize("value, code, words", [
    (datetime.datetime(2014, 1, 27, 10, 0), "input.bad_value", "a date with a time of day (2014-01-27 10:00:00)"),
    (float("nan"), "input.bad_number", "nan is not a finite number"),
    ({1, 2}, "input.bad_value", "a Python set"),
])
def test_the_api_says_plainly_what_it_cannot_take(value, code, words):
    data = yaml.safe_load(LEEDS.read_text())
    data["date"] = value
    with pytest.raises(checker.InputError) as err:
        checker.check(data)
    first = err.value.diagnostics[0]
    assert first.code == code and words in first.message and first.path == ("date",)
    assert "text" not in first.message  # main said: "date should be text, not the text '2014-01-27'"


def test_a_wrong_type_never_contradicts_itself():
    data = yaml.safe_load(LEEDS.read_text())
    data["title"] = 2017
    with pytest.raises(checker.InputError) as err:
        checker.check(data)
    assert err.value.diagnostics[0].message == "title should be text, not the number 2017"


# --- only regular files, never blocking ---------------------------------------

@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


def test_check_refuses_a_named_pipe_at_once(fifo):
    proc = run_console("check", fifo, timeout=60)
    assert proc.returncode == 2
    assert f"{fifo}: error: this is a named pipe (FIFO), not a file vires can read [input.not_regular]" \
        in proc.stderr


def test_a_named_pipe_among_the_editions_is_refused(tmp_path):
    policy = policy_copy(tmp_path)
    os.mkfifo(policy / "editions" / "zz.yaml")
    proc = run_console("check", "--policy", policy, LEEDS, timeout=60, env={"VIRES_NO_CACHE": "1"})
    assert proc.returncode == 2 and "[input.not_regular]" in proc.stderr


def test_a_named_pipe_in_a_case_folder_is_refused(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    shutil.copy(LEEDS, folder)
    os.mkfifo(folder / "pipe.yaml")
    proc = run_console("test", folder, timeout=60)
    assert proc.returncode == 2 and "[input.not_regular]" in proc.stderr


def test_a_device_is_refused():
    proc = run_vires("check", "/dev/zero")
    assert proc.returncode == 2 and "this is a device" in proc.stderr

