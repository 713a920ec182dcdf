"""The dependencies of the routes, as ``Annotated`` aliases: settings, the served workspaces, the
login limiter, the language, and who is asking — a page's session (with its CSRF check) or an API
bearer token. Permissions and visibility are then asked of `arbitre.services.access`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request

from arbitre.services.accounts import LANGS, Account, live_session, token_account
from arbitre.services.audit import Actor
from arbitre.store.workspace import Workspace
from arbitre.web.problems import CsrfFailed, LoginRequired
from arbitre.web.security import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, LoginLimiter, same_token, unsign
from arbitre.web.settings import WebSettings
from arbitre.web.tenancy import Tenant, Tenants

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LANG_COOKIE = "arbitre_lang"


@dataclass(frozen=True)
class Principal:
    """Who is asking, in which workspace; ``csrf`` is the session's token (``None`` for the API)."""

    tenant: Tenant
    account: Account
    ip: str | None
    csrf: str | None = None

    @property
    def ws(self) -> Workspace:
        return self.tenant.ws

    @property
    def actor(self) -> Actor:
        return Actor(name=self.account.username, role=self.account.role, ip=self.ip)


def get_settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def get_tenants(request: Request) -> Tenants:
    tenants: Tenants = request.app.state.tenants
    return tenants


def get_limiter(request: Request) -> LoginLimiter:
    limiter: LoginLimiter = request.app.state.limiter
    return limiter


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def page_lang(request: Request, account: Account | None) -> str:
    """The account's language; before login ``?lang=``, the language cookie, the browser's."""
    if account is not None:
        return account.lang
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGS:
        return asked
    accept = request.headers.get("accept-language", "").lower()
    return "en" if accept.startswith("en") else "fr"


async def page_principal(
    request: Request,
    slug: Annotated[str, Path(max_length=63)],
    tenants: Annotated[Tenants, Depends(get_tenants)],
) -> Principal:
    """The session of a page of workspace ``slug``; unsafe methods must carry its CSRF token."""
    tenant = tenants.get(slug)
    if tenant is None:
        raise LoginRequired(None, "/")
    session_id = unsign(tenant.key, request.cookies.get(SESSION_COOKIE))
    live = live_session(tenant.ws, session_id) if session_id else None
    if live is None:
        next_path = request.url.path if request.method in SAFE_METHODS else f"/w/{slug}/"
        raise LoginRequired(slug, next_path)
    if request.method not in SAFE_METHODS:
        origin = request.headers.get("origin")
        if origin is not None and origin.rstrip("/") != f"{request.url.scheme}://{request.url.netloc}":
            raise CsrfFailed("the request comes from another site")
        given = request.headers.get(CSRF_HEADER)
        if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
        if not same_token(given, live.csrf_token):
            raise CsrfFailed("the form is missing its security token or it has expired: reload the page")
    return Principal(tenant=tenant, account=live.account, ip=client_ip(request), csrf=live.csrf_token)


def api_principal(
    request: Request,
    slug: Annotated[str, Path(max_length=63)],
    tenants: Annotated[Tenants, Depends(get_tenants)],
) -> Principal:
    """The account of the API call's bearer token in workspace ``slug`` (401 otherwise)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise LoginRequired(slug, request.url.path)
    tenant = tenants.get(slug)
    account = token_account(tenant.ws, token.strip()) if tenant is not None else None
    if tenant is None or account is None:
        raise LoginRequired(slug, request.url.path)
    return Principal(tenant=tenant, account=account, ip=client_ip(request))


SettingsDep = Annotated[WebSettings, Depends(get_settings)]
TenantsDep = Annotated[Tenants, Depends(get_tenants)]
LimiterDep = Annotated[LoginLimiter, Depends(get_limiter)]
PageUser = Annotated[Principal, Depends(page_principal)]
ApiUser = Annotated[Principal, Depends(api_principal)]

__all__ = [
    "ApiUser",
    "LimiterDep",
    "PageUser",
    "Principal",
    "SettingsDep",
    "TenantsDep",
    "client_ip",
    "page_lang",
]
