"""Text from a scheme is neutralised for the output it reaches: a terminal,
Markdown, HTML or JSON (checker/reporters/neutral.py). Each test plants a
hostile title, name or reason and shows it arrives inert and still visible."""
from __future__ import annotations

import json
import re

import pytest

import checker
from conftest import CASES, run_vires

LEEDS = (CASES / "leeds-2017.yaml").read_text()
#: An escape sequence that retitles a terminal window (OSC 0), one that moves
#: the cursor up (CSI), a bell, a right-to-left override.
RETITLE, CURSOR_UP, RTL = "\x1b]0;pwned\x07", "\x1b[2A", "\u202e"
FAKE_VERDICT = "x\n  VALID: within powers, and every required approval formally given\n"


MAKER = 'name: "NHS Leeds North, Leeds South and East, and Leeds West CCGs, jointly"'


def scheme_with(tmp_path, title: str, name: str = "NHS Leeds North CCG", reason: str = "") -> str:
    """Leeds with a hostile title (and body name and reason), as a file; its path."""
    text = LEEDS.replace("title: Leeds CCGs let practices opt out of up to 80% of QOF for the rest of 2016/17",
                         f"title: {json.dumps(title)}", 1)
    assert MAKER in text
    text = text.replace(MAKER, f"name: {json.dumps(name)}", 1)
    if reason:
        text = text.replace("reason: the CCGs believed local NHS England officials had approved the deal",
                            f"reason: {json.dumps(reason)}", 1)
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    return str(path)


def test_the_terminal_function_shows_what_it_hides():
    from checker.reporters import neutral

    assert neutral.for_terminal(RETITLE) == "\\x1b]0;pwned\\x07"
    assert neutral.for_terminal(CURSOR_UP + "up") == "\\x1b[2Aup"
    assert neutral.for_terminal("a\nb\r\tc") == "a\\nb\\r\\tc"
    assert neutral.for_terminal("Sant\u00e9 \u201cquoted\u201d\u00a0x") == "Sant\u00e9 \u201cquoted\u201d\u00a0x"
    assert neutral.for_terminal(RTL + "abc") == "\\u202eabc"
    assert neutral.for_terminal("folded block\n") == "folded block"  # YAML's '>' ends in one line break


@pytest.mark.parametrize("fmt", ["text", "table"])
def test_check_shows_control_sequences_in_a_title_as_text(fmt, tmp_path):
    from checker.reporters.table import render_results as table
    from checker.reporters.text import render_results as text

    path = scheme_with(tmp_path, f"Leeds {RETITLE}{CURSOR_UP}{RTL}", name=f"CCG {RETITLE}",
                       reason=f"because {CURSOR_UP}")
    result = checker.check_file(path)
    rendered = (text if fmt == "text" else table)([result])
    for raw in ("\x1b]", "\x07", "\x1b[2A", RTL):  # not even through a real terminal, where colour stays
        assert raw not in rendered
    if fmt == "text":
        assert "Leeds \\x1b]0;pwned\\x07\\x1b[2A\\u202e" in rendered
    proc = run_vires("check", "--format", fmt, path)
    assert proc.returncode == 1 and "\x1b" not in proc.stdout and "\x07" not in proc.stdout


def test_a_title_with_line_breaks_cannot_print_a_fake_verdict(tmp_path):
    path = scheme_with(tmp_path, FAKE_VERDICT)
    out = run_vires("check", path).stdout
    verdict_lines = [line for line in out.splitlines() if line.lstrip().startswith(("VALID", "ULTRA VIRES"))]
    assert verdict_lines == ["  ULTRA VIRES: beyond the powers of the body that would make it"]
    assert "x\\n  VALID: within powers" in out.splitlines()[0]


def test_diagnostics_show_a_hostile_value_on_one_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(LEEDS.replace("jurisdiction: england", 'jurisdiction: "eng\\e]0;x\\a\\nland"'))
    proc = run_vires("check", path)
    assert proc.returncode == 2
    head, hint = proc.stderr.splitlines()[:2]
    assert "\x1b" not in proc.stderr and "eng\\x1b]0;x\\x07\\nland" in head
    assert head.endswith("[scheme.bad_value]") and hint.startswith("  hint: ")


def test_markdown_briefing_escapes_html_and_links_from_the_scheme(tmp_path):
    title = "Leeds <script>alert(1)</script> [click](javascript:alert(2)) ![i](http://x/y.png)\n# VALID"
    path = scheme_with(tmp_path, title, name="<img src=x onerror=alert(3)>",
                       reason="[see](javascript:alert(4)) `code` **bold**")
    proc = run_vires("report", path, "--format", "md")
    assert proc.returncode == 0, proc.stderr
    md = proc.stdout
    assert "<script>" not in md and "<img" not in md
    assert not re.search(r"(?<!\\)\]\(", md), "an unescaped ']( ' would make a link"
    assert "&lt;script&gt;" in md and "\\[click\\]" in md
    assert md.splitlines()[0].startswith("# Leeds ") and "\n# VALID" not in md


def test_markdown_code_spans_cannot_be_closed_by_the_text():
    from checker.reporters import neutral

    assert neutral.for_markdown_code("a`b") == "``a`b``"
    assert neutral.for_markdown_code("`x`") == "`` `x` ``"


def test_html_briefing_still_escapes_everything(tmp_path):
    path = scheme_with(tmp_path, 'Leeds <script>alert(1)</script> "quoted" & more',
                       name="<img src=x onerror=alert(3)>", reason=f"because {RETITLE}")
    out = tmp_path / "briefing.html"
    proc = run_vires("report", path, "-o", out)
    assert proc.returncode == 0, proc.stderr
    page = out.read_text()
    assert "<script>" not in page and "<img" not in page and "\x1b" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; more" in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in page


def test_json_keeps_the_data_and_escapes_what_a_terminal_would_obey(tmp_path):
    title = f"Leeds {RETITLE}{RTL}\u0085"
    path = scheme_with(tmp_path, title)
    proc = run_vires("check", "--format", "json", path)
    for raw in ("\x1b", "\x07", RTL, "\u0085"):
        assert raw not in proc.stdout
    assert json.loads(proc.stdout)[0]["title"] == title


def test_whatif_text_is_neutralised_too(tmp_path):
    path = scheme_with(tmp_path, f"Leeds {RETITLE}")
    proc = run_vires("whatif", path, "--set", f"title={json.dumps('T ' + CURSOR_UP)}")
    assert "\x1b" not in proc.stdout and "\\x1b]0;pwned" in proc.stdout


def test_the_table_cleans_the_cells_it_shows_as_neutralising_the_result_would(tmp_path):
    """The table cleans only the texts it shows (not the whole result); each
    cell is what it was when the whole result was neutralised first, line
    breaks at a text's end included (each text is cleaned before joining)."""
    import dataclasses

    from checker.reporters import table
    from checker.reporters.neutral import for_terminal, neutralised

    result = checker.check_file(str(CASES / "leeds-2017.yaml"))
    hostile = dataclasses.replace(result, scheme=f"leeds{RETITLE}", edition=f"e{RTL}",
                                  decided_by=[f"a{CURSOR_UP}\n", "b\n", f"c{RTL}"])
    assert table._row(hostile) == table._row(neutralised(hostile, for_terminal))
    assert table._row(hostile)[3] == "a\\x1b[2A, b, c\\u202e"
    open_question = checker.check_file(str(CASES / "hypothetical-icb-scheme-opt-in-unstated-2026.yaml"))
    assert open_question.undetermined is not None and not open_question.decided_by
    asking = dataclasses.replace(open_question, undetermined=dataclasses.replace(
        open_question.undetermined, ask=["x\n", f"y{RETITLE}"]))
    assert table._row(asking) == table._row(neutralised(asking, for_terminal))
    assert table._row(asking)[3] == "find out: x, y\\x1b]0;pwned\\x07"
