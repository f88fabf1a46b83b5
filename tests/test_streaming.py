"""`vires check` over many files writes each file's result as it goes and
lets it go (issue 14): the report is the same text as rendering every result
at once, and no file is checked before the one before it is written."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import checker.cli.check as check_command
from checker.cli import app
from checker.evaluate.checker import checker_for
from checker.reporters import json_report, table, text
from conftest import CASES

FILES = sorted(CASES.glob("*.yaml"))[:4]


@pytest.mark.parametrize("reporter", [json_report, text, table])
def test_the_streamed_report_is_the_whole_report(reporter, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    results = [check_command.check_one(checker_for(), path) for path in [FILES[0], bad, *FILES[1:]]]
    pieces = list(reporter.stream_results(iter(results)))
    assert "".join(pieces) == reporter.render_results(results)
    if reporter is not table:  # the table is written once its columns are known
        assert len(pieces) >= len(results)


def test_the_streamed_json_is_the_array_json_dumps_writes():
    results = [checker_for().check_scheme(checker_for().load(path)) for path in FILES]
    streamed = "".join(json_report.stream_results(iter(results)))
    assert streamed == json_report.dumps([json_report.result_dict(r) for r in results])
    assert [item["scheme"] for item in json.loads(streamed)] == [r.scheme for r in results]
    assert "".join(json_report.stream_results(iter([]))) == json_report.dumps([])


@pytest.mark.parametrize("form", ["json", "text"])
def test_each_result_is_written_before_the_next_file_is_checked(form, monkeypatch):
    events: list[str] = []
    checked = check_command.check_one

    def check_one(checker, path):
        events.append("check")
        return checked(checker, path)

    monkeypatch.setattr(check_command, "check_one", check_one)
    monkeypatch.setattr(check_command.typer, "echo",
                        lambda message="", nl=True, err=False: events.append("err" if err else "write"))
    result = CliRunner().invoke(app, ["check", "--format", form, *map(str, FILES)])
    assert result.exit_code in (0, 1, 4), result.output
    writes = [e for e in events if e != "err"]
    assert writes[:2] == ["check", "write"]  # the first result is out before the second file is read
    assert writes.count("check") == len(FILES)
    for i, event in enumerate(writes[:-1]):
        if event == "check":
            assert writes[i + 1] == "write"


def test_reading_a_file_keeps_none_of_its_yaml_nodes():
    from checker.load import yamlfile

    for path in FILES:
        checker_for().load(path)
    assert len(yamlfile._scalars.constructed_objects) == 0  # a batch of files would keep every node
