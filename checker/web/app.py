"""The web app of `vires serve`: its pages and its JSON API, on FastAPI.

``create_app`` builds the app for a store URL and a policy folder. FastAPI
(on Starlette) gives the API its OpenAPI description and request handling;
uvicorn serves it (``checker.cli.serve``). Its interactive docs pages are
off (they load scripts from another site); the description is at
``/api/openapi.json`` and described in words at ``/about-api``. Any error
that is a bug answers 500 with a plain sentence, never a stack trace.
"""
from __future__ import annotations

import logging
import os
import sys

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import PlainTextResponse, Response

from ..diagnostics import Diagnostic, InputError
from ..reporters.json_report import dumps
from . import api, pages
from .security import Guard
from .service import Service
from .store import Store

log = logging.getLogger("vires.web")
#: How `vires serve --workers N` tells each worker process its store and policy folder.
STORE_VARIABLE = "VIRES_SERVE_STORE"
POLICY_VARIABLE = "VIRES_SERVE_POLICY"
#: uvicorn's exit code for a worker that failed to start: its supervisor then
#: stops instead of starting the worker again and again.
STARTUP_FAILURE = 3


def create_app(store_url: str | None = None, policy_dir=None, store: Store | None = None) -> Guard:
    """The web app, answering from a store (by URL, or given) and a policy folder."""
    service = Service(store or Store(store_url), policy_dir)
    app = FastAPI(title="vires", version="0.1.0", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Is a local change to the GP contract within the powers of the bodies involved? "
                              "The JSON API of `vires serve`: the answers are the JSON of the matching "
                              "`vires` command.")
    app.state.service = service
    app.include_router(api.router(service))
    app.include_router(pages.router(service))

    def openapi():
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            spec.setdefault("components", {}).setdefault("schemas", {}).update(api.openapi_components())
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, err: RequestValidationError):
        found = [Diagnostic("request.bad_parameter", str(e.get("msg", "not valid")), "<request>",
                            path=tuple(str(p) for p in e.get("loc", ())), hint="see /api/openapi.json")
                 for e in err.errors()]
        return Response(dumps({"diagnostics": [d.to_dict() for d in found]}), 422, media_type="application/json")

    @app.exception_handler(Exception)
    async def bug(request: Request, err: Exception):
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=err)
        return PlainTextResponse("vires: internal error. This is a bug in vires, not in your scheme; "
                                 "the server's log has the details.", 500)

    guarded = Guard(app)
    guarded.service = service  # type: ignore[attr-defined]
    return guarded


def app_from_environment() -> Guard:
    """The web app of one worker process of `vires serve --workers N`, for the
    store and policy folder that `serve` put in the environment."""
    try:
        return create_app(os.environ[STORE_VARIABLE], os.environ.get(POLICY_VARIABLE) or None)
    except Exception as err:  # the policy changed on disk, the store went away: say so, never a traceback
        why = "; ".join(d.message for d in err.diagnostics) if isinstance(err, InputError) else str(err)
        print(f"vires serve: a worker could not start ({why}); stopping", file=sys.stderr, flush=True)
        sys.exit(STARTUP_FAILURE)
