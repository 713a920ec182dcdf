"""Users of the workspace, for its admins: add one (its password shown once), disable one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from arbitre.errors import InputError
from arbitre.services.access import Permission, require
from arbitre.services.accounts import ROLES, Account, add_user, disable_user, list_users
from arbitre.web.deps import PageUser
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    me: PageUser,
    *,
    status_code: int = 200,
    created: Account | None = None,
    password: str | None = None,
    error: str | None = None,
) -> HTMLResponse:
    return show(
        request,
        me,
        "users/index.html",
        status_code=status_code,
        users=list_users(me.ws),
        roles=ROLES,
        created=created,
        password=password,
        error=error,
    )


@router.get("/w/{slug}/users")
def users_page(request: Request, me: PageUser) -> HTMLResponse:
    require(me.account, Permission.MANAGE_USERS)
    return _page(request, me)


@router.post("/w/{slug}/users")
def user_add(
    request: Request,
    me: PageUser,
    username: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(max_length=20)],
    display_name: Annotated[str, Form(max_length=200)] = "",
    provider: Annotated[str, Form(max_length=200)] = "",
    sites: Annotated[str, Form(max_length=2000)] = "",
    lang: Annotated[str, Form(max_length=2)] = "fr",
) -> HTMLResponse:
    require(me.account, Permission.MANAGE_USERS)
    try:
        account, password = add_user(
            me.ws,
            username=username,
            role=role,
            actor=me.actor,
            display_name=display_name or None,
            provider=provider or None,
            sites=sites.replace(";", ",").split(","),
            lang=lang,
        )
    except InputError as exc:
        return _page(request, me, error=str(exc), status_code=422)
    return _page(request, me, created=account, password=password)


@router.post("/w/{slug}/users/{username}/disable")
def user_disable(request: Request, me: PageUser, username: str) -> HTMLResponse:
    require(me.account, Permission.MANAGE_USERS)
    if username == me.account.username:
        return _page(request, me, error="users.not_yourself", status_code=422)
    try:
        disable_user(me.ws, username, actor=me.actor)
    except InputError as exc:
        return _page(request, me, error=str(exc), status_code=404)
    return _page(request, me)
