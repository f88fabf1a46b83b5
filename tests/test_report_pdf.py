"""`vires report --format pdf`: the committee briefing as a real PDF, read
back with pypdf (a text extractor independent of the library that wrote it)."""
from __future__ import annotations

import io
import re

import pytest

from conftest import CASES, run_console, run_vires

pypdf = pytest.importorskip("pypdf")


def _briefing(scheme_file, with_library=True):
    from checker.evaluate.checker import checker_for
    from checker.explore.fix import find_fixes
    from checker.explore.precedents import load_library, nearest
    from checker.reporters.briefing import FIX_SEARCH, PRECEDENTS, build_briefing

    checker = checker_for(None)
    scheme = checker.load(scheme_file)
    result = checker.check_scheme(scheme)
    fix = find_fixes(checker, scheme, **FIX_SEARCH) if result.verdict != "valid" else None
    precedents = None
    if with_library:
        library, _ = load_library(checker)
        precedents = nearest(checker, scheme, result, library, PRECEDENTS)
    return build_briefing(scheme, result, precedents, fix), result


def _pdf(scheme_file, **kw) -> bytes:
    from checker.reporters.pdf import render_briefing

    return render_briefing(_briefing(scheme_file, **kw)[0])


def _text(data: bytes) -> tuple[str, int]:
    """The PDF's text, whitespace folded, and its number of pages."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split()), len(reader.pages)


@pytest.mark.parametrize("case", ["leeds-2017", "cumbria-2014", "somerset-2014-first-phase",
                                  "somerset-2014-enhanced-service", "hypothetical-icb-scheme-opt-in-unstated-2026"])
def test_pdf_says_the_verdict_first_and_why_with_power_basis_and_sources_on_one_page(case):
    briefing, result = _briefing(CASES / f"{case}.yaml")
    from checker.reporters.pdf import render_briefing

    data = render_briefing(briefing)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text, pages = _text(data)
    # One A4 page where it fits; Leeds, the longest briefing, with its sources
    # listed in full (issue 12), continues on a second page, nothing cut.
    assert pages == (2 if case == "leeds-2017" else 1), f"{case} takes {pages} pages"
    # The verdict comes before everything but the title.
    assert text.index(briefing.headline) < text.index("The scheme") < text.index("Who must approve, in order")
    for what, power in briefing.rests_on:  # what a verdict within powers rests on: the power, basis, sources
        assert power.rule in text and " ".join(power.basis.split()) in text
        assert all(source in text for source in power.sources)
    for reason in briefing.why:  # and what decided any other verdict, with its own basis and sources
        assert reason.rule in text and all(source in text for source in reason.sources)
    for f in briefing.risks + briefing.routes:
        assert f.rule in text
    assert briefing.outcome in text
    assert "not legal advice" in text


def test_leeds_pdf_names_the_missing_power_the_nearest_powers_the_fix_and_the_precedents():
    text, pages = _text(_pdf(CASES / "leeds-2017.yaml"))
    assert pages == 2
    assert "ULTRA VIRES" in text and "Beyond the powers of the body that would make it" in text
    assert "No power of a CCG reaches QOF payments by a direct change." in text
    assert "NHS Act 2006 s.13Z" in text and "gponline-leeds-blocked-2017" in text  # basis and a source (by its key)
    assert "The nearest powers, and what each lacks:" in text and "eng15.delegated-ccg-local-scheme" in text
    assert "set change.instrument to local_incentive_scheme" in text  # the smallest fix
    assert "Nearest precedents" in text and "similarity" in text
    assert "would not be possible" in text  # what the sources say


def test_undetermined_pdf_says_what_to_find_out_and_the_verdict_for_each_answer():
    text, _ = _text(_pdf(CASES / "hypothetical-icb-scheme-opt-in-unstated-2026.yaml"))
    assert "UNDETERMINED" in text and "Find out first" in text and "change.practice_opt_in" in text
    assert "The verdict for each answer" in text and "eng22.icb-local-scheme/voluntary" in text


HOSTILE = ('<script>alert(1)</script> **bold** [x](javascript:alert(1)) '
           '\x1b]0;owned\x07 \u202egnp.exe ZZ')


def _hostile_scheme(tmp_path, title=HOSTILE, name="NHS <b>Leeds</b> (javascript:go)"):
    import yaml

    text = (CASES / "leeds-2017.yaml").read_text()
    data = yaml.safe_load(text)
    data["title"] = title
    data["maker"]["name"] = name
    for source in data.get("sources", []):
        source["quote"] = "</p><script>alert(2)</script>"
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def test_html_script_and_escapes_in_scheme_text_come_out_as_literal_text(tmp_path):
    data = _pdf(_hostile_scheme(tmp_path))
    text, _ = _text(data)
    assert "<script>alert(1)</script> **bold** [x](javascript:alert(1))" in text
    assert "NHS <b>Leeds</b> (javascript:go)" in text
    assert "</p><script>alert(2)</script>" in text
    # Control characters and a right-to-left override are shown, not obeyed.
    assert "\\x1b]0;owned\\x07" in text and "\\u202egnp.exe" in text
    assert "\x1b" not in text and "\u202e" not in text
    # Nothing in the file acts: no script, link, launch, form or annotation; what
    # it does on opening is only to show the first page whole (a destination, not an action).
    for active in (b"/JavaScript", b"/URI", b"/Launch", b"/AcroForm", b"/Annots", b"/AA"):
        assert active not in data, active
    opening = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]["/OpenAction"]
    assert isinstance(opening, pypdf.generic.ArrayObject) and opening[1] == "/Fit"


def test_characters_the_font_lacks_are_written_as_escapes_never_dropped(tmp_path):
    # Welsh and Irish names print as written; Chinese (no glyph in the font) as its escapes.
    text, _ = _text(_pdf(_hostile_scheme(tmp_path, title="Bwrdd Iechyd \u0175\u0177 \u00c1ras \u4e2d\u6587 plan")))
    assert "Bwrdd Iechyd \u0175\u0177 \u00c1ras" in text
    assert "\\u4e2d\\u6587 plan" in text


def test_a_briefing_too_long_for_one_page_continues_on_the_next_never_cut(tmp_path):
    long_title = " ".join(["A very long scheme title that goes on and on"] * 60) + " THE-END"
    data = _pdf(_hostile_scheme(tmp_path, title=long_title))
    text, pages = _text(data)
    assert pages >= 2
    assert "THE-END" in text and "not legal advice" in text
    assert "Nearest precedents" in text and "Lawful routes instead" in text


def test_the_same_briefing_gives_the_same_bytes():
    assert _pdf(CASES / "cumbria-2014.yaml") == _pdf(CASES / "cumbria-2014.yaml")


def test_pdf_is_byte_identical_across_processes_and_hash_seeds(tmp_path):
    outs = []
    for seed in ("0", "1", "4242"):
        out = tmp_path / f"brief-{seed}.pdf"
        proc = run_console("report", CASES / "leeds-2017.yaml", "-o", out, env={"PYTHONHASHSEED": seed})
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
    assert outs[0].startswith(b"%PDF-") and outs[0] == outs[1] == outs[2]
    assert b"/CreationDate (D:20000101000000Z)" in outs[0]


# --- the command line ---------------------------------------------------------------

def test_report_writes_a_pdf_inferred_from_the_extension(tmp_path):
    out = tmp_path / "brief.pdf"
    proc = run_vires("report", CASES / "leeds-2017.yaml", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and f"Wrote {out}" in proc.stderr
    text, pages = _text(out.read_bytes())
    assert pages == 2 and "ULTRA VIRES" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.pdf"]  # no temporary file left


def test_format_pdf_with_a_pdf_file(tmp_path):
    out = tmp_path / "brief.PDF"
    proc = run_vires("report", CASES / "cumbria-2014.yaml", "--format", "pdf", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "REFUSED" in _text(out.read_bytes())[0]


@pytest.mark.parametrize("format,name", [("md", "x.pdf"), ("html", "x.pdf"), ("pdf", "x.html"), ("pdf", "x.md"),
                                         ("md", "x.html"), ("html", "x.md"), ("pdf", "x")])
def test_an_output_file_whose_extension_is_not_the_formats_is_refused(format, name, tmp_path):
    out = tmp_path / name
    proc = run_vires("report", CASES / "leeds-2017.yaml", "--format", format, "-o", out)
    assert proc.returncode == 2 and proc.stdout == ""
    assert re.match(rf"{re.escape(str(out))}: error: .*\[output\.wrong_extension\]", proc.stderr), proc.stderr
    assert "hint: " in proc.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("name", ["brief.docx", "brief"])
def test_an_output_file_with_no_format_of_its_own_is_refused_without_format(name, tmp_path):
    out = tmp_path / name
    proc = run_vires("report", CASES / "leeds-2017.yaml", "-o", out)
    assert proc.returncode == 2 and "[output.wrong_extension]" in proc.stderr
    assert ".pdf" in proc.stderr and list(tmp_path.iterdir()) == []


def test_pdf_is_never_written_to_standard_output():
    proc = run_vires("report", CASES / "leeds-2017.yaml", "--format", "pdf")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "[output.pdf_needs_file]" in proc.stderr and "-o briefing.pdf" in proc.stderr
