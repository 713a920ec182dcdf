"""One login attempt, as the login page and the API's token route both make it: rate-limited,
the same answer for a wrong workspace, account or password, recorded in the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from arbitre.services.accounts import Account, authenticate
from arbitre.services.audit import Actor, record
from arbitre.web.security import LoginLimiter
from arbitre.web.tenancy import Tenant, Tenants


@dataclass(frozen=True)
class Attempt:
    """``account`` when it worked; ``retry_after`` (seconds) when the limiter said no."""

    tenant: Tenant | None = None
    account: Account | None = None
    retry_after: int | None = None


def attempt_login(
    tenants: Tenants,
    limiter: LoginLimiter,
    *,
    workspace: str,
    username: str,
    password: str,
    ip: str,
    channel: str,
) -> Attempt:
    """Check the credentials of ``username`` in ``workspace`` (``channel``: ``web`` or ``api``)."""
    wait = limiter.retry_after(workspace, username, ip)
    if wait is not None:
        return Attempt(retry_after=wait)
    tenant = tenants.get(workspace.strip().lower())
    account = authenticate(tenant.ws, username, password) if tenant is not None else None
    if tenant is None or account is None:
        limiter.failed(workspace, username, ip)
        if tenant is not None:
            record(tenant.ws, Actor(username.strip().lower()[:64] or "?", "-", ip), "login_failed", channel)
        return Attempt(tenant=tenant)
    limiter.succeeded(workspace, username, ip)
    record(tenant.ws, Actor(account.username, account.role, ip), "login", channel)
    return Attempt(tenant=tenant, account=account)


__all__ = ["Attempt", "attempt_login"]
