"""Cookies, CSRF and the login rate limit.

- The session cookie holds a random id and its HMAC under the workspace's key
  (``<id>.<signature>``); the database keeps only a keyed hash of the id, with the session's
  server-side expiry. HttpOnly, SameSite=Lax, Path=/w/<workspace>/, Secure over TLS.
- CSRF: every form and every HTMX request of a session carries the session's token (a hidden
  field, or the ``X-CSRF-Token`` header that the page sets for HTMX); the login form, before any
  session, a double-submit token (a signed cookie and the same value in the form). Unsafe
  requests whose ``Origin`` is another site are refused too.
- Logins: after ``attempts`` failures for one account from one address within ``window_s``, or
  ten times that from one address for any account, further attempts get 429 until the window
  passes — counted in the app database of the server's first workspace, so that several server
  processes share the count.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from arbitre.store.appdb import session_scope
from arbitre.store.webdb import LoginFailure

SESSION_COOKIE = "arbitre_session"
LOGIN_CSRF_COOKIE = "arbitre_login"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


def sign(key: bytes, value: str) -> str:
    """``value.signature`` (HMAC-SHA256, URL-safe hex)."""
    mac = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{value}.{mac}"


def unsign(key: bytes, signed: str | None) -> str | None:
    """The value of a signed text, or ``None`` when missing, malformed or forged."""
    if not signed or "." not in signed or len(signed) > 400:
        return None
    value, _, mac = signed.rpartition(".")
    good = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return value if hmac.compare_digest(mac, good) else None


def same_token(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given), expected)


def new_token() -> str:
    return secrets.token_urlsafe(32)


class LoginLimiter:
    """Failed logins per (workspace, account, address) and per address, in a sliding window.

    The failures live in an app database (``engine``: the server's first workspace), so that every
    process serving it counts the same ones; each key is stored as its SHA-256 and the time as the
    wall clock's seconds (``clock``), which processes share where a monotonic clock is not.
    """

    def __init__(
        self, engine: Engine, *, attempts: int, window_s: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.engine = engine
        self.attempts = attempts
        self.window_s = window_s
        self.clock = clock

    def _keys(self, workspace: str, username: str, address: str) -> list[tuple[str, int]]:
        return [
            (_digest("account", workspace, username.lower(), address), self.attempts),
            (_digest("address", address), self.attempts * 10),
        ]

    def retry_after(self, workspace: str, username: str, address: str) -> int | None:
        """Seconds to wait before the next attempt, or ``None`` when one is allowed now."""
        now = self.clock()
        wait = 0.0
        with session_scope(self.engine) as session:
            for key, limit in self._keys(workspace, username, address):
                times = session.scalars(
                    select(LoginFailure.at)
                    .where(LoginFailure.key == key, LoginFailure.at > now - self.window_s)
                    .order_by(LoginFailure.at)
                    .limit(limit)
                ).all()
                if len(times) >= limit:
                    wait = max(wait, times[0] + self.window_s - now)
        return max(1, int(wait + 0.999)) if wait > 0 else None

    def failed(self, workspace: str, username: str, address: str) -> None:
        now = self.clock()
        with session_scope(self.engine) as session:
            session.execute(delete(LoginFailure).where(LoginFailure.at <= now - self.window_s))
            session.add_all(
                LoginFailure(key=key, at=now) for key, _ in self._keys(workspace, username, address)
            )

    def succeeded(self, workspace: str, username: str, address: str) -> None:
        key, _ = self._keys(workspace, username, address)[0]
        with session_scope(self.engine) as session:
            session.execute(delete(LoginFailure).where(LoginFailure.key == key))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "LOGIN_CSRF_COOKIE",
    "SESSION_COOKIE",
    "LoginLimiter",
    "new_token",
    "same_token",
    "sign",
    "unsign",
]
