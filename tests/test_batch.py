"""`vires check a.yaml bad.yaml b.yaml`: every file gets its result or its
located diagnostics, in argument order, in text, table and JSON, and the run
exits with the worst code. On main one bad file hid every result."""
from __future__ import annotations

import json

import pytest

from conftest import CASES, run_vires

VALID = CASES / "somerset-2014-enhanced-service.yaml"
NOT_VALID = CASES / "leeds-2017.yaml"
EXIT_VALID, EXIT_NOT_VALID, EXIT_BAD_INPUT, EXIT_BUG = 0, 1, 2, 3


@pytest.fixture
def bad(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(VALID.read_text().replace("jurisdiction: england", "jurisdiction: englnd"))
    return path


def test_text_reports_every_file_in_argument_order(bad):
    proc = run_vires("check", NOT_VALID, bad, VALID)
    assert proc.returncode == EXIT_BAD_INPUT
    out = proc.stdout
    where = [out.index(f"{NOT_VALID}: "), out.index(f"{bad}: not checked"), out.index(f"{VALID}: ")]
    assert where == sorted(where)
    block = out[where[1]:where[2]]
    assert f"{bad}:" in block and "[scheme.bad_value]" in block and "did you mean 'england'?" in block
    assert "ULTRA VIRES" in out[:where[1]] and "VALID: within powers" in out[where[2]:]
    assert "1 of 3 file(s) could not be checked" in proc.stderr


def test_table_has_a_row_for_every_file_in_argument_order(bad):
    proc = run_vires("check", "--format", "table", NOT_VALID, bad, VALID)
    assert proc.returncode == EXIT_BAD_INPUT
    rows = proc.stdout.splitlines()[1:4]
    assert [row.split()[0] for row in rows] == ["ultra_vires", "bad", "valid"]
    assert str(bad) in rows[1] and "scheme.bad_value" in rows[1]
    assert "3 schemes: 1 bad input, 1 ultra_vires, 1 valid" in proc.stdout
    assert "[scheme.bad_value]" in proc.stdout.split("3 schemes:")[1]  # its diagnostics, after the table


def _line(path, start: str) -> int:
    """The line of a file that starts with ``start``."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(start))


def test_json_is_an_array_with_an_error_object_for_a_bad_file(bad):
    proc = run_vires("check", "--format", "json", NOT_VALID, bad, VALID)
    assert proc.returncode == EXIT_BAD_INPUT
    data = json.loads(proc.stdout)
    assert [item.get("verdict") for item in data] == ["ultra_vires", None, "valid"]
    assert data[1] == {"file": str(bad), "error": "bad_input", "diagnostics": [{
        "code": "scheme.bad_value", "severity": "error", "file": str(bad), "line": _line(bad, "jurisdiction:"),
        "column": 15,
        "path": "jurisdiction", "message": "'englnd' is not an allowed value for jurisdiction",
        "hint": "did you mean 'england'?"}]}


@pytest.mark.parametrize("files, code", [
    ([VALID, VALID], EXIT_VALID),
    ([VALID, NOT_VALID], EXIT_NOT_VALID),
    ([NOT_VALID, "BAD", VALID], EXIT_BAD_INPUT),
])
def test_the_exit_code_is_the_worst_of_the_files(files, code, bad):
    files = [bad if f == "BAD" else f for f in files]
    assert run_vires("check", "--format", "table", *files).returncode == code


def test_the_order_of_exit_codes():
    from checker.cli.common import worst_exit

    assert worst_exit([]) == EXIT_VALID
    assert worst_exit([EXIT_VALID, EXIT_NOT_VALID]) == EXIT_NOT_VALID
    assert worst_exit([EXIT_NOT_VALID, EXIT_BAD_INPUT, EXIT_VALID]) == EXIT_BAD_INPUT
    assert worst_exit([EXIT_BAD_INPUT, EXIT_BUG]) == EXIT_BUG


def test_only_bad_files_print_nothing_on_stdout(bad, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text("id: [\n")
    proc = run_vires("check", "--format", "json", bad, other)
    assert proc.returncode == EXIT_BAD_INPUT and proc.stdout == ""
    assert str(bad) in proc.stderr and str(other) in proc.stderr


def test_a_bug_met_by_one_file_loses_no_other_result(monkeypatch, bad):
    from checker.evaluate.checker import Checker

    real = Checker.check_scheme

    def sometimes_broken(self, scheme):
        if scheme.id == "leeds-2017":
            raise RuntimeError("the engine broke")
        return real(self, scheme)
    monkeypatch.setattr(Checker, "check_scheme", sometimes_broken)
    proc = run_vires("check", "--format", "json", NOT_VALID, VALID, bad)
    assert proc.returncode == EXIT_BUG
    data = json.loads(proc.stdout)
    assert data[0] == {"file": str(NOT_VALID), "error": "internal_error", "message": "RuntimeError: the engine broke"}
    assert data[1]["verdict"] == "valid" and data[2]["error"] == "bad_input"


def _tiny_share(tmp_path):
    path = tmp_path / "tiny-share.yaml"
    text = NOT_VALID.read_text()
    assert "share_of_points: 80" in text
    path.write_text(text.replace("share_of_points: 80", "share_of_points: 0.00001"))
    return path


def test_a_tiny_share_among_many_files_loses_no_other_result(tmp_path):
    """On main 'share_of_points: 0.00001' crashed the engine (exit 3) and one
    such file among 1,000 lost the whole batch."""
    tiny = _tiny_share(tmp_path)
    proc = run_vires("check", "--format", "json", NOT_VALID, tiny, VALID)
    data = json.loads(proc.stdout)
    assert data[0]["verdict"] == "ultra_vires" and data[2]["verdict"] == "valid"
    assert data[1].get("verdict") == "ultra_vires" or data[1]["error"] == "internal_error"


def test_a_tiny_share_in_exponent_form_gets_its_verdict(tmp_path):
    """On main the engine crashed on 1e-05 (exit 3); the engine on durable's core takes it."""
    proc = run_vires("check", "--format", "table", _tiny_share(tmp_path))
    assert proc.returncode == EXIT_NOT_VALID and "ultra_vires" in proc.stdout, proc.stdout + proc.stderr


def test_a_folder_stands_for_its_scheme_files_in_name_order(tmp_path, bad):
    import shutil

    folder = tmp_path / "schemes"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(NOT_VALID, folder / "b-leeds.yaml")
    shutil.copy(VALID, folder / "a-somerset.yml")
    shutil.copy(VALID, folder / "sub" / "not-read.yaml")  # subfolders are not read
    shutil.copy(bad, folder / ".hidden.yaml")  # nor hidden files
    (folder / "notes.txt").write_text("not a scheme")
    by_folder = run_vires("check", "--format", "json", folder, VALID)
    by_name = run_vires("check", "--format", "json", folder / "a-somerset.yml", folder / "b-leeds.yaml", VALID)
    assert by_folder.returncode == by_name.returncode == EXIT_NOT_VALID
    assert by_folder.stdout == by_name.stdout
    assert [r["scheme"] for r in json.loads(by_folder.stdout)] == [
        "somerset-2014-enhanced-service", "leeds-2017", "somerset-2014-enhanced-service"]


def test_a_folder_without_scheme_files_is_bad_input_in_its_place(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    alone = run_vires("check", empty)
    assert alone.returncode == EXIT_BAD_INPUT and alone.stdout == ""
    assert "no .yaml or .yml file [input.no_schemes]" in alone.stderr and "hint:" in alone.stderr
    beside = run_vires("check", "--format", "json", VALID, empty)
    assert beside.returncode == EXIT_BAD_INPUT
    items = json.loads(beside.stdout)
    assert items[0]["verdict"] == "valid" and items[1]["error"] == "bad_input"
    assert items[1]["diagnostics"][0]["code"] == "input.no_schemes"


def test_a_name_in_a_folder_that_is_not_a_file_gets_its_diagnostic_there(tmp_path):
    import os
    import shutil

    folder = tmp_path / "schemes"
    folder.mkdir()
    shutil.copy(VALID, folder / "a.yaml")
    os.mkfifo(folder / "b.yaml")  # a named pipe: never read, never waited on
    (folder / "c.yaml").symlink_to(tmp_path / "gone.yaml")  # a broken link
    proc = run_vires("check", "--format", "json", folder)
    assert proc.returncode == EXIT_BAD_INPUT
    items = json.loads(proc.stdout)
    assert [i.get("verdict") or i["diagnostics"][0]["code"] for i in items] == [
        "valid", "input.not_regular", "input.not_found"]


def test_an_empty_name_is_not_the_current_folder(tmp_path):
    import shutil

    shutil.copy(VALID, tmp_path / "a.yaml")
    proc = run_vires("check", "", cwd=tmp_path)
    assert proc.returncode == EXIT_BAD_INPUT and proc.stdout == ""
    assert "[input.is_directory]" in proc.stderr


def test_file_names_are_shown_as_pathlib_shows_them():
    """`check` names files as text, not Path objects (checker/cli/check.py
    says why); every name over a small alphabet is written as pathlib would."""
    import itertools
    from pathlib import PurePosixPath

    from checker.cli.check import display_name

    parts = ["/", ".", "..", "a", "b.yaml", "x y"]
    names = ["".join(p) for n in range(1, 6) for p in itertools.product(parts, repeat=n)]
    assert len(names) > 9000
    for name in names:
        assert display_name(name) == str(PurePosixPath(name)), name


def test_a_folder_named_with_dots_and_slashes_names_its_files_as_pathlib_would(tmp_path):
    import shutil

    (tmp_path / "f").mkdir()
    shutil.copy(VALID, tmp_path / "f" / "a.yaml")
    for given, shown in (("f", "f/a.yaml"), ("./f/", "f/a.yaml"), ("f//.", "f/a.yaml")):
        proc = run_vires("check", "--format", "json", given, cwd=tmp_path)
        assert json.loads(proc.stdout)[0]["file"] == shown, given
    proc = run_vires("check", "--format", "json", ".", cwd=tmp_path / "f")
    assert json.loads(proc.stdout)[0]["file"] == "a.yaml"


def test_check_gives_the_shared_checker_back_with_every_session_kept():
    """`vires check` bounds durable's sessions for its run only: the shared
    checker the Python API and the server use keeps every session after it."""
    from checker.evaluate.checker import checker_for

    engine = checker_for().engine
    assert engine.live_sessions is None
    proc = run_vires("check", "--format", "json", VALID)
    assert proc.returncode == 0
    assert engine.live_sessions is None and checker_for().engine is engine
