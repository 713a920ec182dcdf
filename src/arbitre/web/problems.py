"""Errors as RFC 9457 problem details (``application/problem+json``) for the API, and as a page
for the browser — never a traceback.

``type`` is a URI naming the kind of problem (``/problems/<kind>``, documented in docs/web.md),
``title`` its short name, ``detail`` what happened; an input error adds where (``file``,
``line``, ``field``) and a refused file its row ``errors``.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from arbitre.errors import ArbitreError, Conflict, InputError, RejectedRows
from arbitre.services.access import NotAllowed, NotFound
from arbitre.services.uploads import TooLarge

log = logging.getLogger("arbitre.web")

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
}


class RowErrorOut(BaseModel):
    line: int
    column: str
    reason: str
    value: str | None = None


class Problem(BaseModel):
    """An error, as RFC 9457 draws it (and what Arbitre adds: where, and the refused rows)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    file: str | None = None
    line: int | None = None
    field: str | None = None
    errors: list[RowErrorOut] | None = None


class LoginRequired(Exception):
    """A page asked for without a valid session: to the login page (401 for the API)."""

    def __init__(self, slug: str | None, next_path: str) -> None:
        self.slug = slug
        self.next_path = next_path


class CsrfFailed(Exception):
    """An unsafe request without the session's CSRF token, or from another site (403)."""


def problem_response(
    request: Request,
    status: int,
    detail: str | None = None,
    *,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    extra: Problem | None = None,
) -> Response:
    """The problem as JSON for ``/api/``, as an error page otherwise."""
    body = extra or Problem(title=TITLES.get(status, "Error"), status=status)
    body = body.model_copy(
        update={
            "status": status,
            "title": TITLES.get(status, body.title),
            "detail": detail if detail is not None else body.detail,
            "type": f"/problems/{kind}" if kind else body.type,
            "instance": request.url.path,
        }
    )
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return JSONResponse(
            body.model_dump(mode="json", exclude_none=True),
            status_code=status,
            media_type="application/problem+json",
            headers=headers,
        )
    from arbitre.web.deps import page_lang  # the error page speaks the visitor's language
    from arbitre.web.templating import render

    return render(
        request,
        "error.html",
        {"problem": body},
        lang=page_lang(request, None),
        status_code=status,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    """Register the handlers: every error the app can meet gets a problem, none a traceback."""

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers) if exc.headers else None
        kind = {401: "unauthenticated", 403: "forbidden", 404: "not-found"}.get(exc.status_code)
        return problem_response(request, exc.status_code, str(exc.detail), kind=kind, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "form"))
        return problem_response(
            request,
            422,
            f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid")),
            kind="invalid-request",
            extra=Problem(title="", status=422, field=where or None),
        )

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return problem_response(
                request,
                401,
                "a bearer token is required (Authorization: Bearer …)",
                kind="unauthenticated",
                headers={"WWW-Authenticate": "Bearer"},
            )
        from urllib.parse import urlencode

        target = "/login?" + urlencode({"w": exc.slug or "", "next": exc.next_path})
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        return problem_response(request, 403, str(exc), kind="csrf")

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return problem_response(request, 404, str(exc), kind="not-found")

    @app.exception_handler(NotAllowed)
    async def _not_allowed(request: Request, exc: NotAllowed) -> Response:
        return problem_response(request, 403, str(exc), kind="forbidden")

    @app.exception_handler(TooLarge)
    async def _too_large(request: Request, exc: TooLarge) -> Response:
        return problem_response(request, 413, str(exc), kind="too-large")

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        return problem_response(request, 409, str(exc), kind="conflict")

    @app.exception_handler(ArbitreError)
    async def _input(request: Request, exc: ArbitreError) -> Response:
        extra = Problem(title="", status=422)
        if isinstance(exc, InputError):
            extra = extra.model_copy(update={"line": exc.line, "field": exc.field})
        if isinstance(exc, RejectedRows):
            extra = extra.model_copy(
                update={
                    "errors": [
                        RowErrorOut(line=e.line, column=e.column, reason=e.reason, value=e.value)
                        for e in exc.errors[:200]
                    ]
                }
            )
        return problem_response(request, 422, str(exc), kind="invalid-input", extra=extra)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem_response(request, 500, "an unexpected error; it has been logged", kind="internal")


__all__ = ["CsrfFailed", "LoginRequired", "Problem", "install", "problem_response"]
