"""Accounts of the web app: users and roles, passwords, browser sessions, API tokens.

Roles (docs/web.md): ``admin`` (the client: everything, manages users), ``analyst`` (the client:
reads and runs analyses, no users), ``provider`` (bound to its provider's sites: only its own
contracts, data, uploads and disputes), ``auditor`` (reads everything, sees the audit log, changes
nothing).

Secrets are kept only as hashes: passwords with argon2id (OWASP's parameters, below),
session ids and API tokens with HMAC-SHA256 under the workspace's web key
(``.secret/web.key``, created on first use, mode 600) — a copy of the database opens nothing, and
a token of one workspace is worthless in another even when they share a database server.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel
from sqlalchemy import delete, select

from arbitre.errors import InputError
from arbitre.services.audit import Actor, aware, record
from arbitre.store.appdb import session_scope
from arbitre.store.webdb import ApiToken, User, WebSession
from arbitre.store.workspace import Workspace

Role = Literal["admin", "analyst", "provider", "auditor"]
ROLES: tuple[Role, ...] = ("admin", "analyst", "provider", "auditor")
LANGS = ("fr", "en")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
SITE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:._-]{0,99}$")
MIN_PASSWORD = 12
WEB_KEY = Path(".secret") / "web.key"
SESSION_LIFETIME = timedelta(hours=12)  # absolute: log in again after this, whatever happens
SESSION_IDLE = timedelta(hours=1)  # a session unused this long ends
TOKEN_PREFIX = "arb_"

# OWASP's argon2id parameters (19 MiB, 2 passes, 1 lane): about 40 ms a hash on the 2-core
# machine the project runs on, against 0.5 s for argon2-cffi's RFC 9106 defaults (64 MiB, 3
# passes, 4 lanes) — twenty people logging in at once must not wait ten seconds. Hashes made with
# other parameters still verify, and are rehashed with these at the next login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Verified against when the user does not exist, so that a login takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class Account(BaseModel):
    """A user as the web app and the CLI see it (never its password hash)."""

    id: int
    username: str
    display_name: str
    role: Role
    provider: str | None
    sites: list[str]
    lang: str
    disabled: bool
    created_at: datetime


class TokenInfo(BaseModel):
    """An API token's public facts (its secret is shown once, when created)."""

    id: str
    username: str
    name: str
    created_at: datetime
    expires_at: datetime | None


@dataclass(frozen=True)
class OpenedSession:
    """A new browser session: the id for the cookie (only here in clear) and its CSRF token."""

    session_id: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class LiveSession:
    """A valid session: whose it is and the CSRF token its forms carry."""

    account: Account
    csrf_token: str


# --- keys ------------------------------------------------------------------------------------


def web_key(ws: Workspace) -> bytes:
    """The workspace's key for session and token hashes (and cookie signatures); made once."""
    path = ws.root / WEB_KEY
    if not path.exists():
        path.parent.mkdir(mode=0o700, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text().strip())


def keyed_hash(key: bytes, secret: str) -> str:
    """HMAC-SHA256 of ``secret`` under ``key``, hex."""
    return hmac.new(key, secret.encode("utf-8"), hashlib.sha256).hexdigest()


# --- users -----------------------------------------------------------------------------------


def add_user(
    ws: Workspace,
    *,
    username: str,
    role: str,
    actor: Actor,
    display_name: str | None = None,
    provider: str | None = None,
    sites: list[str] | None = None,
    lang: str = "fr",
    password: str | None = None,
) -> tuple[Account, str]:
    """Create a user; returns it and its password (generated when not given: shown once)."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise InputError(
            field="username", expected="2–64 lower-case letters, digits, '.', '_' or '-'", got=username
        )
    if role not in ROLES:
        raise InputError(field="role", expected=" or ".join(ROLES), got=role)
    sites = [s.strip() for s in sites or [] if s.strip()]
    bad = [s for s in sites if not SITE.match(s)]
    if bad:
        raise InputError(field="sites", expected="site names such as callmada:tana", got=bad[0])
    if role == "provider" and not sites:
        raise InputError("a provider account is bound to its sites: give at least one", field="sites")
    if role != "provider" and (sites or provider):
        raise InputError(f"only a provider account has sites or a provider (got role {role})", field="sites")
    if lang not in LANGS:
        raise InputError(field="lang", expected="fr or en", got=lang)
    if password is None:
        password = generate_password()
    check_password(password)
    with session_scope(ws.engine) as session:
        if session.scalars(select(User).where(User.username == username)).first() is not None:
            raise InputError(f"a user named {username!r} already exists", field="username")
        user = User(
            username=username,
            display_name=(display_name or username).strip()[:200],
            role=role,
            provider=(provider or "").strip()[:200] or None,
            sites=json.dumps(sorted(set(sites))),
            lang=lang,
            password_hash=_hasher.hash(password),
            created_at=datetime.now(UTC),
            created_by=actor.name,
        )
        session.add(user)
        session.flush()
        account = _account(user)
    record(ws, actor, "user_change", username, change="created", role=role, sites=",".join(account.sites))
    return account, password


def generate_password() -> str:
    """A random password of 20 URL-safe characters (about 120 bits)."""
    return secrets.token_urlsafe(15)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(field="password", expected=f"at least {MIN_PASSWORD} characters", got="shorter")
    if len(password) > 1024:
        raise InputError(field="password", expected="at most 1024 characters", got="longer")


def list_users(ws: Workspace) -> list[Account]:
    with session_scope(ws.engine) as session:
        return [_account(u) for u in session.scalars(select(User).order_by(User.username))]


def get_user(ws: Workspace, username: str) -> Account:
    with session_scope(ws.engine) as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise InputError(f"no user named {username!r}", field="username")
        return _account(user)


def disable_user(ws: Workspace, username: str, *, actor: Actor) -> Account:
    """Disable a user: no more logins, and its sessions and tokens stop working at once."""
    with session_scope(ws.engine) as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise InputError(f"no user named {username!r}", field="username")
        if user.disabled_at is None:
            user.disabled_at = datetime.now(UTC)
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        account = _account(user)
    record(ws, actor, "user_change", username, change="disabled")
    return account


def set_lang(ws: Workspace, user_id: int, lang: str) -> None:
    if lang not in LANGS:
        raise InputError(field="lang", expected="fr or en", got=lang)
    with session_scope(ws.engine) as session:
        user = session.get(User, user_id)
        if user is not None:
            user.lang = lang


def authenticate(ws: Workspace, username: str, password: str) -> Account | None:
    """The account when the password is right and the account enabled; else ``None``.

    An unknown user costs the same argon2 verification as a known one (no timing oracle).
    """
    username = username.strip().lower()[:64]
    with session_scope(ws.engine) as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        stored = user.password_hash if user is not None else _DUMMY_HASH
        try:
            _hasher.verify(stored, password[:1024])
        except (VerificationError, InvalidHashError):
            return None
        if user is None or user.disabled_at is not None:
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        return _account(user)


def _account(user: User) -> Account:
    return Account(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,  # type: ignore[arg-type]
        provider=user.provider,
        sites=json.loads(user.sites),
        lang=user.lang,
        disabled=user.disabled_at is not None,
        created_at=aware(user.created_at),
    )


# --- sessions --------------------------------------------------------------------------------


def open_session(ws: Workspace, account: Account, *, now: datetime | None = None) -> OpenedSession:
    """A new browser session for ``account``; the database keeps only the id's keyed hash."""
    now = now or datetime.now(UTC)
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = now + SESSION_LIFETIME
    with session_scope(ws.engine) as session:
        # Expired sessions of anyone go when someone logs in: the table stays small.
        session.execute(delete(WebSession).where(WebSession.expires_at < now))
        session.add(
            WebSession(
                id_hash=keyed_hash(web_key(ws), session_id),
                user_id=account.id,
                csrf_token=csrf,
                created_at=now,
                last_seen_at=now,
                expires_at=expires,
            )
        )
    return OpenedSession(session_id=session_id, csrf_token=csrf, expires_at=expires)


def live_session(ws: Workspace, session_id: str, *, now: datetime | None = None) -> LiveSession | None:
    """The session's account and CSRF token, or ``None`` (unknown, expired, idle, user disabled)."""
    now = now or datetime.now(UTC)
    with session_scope(ws.engine) as session:
        row = session.get(WebSession, keyed_hash(web_key(ws), session_id[:200]))
        if row is None:
            return None
        if aware(row.expires_at) <= now or aware(row.last_seen_at) + SESSION_IDLE <= now:
            session.delete(row)
            return None
        user = session.get(User, row.user_id)
        if user is None or user.disabled_at is not None:
            session.delete(row)
            return None
        if now - aware(row.last_seen_at) > timedelta(minutes=1):  # one write a minute at most
            row.last_seen_at = now
        return LiveSession(account=_account(user), csrf_token=row.csrf_token)


def close_session(ws: Workspace, session_id: str) -> None:
    with session_scope(ws.engine) as session:
        session.execute(delete(WebSession).where(WebSession.id_hash == keyed_hash(web_key(ws), session_id)))


# --- API tokens ------------------------------------------------------------------------------


def create_token(
    ws: Workspace,
    username: str,
    *,
    name: str,
    actor: Actor,
    lifetime: timedelta | None = None,
    now: datetime | None = None,
) -> tuple[str, TokenInfo]:
    """A bearer token for ``username``: ``arb_<id>_<secret>``, shown once, stored as a keyed hash."""
    now = now or datetime.now(UTC)
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    with session_scope(ws.engine) as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise InputError(f"no user named {username!r}", field="username")
        if user.disabled_at is not None:
            raise InputError(f"user {username!r} is disabled", field="username")
        row = ApiToken(
            id=token_id,
            user_id=user.id,
            name=name.strip()[:200] or "token",
            secret_hash=keyed_hash(web_key(ws), secret),
            created_at=now,
            expires_at=None if lifetime is None else now + lifetime,
        )
        session.add(row)
        info = TokenInfo(
            id=token_id, username=username, name=row.name, created_at=now, expires_at=row.expires_at
        )
    record(ws, actor, "token_create", username, token=token_id, name=info.name)
    return f"{TOKEN_PREFIX}{token_id}_{secret}", info


def token_account(ws: Workspace, token: str, *, now: datetime | None = None) -> Account | None:
    """The account a bearer token stands for, or ``None`` (malformed, unknown, expired, revoked)."""
    now = now or datetime.now(UTC)
    match = re.fullmatch(r"arb_([0-9a-f]{16})_([A-Za-z0-9_-]{20,100})", token)
    if match is None:
        return None
    token_id, secret = match.groups()
    with session_scope(ws.engine) as session:
        row = session.get(ApiToken, token_id)
        if row is None or not hmac.compare_digest(row.secret_hash, keyed_hash(web_key(ws), secret)):
            return None
        if row.revoked_at is not None or (row.expires_at is not None and aware(row.expires_at) <= now):
            return None
        user = session.get(User, row.user_id)
        if user is None or user.disabled_at is not None:
            return None
        if row.last_used_at is None or now - aware(row.last_used_at) > timedelta(minutes=1):
            row.last_used_at = now
        return _account(user)


__all__ = [
    "LANGS",
    "ROLES",
    "Account",
    "LiveSession",
    "OpenedSession",
    "Role",
    "TokenInfo",
    "add_user",
    "authenticate",
    "check_password",
    "close_session",
    "create_token",
    "disable_user",
    "generate_password",
    "get_user",
    "keyed_hash",
    "list_users",
    "live_session",
    "open_session",
    "set_lang",
    "token_account",
    "web_key",
]
