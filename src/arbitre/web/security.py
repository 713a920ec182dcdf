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
  passes — counted in this process's memory (docs/web.md: one process per server).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

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
    """Failed logins per (workspace, account, address) and per address, in a sliding window."""

    def __init__(
        self, *, attempts: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[tuple[str, ...], deque[float]] = {}
        self._lock = threading.Lock()

    def _keys(self, workspace: str, username: str, address: str) -> list[tuple[tuple[str, ...], int]]:
        return [((workspace, username.lower(), address), self.attempts), ((address,), self.attempts * 10)]

    def retry_after(self, workspace: str, username: str, address: str) -> int | None:
        """Seconds to wait before the next attempt, or ``None`` when one is allowed now."""
        now = self.clock()
        with self._lock:
            wait = 0.0
            for key, limit in self._keys(workspace, username, address):
                times = self._failures.get(key)
                if not times:
                    continue
                while times and times[0] <= now - self.window_s:
                    times.popleft()
                if len(times) >= limit:
                    wait = max(wait, times[0] + self.window_s - now)
            return max(1, int(wait + 0.999)) if wait > 0 else None

    def failed(self, workspace: str, username: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) > 100_000:  # a flood of addresses: forget the oldest half
                for key in list(self._failures)[: len(self._failures) // 2]:
                    del self._failures[key]
            for key, _ in self._keys(workspace, username, address):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, workspace: str, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop((workspace, username.lower(), address), None)


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
