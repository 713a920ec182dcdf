"""Rendering a page for a signed-in user: the frame's menu follows the role's permissions."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from arbitre.services.access import GRANTS
from arbitre.web.deps import Principal
from arbitre.web.templating import render


def show(
    request: Request,
    me: Principal,
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: object,
) -> HTMLResponse:
    """``template`` for ``me``, in its language, with its permissions for the menu."""
    return render(
        request,
        template,
        {
            "me": me,
            "tenant": me.tenant,
            "perms": {p.value for p in GRANTS[me.account.role]},
            "base": f"/w/{me.tenant.slug}",
            **context,
        },
        lang=me.account.lang,
        status_code=status_code,
        headers=headers,
    )


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


__all__ = ["is_htmx", "show"]
