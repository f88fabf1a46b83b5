"""Safe by default: security headers on every answer, a limit on the size
of a request, and protection of form posts against cross-site request
forgery.

- **Headers**: a content security policy that allows no script at all
  (``script-src 'none'``: the pages work without JavaScript) and no content
  from other sites, no framing, no sniffing, no referrer.
- **Size**: a request body over ``MAX_BODY`` bytes (the CLI's file limit,
  plus room for a form's other fields) is refused with 413 before it is
  read whole, whether or not it declares its length.
- **CSRF**: a double-submit token. Each browser gets a random token in a
  cookie (SameSite=Strict, HttpOnly) and every form carries it in a hidden
  field; a form post whose field does not match the cookie is refused with
  403. The JSON API takes no cookie and only JSON or YAML bodies, which a
  page of another site cannot send without the browser asking first.
"""
from __future__ import annotations

import hmac
import json
import secrets

from ..load.yamlfile import MAX_BYTES

#: The largest request body accepted: a scheme at the CLI's limit, and a form's other fields.
MAX_BODY = MAX_BYTES + 64 * 1024
CSRF_COOKIE = "vires_csrf"
CSRF_FIELD = "csrf"

HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
     b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class Guard:
    """ASGI middleware: the security headers on every answer, and the body size limit."""

    def __init__(self, app, max_body: int = MAX_BODY):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            return await _too_large(send, self.max_body)
        # The body is read here, up to the limit, and handed on whole: at
        # most MAX_BODY bytes are ever held, and the app never sees a cut body.
        chunks, seen = [], 0
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                chunks.append(message.get("body", b""))
                seen += len(chunks[-1])
                if seen > self.max_body:
                    return await _too_large(send, self.max_body)
                if not message.get("more_body"):
                    break
        body, handed = b"".join(chunks), False

        async def replay():
            nonlocal handed
            if not handed:
                handed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        await self.app(scope, replay, send_with_headers)


async def _too_large(send, limit: int) -> None:
    body = json.dumps({"diagnostics": [{
        "code": "request.too_large", "severity": "error", "file": "<request>", "line": 0, "column": 0, "path": "",
        "message": f"the request is larger than the limit of {limit:,} bytes",
        "hint": "a scheme is a few kilobytes; is this the right file?"}]}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                + HEADERS})
    await send({"type": "http.response.body", "body": body})


def new_token() -> str:
    """A fresh CSRF token."""
    return secrets.token_urlsafe(24)


def token_ok(cookie: str | None, field: str | None) -> bool:
    """Whether a form's token matches its cookie (compared in constant time)."""
    return bool(cookie and field) and hmac.compare_digest(str(cookie), str(field))
