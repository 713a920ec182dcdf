"""Who may do what, and see which contracts and sites: the one policy of the web app and its API.

Every route asks `require` for its permission, and every read of a contract, a site's data, an
upload, a dispute or an attachment goes through `sees_contract` / `visible_sites`: a provider
sees only the contracts all of whose sites are its own, and what is not visible is reported as
not found (404), so that guessing an id tells nothing.
"""

from __future__ import annotations

from enum import StrEnum

from arbitre.domain.contract import Contract
from arbitre.domain.tender import Invitee, Tender
from arbitre.errors import ArbitreError
from arbitre.services.accounts import Account, Role


class Permission(StrEnum):
    READ_WORKSPACE = "read_workspace"  # the whole store, the import log, every contract
    IMPORT = "import"
    CHANGE_CONTRACT = "change_contract"
    MANAGE_USERS = "manage_users"
    READ_AUDIT = "read_audit"
    STAFFING = "staffing"
    READ_CONTRACTS = "read_contracts"  # those it sees
    READ_KPIS = "read_kpis"  # of the sites it sees
    PROVIDER_UPLOAD = "provider_upload"
    DISPUTE_OPEN = "dispute_open"
    DISPUTE_COMMENT = "dispute_comment"
    DISPUTE_ANSWER = "dispute_answer"
    DISPUTE_DECIDE = "dispute_decide"
    RUN = "run"  # decide again, referee a month again
    TENDER_EVALUATE = "tender_evaluate"  # grade the bids' technical answers
    TENDER_AWARD = "tender_award"
    TENDER_BID = "tender_bid"  # a provider: the tenders it is invited to, its own bid


P = Permission
GRANTS: dict[Role, frozenset[Permission]] = {
    "admin": frozenset(P) - {P.PROVIDER_UPLOAD, P.DISPUTE_OPEN, P.TENDER_BID},
    "analyst": frozenset(
        {
            P.READ_WORKSPACE,
            P.IMPORT,
            P.STAFFING,
            P.READ_CONTRACTS,
            P.READ_KPIS,
            P.DISPUTE_COMMENT,
            P.DISPUTE_ANSWER,
            P.RUN,
            P.TENDER_EVALUATE,
        }
    ),
    "provider": frozenset(
        {
            P.STAFFING,
            P.READ_CONTRACTS,
            P.READ_KPIS,
            P.PROVIDER_UPLOAD,
            P.DISPUTE_OPEN,
            P.DISPUTE_COMMENT,
            P.TENDER_BID,
        }
    ),
    "auditor": frozenset({P.READ_WORKSPACE, P.READ_AUDIT, P.STAFFING, P.READ_CONTRACTS, P.READ_KPIS}),
}


class NotAllowed(ArbitreError):
    """The account's role does not allow this (HTTP 403)."""


class NotFound(ArbitreError):
    """No such thing — or one the account may not see, which is told the same way (HTTP 404)."""


def can(account: Account, permission: Permission) -> bool:
    return permission in GRANTS[account.role]


def require(account: Account, permission: Permission) -> None:
    """Raise `NotAllowed` unless the account's role grants ``permission``."""
    if not can(account, permission):
        raise NotAllowed(f"the role {account.role} does not allow {permission.value.replace('_', ' ')}")


def is_client(account: Account) -> bool:
    """Client side (admin, analyst, auditor): sees the whole workspace."""
    return can(account, Permission.READ_WORKSPACE)


def visible_sites(account: Account) -> frozenset[str] | None:
    """The sites whose data the account sees: ``None`` for all (the client), else the provider's."""
    return None if is_client(account) else frozenset(account.sites)


def sees_contract(account: Account, contract: Contract) -> bool:
    """The client sees every contract; a provider those all of whose sites are its own."""
    sites = visible_sites(account)
    return sites is None or (bool(contract.provider.sites) and set(contract.provider.sites) <= sites)


def invitation(account: Account, tender: Tender) -> Invitee | None:
    """The provider's invitation to ``tender`` (``None``: not invited, or not a provider): the
    invitee all of whose sites are the account's own."""
    sites = visible_sites(account)
    if sites is None:
        return None
    return next((i for i in tender.invited if set(i.sites) <= sites), None)


def sees_tender(account: Account, tender: Tender) -> bool:
    """The client sees every tender; a provider those it is invited to."""
    return is_client(account) or invitation(account, tender) is not None


__all__ = [
    "GRANTS",
    "NotAllowed",
    "NotFound",
    "Permission",
    "can",
    "invitation",
    "is_client",
    "require",
    "sees_contract",
    "sees_tender",
    "visible_sites",
]
