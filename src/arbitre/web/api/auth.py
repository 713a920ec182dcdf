"""Health, tokens, and who the token is."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Request

from arbitre import __version__
from arbitre.services.accounts import create_token
from arbitre.services.audit import Actor
from arbitre.web.deps import ApiUser, LimiterDep, TenantsDep, client_ip
from arbitre.web.login import attempt_login
from arbitre.web.models import Health, Me, TokenOut

router = APIRouter(tags=["auth"])
LOGIN_TOKEN_LIFETIME = timedelta(hours=12)


@router.get("/health", response_model=Health)
def health() -> Health:
    """The server is up (no authentication)."""
    return Health(status="ok", version=__version__)


@router.post("/w/{slug}/token", response_model=TokenOut)
def token(
    request: Request,
    tenants: TenantsDep,
    limiter: LimiterDep,
    slug: Annotated[str, Path(max_length=63)],
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
) -> TokenOut:
    """A bearer token for 12 hours, from an account's name and password (rate-limited like the
    login page; the OAuth 2 password form: ``username``, ``password``)."""
    tried = attempt_login(
        tenants,
        limiter,
        workspace=slug,
        username=username,
        password=password,
        ip=client_ip(request),
        channel="api",
    )
    if tried.retry_after is not None:
        wait = str(tried.retry_after)
        raise HTTPException(
            429, f"too many failed logins: try again in {wait} s", headers={"Retry-After": wait}
        )
    if tried.tenant is None or tried.account is None:
        raise HTTPException(
            401, "wrong workspace, account or password", headers={"WWW-Authenticate": "Bearer"}
        )
    tenant, account = tried.tenant, tried.account
    actor = Actor(account.username, account.role, client_ip(request))
    secret, _ = create_token(
        tenant.ws, account.username, name="api login", actor=actor, lifetime=LOGIN_TOKEN_LIFETIME
    )
    return TokenOut(access_token=secret, expires_in=int(LOGIN_TOKEN_LIFETIME.total_seconds()))


@router.get("/w/{slug}/me", response_model=Me)
def me(user: ApiUser) -> Me:
    """The account of the token."""
    a = user.account
    return Me(
        username=a.username,
        display_name=a.display_name,
        role=a.role,
        provider=a.provider,
        sites=a.sites,
        lang=a.lang,
        workspace=user.tenant.slug,
    )
