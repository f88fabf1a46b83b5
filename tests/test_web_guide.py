"""Part one of docs/guide.md (the web app) describes the app that exists,
and every step it names is exercised: each button or link it names is on a
page of the app, and the browser walk (tests/web_browser.py) or the pages'
tests press it. `make serve` itself is run by tests/test_web_serve.py."""
from __future__ import annotations

import re

import pytest

from conftest import REPO

GUIDE = (REPO / "docs" / "guide.md").read_text()
PART_ONE = GUIDE[GUIDE.index("# Part one"):GUIDE.index("# Part two")]
TEMPLATES = "".join(p.read_text() for p in (REPO / "checker" / "web" / "templates").glob("*.html"))
WALK = (REPO / "tests" / "web_browser.py").read_text()
PAGES_TESTS = (REPO / "tests" / "test_web_pages.py").read_text()

#: Each control the guide names -> how the tests press it: a selector the
#: browser walk uses, or a form post the pages' tests make.
STEPS = {
    "Start a new scheme": (WALK, "text=Start a new scheme"),
    "Next": (WALK, "#next"),
    "Don't know": (PAGES_TESTS, 'form_answers(ICB_DRAFT)'),
    "Back": (PAGES_TESTS, '"go": "back"'),
    "Save and review": (WALK, "#to-review"),
    "Change": (WALK, "#change-5"),
    "Check the scheme": (WALK, "#check"),
    "Change the answers": (WALK, "#change-answers"),
    "What if?": (WALK, "#try-whatif"),
    "See the difference": (WALK, "#try-whatif"),
    "Try the smallest fix": (PAGES_TESTS, 'class="fixform"'),
    "The briefing as PDF": (WALK, "#dl-pdf"),
    "Check the file": (PAGES_TESTS, '"/upload"'),
    "Case library": (WALK, "text=Case library"),
    "API": (PAGES_TESTS, "/about-api"),
}


def test_part_one_names_the_controls_the_tests_press():
    named = set(re.findall(r"\*\*([^*]+)\*\*", PART_ONE))
    controls = {n for n in named if n in STEPS}
    assert controls == set(STEPS), f"the guide no longer names: {set(STEPS) - controls}"


@pytest.mark.parametrize("label", list(STEPS))
def test_each_control_is_on_a_page_and_pressed_by_a_test(label):
    assert label.replace("'", "&#39;") in TEMPLATES or label in TEMPLATES, f"no page has '{label}'"
    source, how = STEPS[label]
    assert how in source, f"no test presses '{label}' ({how})"


def test_part_one_shows_the_verdicts_the_walk_sees():
    for verdict in ("ULTRA VIRES", "PENDING", "VALID"):
        assert f"**{verdict}**" in PART_ONE and f'"{verdict}"' in WALK
    assert "http://127.0.0.1:8000/" in PART_ONE and "make serve" in PART_ONE
