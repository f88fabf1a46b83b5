"""`vires report`: the committee briefing, in Markdown and HTML, and the HTML
rendered in a real browser (headless Chromium, Debian's `chromium` package)."""
from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest

from conftest import CASES, run_vires

CHROMIUM = shutil.which("chromium") or (Path("/usr/bin/chromium").is_file() and "/usr/bin/chromium") or None
HEADLINES = {"leeds-2017": "ULTRA VIRES", "cumbria-2014": "REFUSED",
             "somerset-2014-first-phase": "PENDING", "somerset-2014-enhanced-service": "VALID",
             "hypothetical-icb-scheme-opt-in-unstated-2026": "UNDETERMINED"}


def _report(case, *args):
    return run_vires("report", CASES / f"{case}.yaml", *args)


@pytest.mark.parametrize("case,headline", HEADLINES.items())
def test_markdown_puts_the_verdict_first(case, headline):
    proc = _report(case)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert lines[0].startswith("# ") and lines[1] == f"## {headline}"
    assert "## Who must approve, in order" in proc.stdout and "## The scheme" in proc.stdout


@pytest.mark.parametrize("case", ["somerset-2014-enhanced-service", "cumbria-2014", "somerset-2014-first-phase"])
def test_a_verdict_within_powers_names_the_power_it_rests_on(case):
    from checker import check_file

    text = _report(case).stdout
    used = check_file(CASES / f"{case}.yaml").powers_used
    assert used
    rests_on = text.split("## Rests on", 1)[1].split("\n## ", 1)[0]
    for use in used:
        assert f"Power `{use.power}`" in rests_on and " ".join(use.statement.split()) in rests_on
        assert use.sources[0] in rests_on


def test_leeds_briefing_says_why_quotes_the_source_and_offers_the_fix():
    text = _report("leeds-2017").stdout
    why = text.split("## Why", 1)[1].split("\n## ", 1)[0]
    # The missing power in plain words: the maker's role, who sets QOF, and the conclusion.
    assert "A CCG exercises NHS England's primary care functions" in why
    assert "QOF payments are set nationally: the Secretary of State may change" in why
    assert "No power of a CCG reaches QOF payments by a direct change." in why
    # The nearest powers, each with what it lacks.
    assert "eng15.delegated-ccg-local-scheme" in why and "not a direct change" in why
    assert "## Rests on" not in text  # nothing within powers to rest on
    # The quote that supports the reason comes first among the sources' words.
    quotes = re.findall(r"^> \u201c(.*?)\u201d", text, re.M)
    assert quotes and "would not be possible" in quotes[0]
    assert "set change.instrument to local_incentive_scheme" in text  # the smallest fix
    assert "## Nearest precedents" in text and "leeds-2017`" not in text.split("## Nearest precedents")[1]


def test_approval_chain_puts_the_makers_decision_first_then_local_to_national():
    text = _report("somerset-2014-first-phase").stdout
    chain = text.split("## Who must approve, in order")[1].split("##")[0]
    assert chain.index("Requested by: NHS Somerset CCG") < chain.index("Maker's decision: NHS England local area")
    assert chain.index("Maker's decision") < chain.index("Approval: NHS England (national)")
    assert "`eng13.area-team-local-scheme/made`" in chain and "formally granted" in chain and "not sought" in chain
    assert "Outcome: Waiting for approval" in chain


def test_ultra_vires_chain_has_no_approval_that_could_cure_it():
    chain = _report("hypothetical-icb-cuts-qof-point-value-2026").stdout.split("## Who must approve, in order")[1]
    assert "Made by:" in chain and "Maker's decision" not in chain
    assert "no body's approval can make it lawful" in chain


def test_undetermined_briefing_says_what_to_find_out_and_the_verdict_for_each_answer():
    proc = _report("hypothetical-icb-scheme-opt-in-unstated-2026")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.splitlines()[2] == "## UNDETERMINED"
    ask = text.split("## Find out first", 1)[1].split("\n## ", 1)[0]
    assert "change.practice_opt_in" in ask
    answers = text.split("## The verdict for each answer", 1)[1].split("\n## ", 1)[0]
    assert "is yes (practices choose whether to join): valid, rests on eng22.icb-local-scheme" in answers
    assert "is no (practices are not given the choice): ultra vires" in answers
    assert "`eng22.icb-local-scheme/voluntary`: The scheme is voluntary" in answers
    assert "Outcome: Not yet known: find out first" in text


def test_html_briefing_of_an_undetermined_scheme(tmp_path):
    out = tmp_path / "b.html"
    assert _report("hypothetical-icb-scheme-opt-in-unstated-2026", "-o", out).returncode == 0
    html = out.read_text()
    assert 'class="verdict v-undetermined"' in html and "<h3>Find out first</h3>" in html
    assert html.index('class="headline">UNDETERMINED<') < html.index("<h3>The verdict for each answer</h3>")


def test_html_is_one_self_contained_file(tmp_path):
    out = tmp_path / "briefing.html"
    proc = _report("cumbria-2014", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and f"Wrote {out}" in proc.stderr
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "@media print" in html
    # No scripts and nothing fetched from elsewhere: no src= or href= at all.
    assert not re.search(r"<script|\bsrc=|\bhref=|@import|url\((?!#)", html, re.I)
    assert html.index('class="headline">REFUSED<') < html.index("<h2>The scheme</h2>")
    assert html.index("<h2>Rests on</h2>") < html.index("<h2>Why</h2>")  # the power used, then the refusal
    assert "Maker&#x27;s decision: NHS England Cumbria" in html


def test_format_follows_the_output_suffix_unless_given(tmp_path):
    _report("leeds-2017", "-o", tmp_path / "b.html")
    _report("leeds-2017", "-o", tmp_path / "b.md")
    _report("leeds-2017", "-o", tmp_path / "c.txt")
    _report("leeds-2017", "-o", tmp_path / "c.htm", "--format", "html")
    assert (tmp_path / "b.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "b.md").read_text().startswith("# Leeds")
    assert (tmp_path / "c.txt").read_text().startswith("# Leeds")  # Markdown is plain text
    assert (tmp_path / "c.htm").read_text().startswith("<!DOCTYPE html>")
    # A file name of another format is refused (tests/test_report_pdf.py has the rest).
    assert _report("leeds-2017", "-o", tmp_path / "d.txt", "--format", "html").returncode == 2


def test_report_is_deterministic():
    assert _report("leeds-2017", "--format", "html").stdout == _report("leeds-2017", "--format", "html").stdout


def test_bad_input_is_located_and_nothing_is_written(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((CASES / "leeds-2017.yaml").read_text().replace("jurisdiction: england", "jurisdiction: englund"))
    out = tmp_path / "briefing.html"
    proc = run_vires("report", bad, "-o", out)
    assert proc.returncode == 2 and proc.stdout == ""
    assert re.match(rf"{re.escape(str(bad))}:\d+:\d+: error: ", proc.stderr)
    assert "did you mean 'england'?" in proc.stderr
    assert list(tmp_path.iterdir()) == [bad]  # no briefing, and no temporary file left behind


def test_missing_output_folder_is_bad_input(tmp_path):
    proc = _report("leeds-2017", "-o", tmp_path / "no" / "b.html")
    assert proc.returncode == 2 and "output.no_folder" in proc.stderr


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    from checker import atomic

    target = tmp_path / "b.html"
    target.write_text("old")

    with pytest.raises(TypeError):
        atomic.write_atomically(target, 42)  # not text: fails mid-write
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["b.html"]


# --- the browser -----------------------------------------------------------------

def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the pixel rows of an 8-bit RGB or RGBA PNG (the
    screenshots Chromium writes): enough of PNG to count colours."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        filt, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if filt == 1:
                line[i] = (line[i] + a) & 255
            elif filt == 2:
                line[i] = (line[i] + b) & 255
            elif filt == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, [bytes(r[i:i + 3]) for r in rows for i in range(0, stride, bpp)]


def _chromium(*args, timeout=90):
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", *args],
            capture_output=True, text=False, timeout=timeout)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium); "
                                             "CI installs it, so this test runs there")
@pytest.mark.parametrize("case", ["leeds-2017", "somerset-2014-enhanced-service",
                                  "hypothetical-icb-scheme-opt-in-unstated-2026"])
def test_html_renders_in_headless_chromium(case, tmp_path):
    page = tmp_path / "briefing.html"
    assert _report(case, "-o", page).returncode == 0
    shot = tmp_path / "shot.png"
    proc = _chromium(f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri())
    assert shot.is_file(), proc.stderr.decode(errors="replace")[-2000:]
    width, height, pixels = png_pixels(shot.read_bytes())
    assert (width, height) == (1000, 1400)
    colours = set(pixels)
    assert len(colours) > 100, f"the screenshot has only {len(colours)} colours: is it blank?"
    inked = sum(1 for p in pixels if sum(p) < 600) / len(pixels)  # clearly darker than white
    assert inked > 0.02, f"only {inked:.1%} of the screenshot has ink on it"
    # The verdict, in large type, is in the page the browser built.
    dom = _chromium("--dump-dom", page.as_uri()).stdout.decode()
    assert f'class="headline">{HEADLINES[case]}</p>' in dom
    assert "Who must approve, in order" in dom and "<svg" in dom


def test_without_a_case_library_the_briefing_says_it_has_no_precedents():
    from checker.evaluate.checker import checker_for
    from checker.explore.fix import find_fixes
    from checker.reporters.briefing import FIX_SEARCH, build_briefing
    from checker.reporters.markdown import render_briefing

    checker = checker_for(None)
    scheme = checker.load(CASES / "somerset-2014-first-phase.yaml")
    fix = find_fixes(checker, scheme, **FIX_SEARCH)
    text = render_briefing(build_briefing(scheme, checker.check_scheme(scheme), None, fix))
    assert "No case library was found" in text and "## Nearest precedents" not in text
    assert "## Smallest fix" in text  # the fix needs no library
