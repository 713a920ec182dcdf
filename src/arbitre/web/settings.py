"""The web app's settings: one object, built by a function from the command's options and the
environment (``ARBITRE_WEB_*``), never at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arbitre.errors import InputError


class WebSettings(BaseModel):
    """How the app serves; docs/web.md lists each with its environment variable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    workspaces: tuple[Path, ...] = Field(min_length=1)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    #: ``None``: the cookies are Secure when the request came over TLS (directly or, with
    #: ``proxy_headers``, through a proxy that says so); ``True``/``False`` force it.
    secure_cookies: bool | None = None
    proxy_headers: bool = False
    max_import_mb: int = Field(default=200, ge=1, le=10_000)
    max_attachment_mb: int = Field(default=10, ge=1, le=1000)
    login_attempts: int = Field(default=5, ge=1, le=1000)  # failures per account and address …
    login_window_s: int = Field(default=900, ge=1)  # … in this many seconds, then 429
    warm: bool = True  # read the decision and the refereed months, draw their charts, at start
    #: Server processes (uvicorn workers) on the same port, each with the app, its caches and its
    #: job thread; what they share is in the app database (sessions, login failures, jobs).
    workers: int = Field(default=1, ge=1, le=16)

    @property
    def max_body_bytes(self) -> int:
        """The largest request body accepted at all (the largest file, plus the form around it)."""
        return (max(self.max_import_mb, self.max_attachment_mb) + 1) << 20


ENV = {
    "secure_cookies": "ARBITRE_WEB_SECURE_COOKIES",
    "proxy_headers": "ARBITRE_WEB_PROXY_HEADERS",
    "max_import_mb": "ARBITRE_WEB_MAX_IMPORT_MB",
    "max_attachment_mb": "ARBITRE_WEB_MAX_ATTACHMENT_MB",
    "login_attempts": "ARBITRE_WEB_LOGIN_ATTEMPTS",
    "login_window_s": "ARBITRE_WEB_LOGIN_WINDOW_S",
    "workers": "ARBITRE_WEB_WORKERS",
}


def build_settings(
    workspaces: Sequence[Path | str],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    env: Mapping[str, str] | None = None,
    **options: object,
) -> WebSettings:
    """Settings from the command's options, then ``ARBITRE_WEB_*`` variables for the rest."""
    env = os.environ if env is None else env
    values: dict[str, object] = {"workspaces": tuple(Path(w) for w in workspaces), "host": host, "port": port}
    for field, var in ENV.items():
        if var in env and env[var] != "":
            values[field] = env[var]
    values.update({k: v for k, v in options.items() if v is not None})
    try:
        return WebSettings.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{ENV.get(field, field)}: {first['msg']}") from None


__all__ = ["WebSettings", "build_settings"]
