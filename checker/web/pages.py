"""The web app's pages: a new scheme (the interview as a form, one step per
topic, with a review page), the result (the briefing, what-if and
downloads), the case library, and uploading a scheme file.

Plain HTML forms, no script: every page works without JavaScript. Every
value is escaped by Jinja2's autoescaping; every form post carries the CSRF
token (``checker.web.security``). A draft's answers are saved on the server
at each step, so a reload or a closed browser loses nothing; the browser
keeps only a cookie naming its latest draft, and the draft's link.
"""
from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..diagnostics import InputError
from ..explore.whatif import parse_option
from ..load.schema import label
from ..load.yamlfile import yaml_text
from ..reporters import html as briefing_html
from ..reporters import markdown as briefing_md
from ..reporters.json_report import dumps
from ..reporters.scheme_yaml import render_scheme
from ..reporters.whatif import render_text as whatif_text
from . import form
from .security import CSRF_COOKIE, CSRF_FIELD, new_token, token_ok
from .service import Service

TEMPLATES = Path(__file__).parent / "templates"
DRAFT_COOKIE = "vires_draft"
#: The rows of the what-if form.
WHATIF_ROWS = 3

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)
_env.filters["verdict_words"] = lambda v: str(v).replace("_", " ")


def _main_of(page: str) -> str:
    """The <main> of a rendered briefing page (the app links its stylesheet instead of inlining it)."""
    found = re.search(r"<main>(.*)</main>", page, re.S)
    return found.group(1) if found else ""


def download_name(scheme_id: str, suffix: str) -> str:
    """A safe file name for a download."""
    stem = re.sub(r"[^a-z0-9-]+", "-", str(scheme_id).lower()).strip("-") or "scheme"
    return f"{stem}{suffix}"


def router(service: Service) -> APIRouter:
    """The pages' routes, answering from ``service``."""
    pages = APIRouter(include_in_schema=False)
    policy = service.checker.policy

    def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        token = request.cookies.get(CSRF_COOKIE) or new_token()
        text = _env.get_template(name).render(csrf=token, csrf_field=CSRF_FIELD, steps=form.STEPS, **context)
        answer = HTMLResponse(text, status_code=status)
        if request.cookies.get(CSRF_COOKIE) != token:
            answer.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
        return answer

    def problem(request: Request, title: str, message: str, status: int, diagnostics=()) -> HTMLResponse:
        return render(request, "problem.html", status, title=title, message=message,
                      diagnostics=[d.to_dict() for d in diagnostics])

    async def posted(request: Request):
        """The form of a post, or None when its CSRF token does not match the cookie."""
        data = await request.form()
        return data if token_ok(request.cookies.get(CSRF_COOKIE), str(data.get(CSRF_FIELD) or "")) else None

    def forged(request: Request) -> HTMLResponse:
        return problem(request, "This form has expired",
                       "The form was not sent from this app's own page (or your browser's cookies were cleared). "
                       "Go back, reload the page and send it again.", 403)

    @pages.get("/", response_class=HTMLResponse)
    def home(request: Request):
        draft_id = request.cookies.get(DRAFT_COOKIE)
        draft = service.store.draft(draft_id) if draft_id else None
        return render(request, "home.html", draft_id=draft_id if draft is not None else None,
                      draft_title=(draft or {}).get("title", ""), records=service.store.recent_records(10))

    @pages.post("/drafts")
    async def new_draft(request: Request):
        if await posted(request) is None:
            return forged(request)
        draft_id = service.store.new_draft()
        answer = RedirectResponse(f"/drafts/{draft_id}/1", status_code=303)
        answer.set_cookie(DRAFT_COOKIE, draft_id, httponly=True, samesite="lax", max_age=365 * 24 * 3600)
        return answer

    def step_page(request, draft_id, number, answers, errors, status=200):
        step = form.STEPS[number - 1]
        return render(request, "step.html", status, draft_id=draft_id, number=number, step=step,
                      blocks=form.step_blocks(step, answers, errors, policy), total=len(form.STEPS),
                      has_errors=bool(errors))

    @pages.get("/drafts/{draft_id}/{number:int}", response_class=HTMLResponse)
    def show_step(request: Request, draft_id: str, number: int):
        answers = service.store.draft(draft_id)
        if answers is None or not 1 <= number <= len(form.STEPS):
            return problem(request, "No such draft", "This link names no draft kept here.", 404)
        return step_page(request, draft_id, number, answers, {})

    @pages.post("/drafts/{draft_id}/{number:int}")
    async def save_step(request: Request, draft_id: str, number: int):
        data = await posted(request)
        if data is None:
            return forged(request)
        answers = service.store.draft(draft_id)
        if answers is None or not 1 <= number <= len(form.STEPS):
            return problem(request, "No such draft", "This link names no draft kept here.", 404)
        step = form.STEPS[number - 1]
        counts_before = form.counts(step, answers)
        answers = form.answers_from_form(data, step, answers)
        service.store.save_draft(draft_id, answers)
        go = data.get("go", "next")
        if go == "back":
            return RedirectResponse(f"/drafts/{draft_id}/{max(1, number - 1)}", status_code=303)
        counts_after = form.counts(step, answers)
        if counts_before != counts_after and go != "review":  # show the new items before asking for them
            return RedirectResponse(f"/drafts/{draft_id}/{number}#items", status_code=303)
        _, errors = form.build(answers, policy)
        mine = {k: v for k, v in errors.items() if k in form.step_keys(step, answers)}
        if mine:
            return step_page(request, draft_id, number, answers, mine, 422)
        if go == "review" or number == len(form.STEPS):
            return RedirectResponse(f"/drafts/{draft_id}/review", status_code=303)
        return RedirectResponse(f"/drafts/{draft_id}/{number + 1}", status_code=303)

    def review_page(request, draft_id, answers, diagnostics=(), status=200):
        _, errors = form.build(answers, policy)
        where = {}
        for n, step in enumerate(form.STEPS, 1):
            for key in form.step_keys(step, answers):
                if key in errors:
                    where[key] = n
        return render(request, "review.html", status, draft_id=draft_id, rows=form.review(answers, policy),
                      errors=[(where.get(k, 1), k, m, h) for k, (m, h) in errors.items()],
                      diagnostics=[d.to_dict() for d in diagnostics])

    @pages.get("/drafts/{draft_id}/review", response_class=HTMLResponse)
    def review(request: Request, draft_id: str):
        answers = service.store.draft(draft_id)
        if answers is None:
            return problem(request, "No such draft", "This link names no draft kept here.", 404)
        return review_page(request, draft_id, answers)

    @pages.post("/drafts/{draft_id}/check")
    async def check_draft(request: Request, draft_id: str):
        if await posted(request) is None:
            return forged(request)
        answers = service.store.draft(draft_id)
        if answers is None:
            return problem(request, "No such draft", "This link names no draft kept here.", 404)
        data, errors = form.build(answers, policy)
        if errors:
            return review_page(request, draft_id, answers, status=422)
        try:
            scheme = service.scheme(data, "your answers")
            result = service.check(scheme)
        except InputError as err:
            return review_page(request, draft_id, answers, err.diagnostics, 422)
        record_id = service.record(scheme, result, draft_id)
        return RedirectResponse(f"/records/{record_id}", status_code=303)

    @pages.post("/upload")
    async def upload(request: Request):
        data = await posted(request)
        if data is None:
            return forged(request)
        file = data.get("scheme")
        if file is None or isinstance(file, str):
            return problem(request, "No file was sent", "Choose a scheme file (.yaml) and send it again.", 422)
        name = Path(file.filename or "scheme.yaml").name
        try:
            scheme = service.scheme_from_bytes(await file.read(), name)
            result = service.check(scheme)
        except InputError as err:
            return problem(request, "The file is not a scheme vires can read", "What is wrong, and where:", 422,
                           err.diagnostics)
        return RedirectResponse(f"/records/{service.record(scheme, result)}", status_code=303)

    def record_or_none(record_id):
        found = service.store.get_record(record_id)
        if found is None:
            return None, None
        return found, service.scheme(found["scheme"], download_name(found["scheme_id"], ".yaml"))

    @pages.get("/records/{record_id}", response_class=HTMLResponse)
    def show_record(request: Request, record_id: str):
        found, scheme = record_or_none(record_id)
        if found is None:
            return problem(request, "No such record", "This link names no check kept here.", 404)
        result = service.check(scheme)
        briefing, fix = service.briefing(scheme, result)
        fixes = [[{"op": c.op, "path": c.path, "value": "" if c.op == "remove" else yaml_text(c.value)}
                  for c in attempt.changes] for attempt, _ in fix.fixes] if fix else []
        return render(request, "result.html", record=found, recheck=service.recheck(found),
                      briefing=_main_of(briefing_html.render_briefing(briefing)), fixes=fixes,
                      rows=range(WHATIF_ROWS), ops=("set", "add", "remove"))

    @pages.post("/records/{record_id}/whatif", response_class=HTMLResponse)
    async def whatif(request: Request, record_id: str):
        data = await posted(request)
        if data is None:
            return forged(request)
        found, scheme = record_or_none(record_id)
        if found is None:
            return problem(request, "No such record", "This link names no check kept here.", 404)
        changes = []
        try:
            for n in range(WHATIF_ROWS * 4):
                op, path = data.get(f"op{n}", "set"), str(data.get(f"path{n}", "")).strip()
                if not path:
                    continue
                value = str(data.get(f"value{n}", ""))
                changes.append(parse_option(op if op in ("set", "add", "remove") else "set",
                                            path if op == "remove" else f"{path}={value}", "the what-if form"))
            if not changes:
                return problem(request, "No change was given", "Fill in at least one row: the fact's path "
                               "(e.g. change.instrument) and its new value.", 422)
            comparison = service.whatif(scheme, changes)
        except InputError as err:
            return problem(request, "That change cannot be made", "What is wrong:", 422, err.diagnostics)
        after = comparison.after
        return render(request, "whatif.html", record=found, comparison=comparison, text=whatif_text(comparison),
                      changes=[c.option(quote=False) for c in changes],
                      before_words=label_verdict(comparison.before.verdict),
                      after_words=label_verdict(after.verdict))

    @pages.get("/records/{record_id}/{name}")
    def download(request: Request, record_id: str, name: str):
        found, scheme = record_or_none(record_id)
        if found is None:
            return problem(request, "No such record", "This link names no check kept here.", 404)
        stem = download_name(found["scheme_id"], "")
        result = service.check(scheme) if name != "result.json" else None
        if name == "scheme.yaml":
            text, kind = render_scheme(found["scheme"], "scheme.schema.json"), "application/yaml"
            filename = f"{stem}.yaml"
        elif name == "result.json":
            text, kind, filename = dumps(found["result"]), "application/json", f"{stem}-result.json"
        elif name in ("briefing.html", "briefing.md", "briefing.pdf"):
            briefing, _ = service.briefing(scheme, result)
            if name == "briefing.html":
                text, kind = briefing_html.render_briefing(briefing), "text/html; charset=utf-8"
            elif name == "briefing.md":
                text, kind = briefing_md.render_briefing(briefing), "text/markdown; charset=utf-8"
            else:
                return pdf_download(briefing, stem)
            filename = f"{stem}-briefing.{name.rsplit('.', 1)[1]}"
        else:
            return problem(request, "No such download", "The downloads are listed on the result page.", 404)
        return Response(text, media_type=kind, headers={"content-disposition": f'attachment; filename="{filename}"'})

    @pages.get("/cases", response_class=HTMLResponse)
    def cases(request: Request):
        return render(request, "cases.html", cases=[_case_row(path, scheme, result)
                                                    for path, scheme, result in service.library()])

    @pages.get("/cases/{case_id}", response_class=HTMLResponse)
    def case(request: Request, case_id: str):
        for path, scheme, result in service.library():
            if scheme.id == case_id:
                briefing, _ = service.briefing(scheme, result)
                return render(request, "case.html", case=_case_row(path, scheme, result),
                              briefing=_main_of(briefing_html.render_briefing(briefing)),
                              sources=scheme.data.get("sources", []))
        return problem(request, "No such case", "The case library lists every case.", 404)

    @pages.get("/about-api", response_class=HTMLResponse)
    def about_api(request: Request):
        return render(request, "api.html")

    @pages.get("/static/briefing.css")
    def briefing_css():
        return Response(briefing_html.CSS, media_type="text/css")

    @pages.get("/static/app.css")
    def app_css():
        return Response((Path(__file__).parent / "static" / "app.css").read_text("utf-8"), media_type="text/css")

    return pages


def label_verdict(verdict: str) -> str:
    """'ULTRA VIRES' for 'ultra_vires'."""
    return verdict.replace("_", " ").upper()


def _case_row(path, scheme, result) -> dict:
    data = scheme.data
    return {"id": scheme.id, "file": path, "title": data.get("title", ""), "date": data.get("date", ""),
            "jurisdiction": label(("jurisdiction",), data.get("jurisdiction", "")), "verdict": result.verdict,
            "decided_by": list(result.decided_by), "hypothetical": bool(data.get("hypothetical")),
            "summary": " ".join(str(data.get("summary", "")).split())}


def pdf_download(briefing, stem: str) -> Response:
    """The briefing as PDF (`vires report --format pdf`'s), one A4 page where it fits."""
    from ..reporters.pdf import render_briefing

    return Response(render_briefing(briefing), media_type="application/pdf",
                    headers={"content-disposition": f'attachment; filename="{stem}-briefing.pdf"'})
