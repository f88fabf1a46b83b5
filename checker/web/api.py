"""The HTTP JSON API: check, what-if, fix, precedents, the scheme schema,
the editions and the decision record, described by OpenAPI at
``/api/openapi.json``.

A request body is a scheme (or ``{"scheme": ..., "changes": [...]}``) as
JSON, or as YAML with a YAML content type; it is read by the CLI's loader,
with its limits. Bad input answers 422 with the CLI's located diagnostics
(``{"diagnostics": [{code, file, line, column, path, message, hint}]}``),
never a stack trace. The answers are the JSON of the matching CLI command
(`vires check --format json` for one scheme, and so on), byte-stable.
"""
from __future__ import annotations

import json
import re
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..diagnostics import Diagnostic, InputError
from ..load.schema import load_schema
from ..reporters.fix import report_dict
from ..reporters.json_report import result_dict
from ..reporters.precedents import precedent_dict
from ..reporters.whatif import comparison_dict
from .service import Service, changes_from

#: The content types a body may have.
JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
FILE = "<request>"

_SCHEME_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/Scheme"}},
    "application/yaml": {"schema": {"type": "string"}}}}}
_CHANGES_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["scheme", "changes"],
    "properties": {"scheme": {"$ref": "#/components/schemas/Scheme"},
                   "changes": {"type": "array", "items": {"type": "object", "required": ["op", "path"], "properties": {
                       "op": {"enum": ["set", "add", "remove"]}, "path": {"type": "string"}, "value": {}}}}}}}}}}
_BAD: dict[int | str, dict[str, Any]] = {"422": {"description": "Bad input: the CLI's located diagnostics",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Diagnostics"}}}},
        "413": {"description": "The request is larger than the limit"}}


#: Where orjson and the json module may write a float differently: a number
#: (a value, so right after ':', '[' or ',' in compact JSON) with an exponent
#: (json 1e-05 and 1e+16, orjson 1e-5 and 1e16), or a small one orjson writes
#: out (0.00001, which json writes 1e-05). Text that looks so inside a string
#: only costs the json module's slower path; a source's file name such as
#: 001_ce9c83d3975e7b2f.txt does not, as it follows a quote.
_FLOAT_FORMS = re.compile(rb"[:,\[]-?[0-9]+(?:\.[0-9]+)?[eE]|[:,\[]-?0\.0000")


def json_answer(data, status: int = 200) -> Response:
    """A JSON answer: the CLI's keys in the CLI's order, byte-stable, but
    compact (the json module writes indented JSON in pure Python, which cost
    a third of a check's time per answer). orjson writes it: the bytes of
    the json module's compact form (tests/test_web_api.py compares them),
    sixteen times faster; the json module writes what orjson refuses (an
    integer beyond 64 bits) and any answer where the two may write a number
    differently (``_FLOAT_FORMS``)."""
    try:
        text: bytes | None = orjson.dumps(data) + b"\n"
    except (orjson.JSONEncodeError, TypeError):
        text = None
    if text is None or _FLOAT_FORMS.search(text):
        text = (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    return Response(text, status_code=status, media_type="application/json")


def bad_input(diagnostics) -> Response:
    """422 with the located diagnostics."""
    return json_answer({"diagnostics": [d.to_dict() for d in diagnostics]}, 422)


async def read_body(request: Request, service: Service):
    """The request's body as a Document, read by the CLI's loader."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in JSON_TYPES + YAML_TYPES:
        raise InputError([Diagnostic("request.bad_content_type", f"a body of type '{kind or 'none'}' is not read",
                                     FILE, hint="send JSON (application/json) or YAML (application/yaml)")])
    return service.read_text(await request.body(), FILE, fast_json=kind in JSON_TYPES)


def router(service: Service) -> APIRouter:
    """The API's routes, answering from ``service``."""
    api = APIRouter(prefix="/api", tags=["api"])

    async def read_and_check(request: Request):
        doc = await read_body(request, service)
        scheme = service.scheme(doc.data, FILE, doc)
        return scheme, service.check(scheme)

    @api.post("/check", openapi_extra=_SCHEME_BODY, responses=_BAD,
              summary="Check a scheme: the verdict and why (the JSON of `vires check --format json`).")
    async def check(request: Request, record: bool = False):
        try:
            scheme, result = await read_and_check(request)
        except InputError as err:
            return bad_input(err.diagnostics)
        out = result_dict(result)
        if record:
            out = dict(out, record=service.record(scheme, result))
        return json_answer(out)

    @api.post("/whatif", openapi_extra=_CHANGES_BODY, responses=_BAD,
              summary="What if the scheme were changed: the verdict before and after, and why.")
    async def whatif(request: Request):
        try:
            doc = await read_body(request, service)
            data = doc.data if isinstance(doc.data, dict) else {}
            scheme = service.scheme(data.get("scheme"), FILE, doc, ("scheme",))
            changes = changes_from(data.get("changes", []), FILE, doc, ("changes",))
            comparison = service.whatif(scheme, changes)
        except InputError as err:
            return bad_input(err.diagnostics)
        return json_answer(comparison_dict(comparison))

    @api.post("/fix", openapi_extra=_SCHEME_BODY, responses=_BAD,
              summary="The smallest sets of changes to the negotiable facts that make a scheme valid.")
    async def fix(request: Request, max_changes: int = 3, limit: int = 5):
        try:
            doc = await read_body(request, service)
            scheme = service.scheme(doc.data, FILE, doc)
            if not 1 <= max_changes <= 4 or not 1 <= limit <= 20:
                raise InputError([Diagnostic("request.out_of_range", "max_changes must be 1 to 4 and limit 1 to 20",
                                             FILE, hint="the CLI's defaults are max_changes=3 and limit=5")])
            report = service.fixes(scheme, max_changes, limit)
        except InputError as err:
            return bad_input(err.diagnostics)
        return json_answer(report_dict(report))

    @api.post("/precedents", openapi_extra=_SCHEME_BODY, responses=_BAD,
              summary="The nearest cases of the library, their outcome and the differences that matter.")
    async def precedents(request: Request, limit: int = 3):
        try:
            scheme, result = await read_and_check(request)
        except InputError as err:
            return bad_input(err.diagnostics)
        found = service.precedents(scheme, result, max(1, min(limit, 20)))
        return json_answer({"scheme": result.scheme, "verdict": result.verdict,
                            "precedents": [precedent_dict(p) for p in found]})

    @api.get("/schema", summary="The scheme JSON Schema (what `vires schema` prints).")
    def schema():
        return json_answer(load_schema("scheme"))

    @api.get("/editions", summary="The policy editions: nation, period, title; and the policy version's hash.")
    def editions():
        return json_answer({"policy_hash": service.policy_hash, "editions": service.editions()})

    @api.get("/records/{record_id}", responses={"404": {"description": "No such record"}},
             summary="A recorded check, re-checked against today's policy: has the answer changed?")
    def record(record_id: str):
        found = service.store.get_record(record_id)
        if found is None:
            return json_answer({"diagnostics": [Diagnostic("request.no_record", "no record has this id", FILE,
                                                           hint="a record's id is in the link to it").to_dict()]}, 404)
        return json_answer(dict(found, recheck=service.recheck(found)))

    return api


def _refs(node):
    """A schema node with its '#/$defs/X' references pointed at the OpenAPI components."""
    if isinstance(node, dict):
        return {k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref" and isinstance(v, str)
                    else _refs(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_refs(v) for v in node]
    return node


def openapi_components() -> dict:
    """The schemas the OpenAPI description refers to: the scheme (its $defs
    as components of their own) and the diagnostics."""
    whole = _refs(load_schema("scheme"))
    defs = whole.pop("$defs", {})
    scheme = {k: v for k, v in whole.items() if k not in ("$schema", "$id")}
    diagnostic = {"type": "object", "properties": {k: {"type": "integer" if k in ("line", "column") else "string"}
                                                   for k in ("code", "severity", "file", "line", "column", "path",
                                                             "message", "hint")}}
    return {**defs, "Scheme": scheme,
            "Diagnostics": {"type": "object", "properties": {"diagnostics": {"type": "array", "items": diagnostic}}}}
