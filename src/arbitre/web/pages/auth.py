"""Logging in and out, and the language of the pages.

The login form names the workspace (prefilled from ``?w=``; with one workspace served, that one),
the account and the password. A wrong workspace, account or password gets the same answer, so the
form tells nothing about who exists; repeated failures are slowed by `LoginLimiter` (429).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from arbitre.services.accounts import SESSION_LIFETIME, close_session, open_session, set_lang
from arbitre.services.audit import record
from arbitre.web.deps import (
    LANG_COOKIE,
    LimiterDep,
    PageUser,
    SettingsDep,
    TenantsDep,
    client_ip,
    page_lang,
)
from arbitre.web.login import attempt_login
from arbitre.web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, new_token, same_token, sign, unsign
from arbitre.web.settings import WebSettings
from arbitre.web.templating import render

router = APIRouter(include_in_schema=False)


def secure(request: Request, settings: WebSettings) -> bool:
    """Whether cookies get the Secure flag: forced by the settings, else over TLS."""
    return settings.secure_cookies if settings.secure_cookies is not None else request.url.scheme == "https"


def _safe_next(next_path: str | None, slug: str) -> str:
    """Where to go after login: a page of that workspace, never another site."""
    home = f"/w/{slug}/"
    if not next_path or not next_path.startswith(home) or "//" in next_path or "\\" in next_path:
        return home
    return next_path


@router.get("/")
def home() -> Response:
    return RedirectResponse("/login", status_code=303)


@router.get("/login")
def login_page(
    request: Request, settings: SettingsDep, tenants: TenantsDep, w: str = "", next: str = ""
) -> Response:
    return _login_form(request, settings, tenants, workspace=w, next_path=next)


def _login_form(
    request: Request,
    settings: WebSettings,
    tenants: TenantsDep,
    *,
    workspace: str,
    next_path: str,
    error: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    lang = page_lang(request, None)
    served = tenants.all()
    if not workspace and len(served) == 1:
        workspace = served[0].slug
    token = new_token()
    response = render(
        request,
        "auth/login.html",
        {
            "workspace": workspace[:63],
            "next_path": next_path[:500],
            "csrf": token,
            "error": error,
            "single": len(served) == 1,
        },
        lang=lang,
        status_code=status_code,
        headers=headers,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        sign(request.app.state.login_key, token),
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=secure(request, settings),
    )
    if request.query_params.get("lang") in ("fr", "en"):
        response.set_cookie(
            LANG_COOKIE, request.query_params["lang"], max_age=365 * 86400, samesite="lax", httponly=True
        )
    return response


@router.post("/login")
def login(
    request: Request,
    settings: SettingsDep,
    tenants: TenantsDep,
    limiter: LimiterDep,
    workspace: Annotated[str, Form(max_length=63)] = "",
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    expected = unsign(request.app.state.login_key, request.cookies.get(LOGIN_CSRF_COOKIE))
    if expected is None or not same_token(csrf_token, expected):
        return _login_form(
            request,
            settings,
            tenants,
            workspace=workspace,
            next_path=next,
            error="login.expired",
            status_code=403,
        )
    tried = attempt_login(
        tenants,
        limiter,
        workspace=workspace,
        username=username,
        password=password,
        ip=client_ip(request),
        channel="web",
    )
    if tried.tenant is None or tried.account is None:
        return _login_form(
            request,
            settings,
            tenants,
            workspace=workspace,
            next_path=next,
            error="login.failed" if tried.retry_after is None else "login.too_many",
            status_code=401 if tried.retry_after is None else 429,
            headers=None if tried.retry_after is None else {"Retry-After": str(tried.retry_after)},
        )
    tenant, account = tried.tenant, tried.account
    opened = open_session(tenant.ws, account)
    response = RedirectResponse(_safe_next(next, tenant.slug), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        sign(tenant.key, opened.session_id),
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path=f"/w/{tenant.slug}",
        httponly=True,
        samesite="lax",
        secure=secure(request, settings),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/w/{slug}/logout")
def logout(request: Request, me: PageUser, settings: SettingsDep) -> Response:
    session_id = unsign(me.tenant.key, request.cookies.get(SESSION_COOKIE))
    if session_id:
        close_session(me.ws, session_id)
    record(me.ws, me.actor, "logout", "web")
    response = RedirectResponse(f"/login?w={me.tenant.slug}", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path=f"/w/{me.tenant.slug}", httponly=True, secure=secure(request, settings)
    )
    return response


@router.post("/w/{slug}/lang")
def change_lang(
    me: PageUser,
    lang: Annotated[str, Form(max_length=2)],
    back: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    set_lang(me.ws, me.account.id, lang)
    return RedirectResponse(_safe_next(back, me.tenant.slug), status_code=303)
