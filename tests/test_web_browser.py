"""The web app in a real browser, as a person would use it: Debian's
chromium driven by Playwright (never a browser Playwright downloads), on a
desktop window and a 360 px phone. The walk (tests/web_browser.py) builds
the Leeds 2017 scheme through the form, sees ULTRA VIRES with its reason,
goes back and changes an answer, applies a what-if that makes it valid and
downloads the PDF briefing; every page fits the window's width and the
content security policy refuses nothing. The screenshots in
docs/screenshots/ must show today's pages: their structure is compared
(pixels differ between machines' fonts and chromium versions)."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from web_browser import CHROMIUM, SHOTS, WIDTHS, run, structure_text

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install "
                                                         "chromium); CI installs it")


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    from web_browser import walk

    shots = run(False, tmp_path_factory.mktemp("browser"))
    return shots, walk.pdf  # type: ignore[attr-defined]


def test_the_walk_passes_at_both_widths(walked):
    shots, _ = walked
    assert set(shots) == set(WIDTHS)
    assert [s.name for s in shots["phone"]] == [s.name for s in shots["desktop"]]


def test_the_downloaded_pdf_briefing_is_the_changed_scheme(walked):
    _, pdf = walked
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "PENDING" in text and "Leeds" in text


def test_the_screenshots_show_todays_pages(walked):
    shots, _ = walked
    kept = (SHOTS / "pages.txt").read_text("utf-8")
    assert kept == structure_text(shots), "the pages changed: regenerate with .venv/bin/python tests/web_browser.py"
    for width, found in shots.items():
        for s in found:
            assert (SHOTS / f"{s.name}-{width}.png").is_file()
