"""The web app's pages, driven as a browser would without JavaScript: the
form, the review, the result, what-if, downloads, the case library; and
safe by default (headers, CSRF, escaping, the safe loader for uploads)."""
from __future__ import annotations

import io
import json
import re

import pytest
import yaml
from pypdf import PdfReader

from checker.load.yamlfile import parse_yaml
from conftest import CASES, REPO
from web_support import build_through_the_form, client, csrf, form_answers


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    return client(tmp_path_factory.mktemp("pages"))


@pytest.fixture(scope="module")
def leeds(web):
    """The Leeds 2017 scheme built through the form and checked: (draft id, record id)."""
    draft = build_through_the_form(web, form_answers())
    assert "Review the answers" in web.get(f"/drafts/{draft}/review").text
    answer = web.post(f"/drafts/{draft}/check", data={"csrf": csrf(web)}, follow_redirects=False)
    assert answer.status_code == 303
    return draft, answer.headers["location"].split("/")[2]


def test_the_leeds_scheme_built_in_the_form_is_ultra_vires_with_its_reason(web, leeds):
    page = web.get(f"/records/{leeds[1]}").text
    assert "ULTRA VIRES" in page and "No power of a CCG reaches QOF payments" in page
    assert "eng15.delegated-ccg-local-scheme" in page  # the nearest power, and what it lacks
    assert "the answer is the same" in page


def test_the_review_page_shows_every_answer_in_words_with_a_way_back(web, leeds):
    page = web.get(f"/drafts/{leeds[0]}/review").text
    assert "Leeds LMC" in page and "Clinical commissioning group" in page and "Back" in page
    assert page.count('class="change"') == 9


def test_a_draft_survives_a_new_browser(web, leeds, tmp_path):
    other = client(tmp_path)  # a new browser with no cookies: the link alone brings the answers back
    other.app.service = web.app.service  # type: ignore[attr-defined]
    page = web.get(f"/drafts/{leeds[0]}/1").text
    assert 'value="Leeds"' in page and 'value="2017-02-02"' in page
    history = web.app.service.store.history(leeds[0])
    assert len(history) >= 9 and history[-1][1]["place"] == "Leeds"


def test_going_back_and_changing_an_answer_changes_the_verdict(web):
    answers = form_answers()
    draft = build_through_the_form(web, answers)
    token = csrf(web)
    back = web.post(f"/drafts/{draft}/5", data={"csrf": token, "go": "back"}, follow_redirects=False)
    assert back.headers["location"].endswith("/4")
    change = {k: v for k, v in answers.items() if k.startswith("change.")}
    change["change.instrument"] = "local_incentive_scheme"
    web.post(f"/drafts/{draft}/5", data={"csrf": token, **change, "multi": ["change.targets"]})
    checked = web.post(f"/drafts/{draft}/check", data={"csrf": token})
    assert "ULTRA VIRES" not in checked.text and "PENDING" in checked.text


def test_a_bad_answer_is_shown_on_its_step_with_a_hint(web):
    token = csrf(web)
    draft = web.post("/drafts", data={"csrf": token}, follow_redirects=False).headers["location"].split("/")[2]
    answer = web.post(f"/drafts/{draft}/1", data={"csrf": token, "title": "X", "date": "2017-02-30"})
    assert answer.status_code == 422 and "is not a date" in answer.text and "February 2017 has no day 30" in answer.text


def test_what_if_shows_the_verdict_before_and_after(web, leeds):
    page = web.post(f"/records/{leeds[1]}/whatif", data={
        "csrf": csrf(web), "op0": "set", "path0": "change.instrument", "value0": "local_incentive_scheme",
        "op1": "add", "path1": "decisions", "value1": "{body: {kind: ccg}, status: granted, formality: formal}"})
    assert page.status_code == 200
    assert re.search(r'id="before">ULTRA VIRES<', page.text) and re.search(r'id="after">VALID<', page.text)


def test_the_smallest_fix_can_be_tried_from_the_result(web, leeds):
    page = web.get(f"/records/{leeds[1]}").text
    form = re.search(r'<form method="post" action="(/records/[^"]+/whatif)" class="fixform">(.*?)</form>', page, re.S)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2).replace("&#34;", '"')))
    after = web.post(form.group(1), data=fields).text
    assert re.search(r'id="after">VALID<', after)


def test_a_bad_what_if_is_explained(web, leeds):
    page = web.post(f"/records/{leeds[1]}/whatif", data={"csrf": csrf(web), "op0": "set",
                                                         "path0": "decisions.9.status", "value0": "granted"})
    assert page.status_code == 422 and "whatif.bad_change" in page.text


def test_the_downloads(web, leeds):
    base = f"/records/{leeds[1]}"
    html = web.get(f"{base}/briefing.html")
    assert html.status_code == 200 and "attachment" in html.headers["content-disposition"]
    assert "ULTRA VIRES" in html.text and "<script" not in html.text
    assert "ULTRA VIRES" in web.get(f"{base}/briefing.md").text
    scheme = parse_yaml(web.get(f"{base}/scheme.yaml").text)[0].data
    assert scheme["id"] == "leeds-2017" and scheme["change"]["instrument"] == "direct_payment_change"
    assert json.loads(web.get(f"{base}/result.json").text)["verdict"] == "ultra_vires"
    pdf = web.get(f"{base}/briefing.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "ULTRA VIRES" in text and len(PdfReader(io.BytesIO(pdf.content)).pages) == 1
    assert web.get(f"{base}/nothing.exe").status_code == 404


def test_the_case_library_lists_every_case_with_its_outcome(web):
    page = web.get("/cases").text
    assert page.count('<li><a href="/cases/') == len(list(CASES.glob("*.yaml")))
    assert "documented" in page and "hypothetical" in page
    case = web.get("/cases/leeds-2017").text
    assert "ULTRA VIRES" in case and "Sources" in case and "documented" in case
    assert "we do not have the legal powers to amend the QOF payments" in case
    assert web.get("/cases/no-such-case").status_code == 404


def test_an_uploaded_scheme_is_checked_and_bad_files_are_explained(web):
    token = csrf(web)
    ok = web.post("/upload", data={"csrf": token}, files={"scheme": ("leeds.yaml", (CASES / "leeds-2017.yaml")
                                                                        .read_bytes())})
    assert "ULTRA VIRES" in ok.text
    bad = web.post("/upload", data={"csrf": token},
                   files={"scheme": ("evil.yaml", b"a: !!python/object/apply:os.system ['touch /tmp/pwned']\n")})
    assert bad.status_code == 422 and "yaml.bad_value" in bad.text and "evil.yaml:1" in bad.text


def test_every_answer_has_the_security_headers(web):
    for path in ("/", "/cases", "/api/schema", "/static/app.css"):
        headers = web.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'none'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_a_form_post_without_the_token_is_refused(web, leeds):
    for path in ("/drafts", f"/drafts/{leeds[0]}/1", f"/drafts/{leeds[0]}/check", f"/records/{leeds[1]}/whatif",
                 "/upload"):
        assert web.post(path, data={"csrf": "forged", "title": "x"}).status_code == 403, path
        assert web.post(path, data={}).status_code == 403, path


def test_pages_hold_no_script_and_every_form_carries_the_token(web, leeds):
    for path in ("/", f"/drafts/{leeds[0]}/1", f"/drafts/{leeds[0]}/6", f"/drafts/{leeds[0]}/review",
                 f"/records/{leeds[1]}", "/cases", "/cases/leeds-2017"):
        page = web.get(path).text
        assert "<script" not in page.lower() and " on" not in re.sub(r"<[^>]*>", "", page)[:0]
        assert page.count("<form") == page.count(f'name="csrf" value="{web.cookies.get("vires_csrf")}"'), path


MARKUP = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&'


def test_every_text_field_is_escaped(web):
    """HTML and script in every text field of a scheme: none of it reaches a page as markup."""
    answers = form_answers()
    for key in list(answers):
        field = key.split(".")[-1]
        if field in ("title", "place", "background", "name", "reason", "description") or key == "title":
            answers[key] = MARKUP
    answers["change.alternative_work.description"] = MARKUP
    draft = build_through_the_form(web, answers)
    token = csrf(web)
    pages = [web.get(f"/drafts/{draft}/{n}").text for n in range(1, 10)]
    pages.append(web.get(f"/drafts/{draft}/review").text)
    checked = web.post(f"/drafts/{draft}/check", data={"csrf": token}, follow_redirects=False)
    record = checked.headers["location"]
    pages += [web.get(record).text, web.get("/").text, web.get(f"{record}/briefing.html").text]
    pages.append(web.post(f"{record}/whatif", data={"csrf": token, "op0": "set", "path0": "title",
                                                    "value0": MARKUP}).text)
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in page for page in pages)
    data = yaml.safe_load(web.get(f"{record}/scheme.yaml").text)
    assert data["title"] == MARKUP  # kept as written, only escaped where shown


def test_a_record_read_back_says_when_todays_policy_answers_differently(web, leeds):
    from sqlalchemy import update

    from checker.web.store import records

    store = web.app.service.store
    with store.engine.begin() as db:  # as if the policy of the day had said valid
        kept = store.get_record(leeds[1])
        db.execute(update(records).where(records.c.id == leeds[1]).values(
            verdict="valid", result=json.dumps(dict(kept["result"], verdict="valid", decided_by=[]))))
    page = web.get(f"/records/{leeds[1]}").text
    assert "different answer: now ultra vires, then valid" in page
    api = web.get(f"/api/records/{leeds[1]}").json()
    assert api["recheck"]["changed"] and api["recheck"]["verdict_then"] == "valid"
    with store.engine.begin() as db:
        db.execute(update(records).where(records.c.id == leeds[1]).values(
            verdict=kept["verdict"], result=json.dumps(kept["result"])))


ICB_DRAFT = REPO / "docs" / "examples" / "icb-draft-2026.answers"


def test_dont_know_gives_an_undetermined_result_with_the_verdict_for_each_answer(web):
    answers = form_answers(ICB_DRAFT)
    assert answers["change.practice_opt_in"] == "?"  # the "Don't know" choice
    draft = build_through_the_form(web, answers)
    page = web.post(f"/drafts/{draft}/check", data={"csrf": csrf(web)}).text
    assert "UNDETERMINED" in page and "find out" in page.lower()
    assert "Don&#39;t know" in web.get(f"/drafts/{draft}/review").text


def test_the_api_page_describes_every_endpoint(web):
    page = web.get("/about-api").text
    for path in ("/api/check", "/api/whatif", "/api/fix", "/api/precedents", "/api/schema", "/api/editions",
                 "/api/records/", "/api/openapi.json"):
        assert path in page
