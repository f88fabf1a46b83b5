"""A person's walk through the web app in a real browser (Debian's chromium,
driven by Playwright), shared by the browser tests and the command that
regenerates the screenshots in docs/screenshots/:

    .venv/bin/python tests/web_browser.py

The walk builds the Leeds 2017 scheme through the form, checks it, goes
back to change an answer, applies a what-if and opens the case library,
taking a ``Shot`` of each main page: a PNG and the page's structure (its
title, headings, form fields and buttons), which is what the test compares
with docs/screenshots/pages.txt. Pixels are not compared: they differ with
the fonts and the chromium version of a machine, while the structure says
whether the screenshots show today's pages.
"""
from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from conftest import REPO, VIRES  # noqa: E402
from web_support import Server, form_answers, free_port, step_of  # noqa: E402

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = REPO / "docs" / "screenshots"
#: The two windows: a desktop and a 360 px phone.
WIDTHS = {"desktop": (1200, 900), "phone": (360, 740)}

STRUCTURE = """() => {
  const text = e => e.innerText.replace(/\\s+/g, ' ').trim();
  const out = ['title: ' + document.title];
  for (const e of document.querySelectorAll('h1, h2, legend')) out.push(e.tagName.toLowerCase() + ': ' + text(e));
  for (const e of document.querySelectorAll('input:not([type=hidden]), select')) {
    out.push('field: ' + (e.id || e.name) + ' (' + (e.type || e.tagName.toLowerCase()) + ')');
  }
  for (const e of document.querySelectorAll('button, a.button')) out.push('button: ' + text(e));
  return out;
}"""


WIDEST = """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >
  document.documentElement.clientWidth + 1).slice(0, 3).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' +
  Math.round(e.getBoundingClientRect().right))"""


@dataclass
class Shot:
    """One main page as the walk saw it."""

    name: str
    structure: list


def launch(playwright):
    """Debian's chromium, headless, with nothing fetched from the network."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def fill_step(page, number: int, answers: dict) -> None:
    """Answer one step of the form as a person would: each list's number of
    items first (the page then shows the items), then every field."""
    mine = {k: v for k, v in answers.items() if step_of(k) == number}
    counts = {k: v for k, v in mine.items()  # the lists whose number of items changes
              if k.startswith("#") and page.locator(f'[id="{k}"]').input_value() != v}
    if counts:
        for key, value in counts.items():
            page.locator(f'[id="{key}"]').fill(value)
        page.click("#next")
        page.wait_for_url("**#items")
    for key, value in mine.items():
        if key in counts:
            continue
        field = page.locator(f'[id="{key}"]')
        kind = field.evaluate("e => e.tagName.toLowerCase()")
        if kind == "select":
            field.select_option(value)
        elif kind == "fieldset":
            for part in (p.strip() for p in value.split(",")):
                page.locator(f'input[name="{key}"][value="{part}"]').check()
        else:
            field.fill(value)
    from playwright.sync_api import expect

    title = page.locator("h1").inner_text()
    page.click("#next")
    expect(page.locator("h1")).not_to_have_text(title)  # on to the next step


def walk(page, url: str, shoot=None) -> list[Shot]:
    """The walk, asserting what a person would see; a Shot of each main page
    (``shoot(name)`` is called on each, e.g. to save a screenshot)."""
    from playwright.sync_api import expect

    shots: list[Shot] = []
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    def shot(name: str):
        page.wait_for_load_state("load")  # the stylesheets applied
        shots.append(Shot(name, page.evaluate(STRUCTURE)))
        if shoot:
            shoot(name)
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(WIDEST)
        assert width <= page.viewport_size["width"], f"{name} is {width} px wide: {wide}"

    page.goto(url)
    shot("home")
    page.click("text=Start a new scheme")
    page.wait_for_url("**/drafts/*/1")
    answers = form_answers()
    from checker.web.form import STEPS
    for number in range(1, len(STEPS) + 1):
        expect(page.locator("h1")).to_have_text(STEPS[number - 1].title)
        if number in (1, 5):
            shot(f"step-{number}")
        fill_step(page, number, answers)
        if number == 6:
            page.go_back()  # back to the decisions, now with their items filled in
            expect(page.locator("h1")).to_have_text(STEPS[5].title)
            shot("step-6")
            page.go_forward()
    expect(page.locator("h1")).to_have_text("Review the answers")
    shot("review")
    page.click("#check")
    expect(page.locator(".verdict .headline")).to_have_text("ULTRA VIRES")
    assert "No power of a CCG reaches QOF payments" in page.inner_text(".briefing")
    shot("result")

    page.click("#change-answers")  # go back and change an answer
    page.wait_for_url("**/review")
    page.click("#change-5")
    page.wait_for_url("**/5")
    page.locator('[id="change.instrument"]').select_option("local_incentive_scheme")
    page.click("#to-review")
    expect(page.locator("main")).to_contain_text("Local incentive scheme")
    page.click("#check")
    expect(page.locator(".verdict .headline")).to_have_text("PENDING")
    result = page.url

    page.select_option("#op0", "add")  # what if the CCGs decided it formally?
    page.fill("#path0", "decisions")
    page.fill("#value0", "{body: {kind: ccg}, status: granted, formality: formal}")
    page.click("#try-whatif")
    expect(page.locator("#before")).to_have_text("PENDING")
    expect(page.locator("#after")).to_have_text("VALID")
    shot("whatif")

    page.goto(result)
    with page.expect_download() as download:
        page.click("#dl-pdf")
    pdf = Path(download.value.path()).read_bytes()

    page.click("text=Case library")
    page.wait_for_url("**/cases")
    shot("cases")
    page.click("text=Leeds CCGs let practices opt out")
    expect(page.locator(".verdict .headline")).to_have_text("ULTRA VIRES")
    shot("case")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    walk.pdf = pdf  # type: ignore[attr-defined]
    return shots


def structure_text(shots_by_width: dict[str, list[Shot]]) -> str:
    """The structure of every main page at every width, as docs/screenshots/pages.txt holds it."""
    out = ["# The pages in docs/screenshots/, their structure (regenerate: .venv/bin/python tests/web_browser.py)."]
    for width, shots in shots_by_width.items():
        for s in shots:
            out.append(f"\n## {s.name}-{width}.png")
            out += s.structure
    return "\n".join(out) + "\n"


def run(shoot: bool, store_folder: Path) -> dict[str, list[Shot]]:
    """The walk at each width against a `vires serve` of its own; screenshots saved when ``shoot``."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    out = {}
    with Server([str(VIRES), "serve", "--port", str(port), "--store", f"sqlite:///{store_folder}/v.db"], port) as url:
        with sync_playwright() as p:
            browser = launch(p)
            try:
                for width, size in WIDTHS.items():
                    page = browser.new_page(viewport={"width": size[0], "height": size[1]}, accept_downloads=True)
                    save = (lambda name, page=page, width=width:
                            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"))) if shoot else None
                    out[width] = walk(page, url, save)
                    page.close()
            finally:
                browser.close()
    return out


if __name__ == "__main__":
    import tempfile

    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    shots = run(True, Path(tempfile.mkdtemp(prefix="vires-shots-")))
    (SHOTS / "pages.txt").write_text(structure_text(shots), "utf-8")
    print(f"wrote {len(list(SHOTS.glob('*.png')))} screenshots and pages.txt in {SHOTS}")
