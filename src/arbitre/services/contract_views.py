"""Contracts as each account may see them: the client all of them, a provider its own.

Reads only (`arbitre.services.contracts` stores them): the list with each contract's latest
version, and the versions of one with who stored them, when, and what changed field by field.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from pydantic import BaseModel
from sqlalchemy import select

from arbitre.domain.contract import Contract
from arbitre.services.access import NotFound, Permission, is_client, require, sees_contract
from arbitre.services.accounts import Account
from arbitre.store.appdb import ContractVersion, session_scope
from arbitre.store.contracts import contract_history
from arbitre.store.workspace import Workspace
from arbitre.yamlio import parse_model


class ContractSummary(BaseModel):
    id: str
    title: str
    client: str
    provider: str
    sites: list[str]
    flows: list[str]
    start: date
    end: date
    currency: str
    version: int


class FieldChange(BaseModel):
    field: str
    before: str | None
    after: str | None


class ContractVersionInfo(BaseModel):
    version: int
    created_at: datetime
    who: str
    source: str  # the file's name
    sha256: str
    changes: list[FieldChange]


def _summary(contract: Contract, version: int) -> ContractSummary:
    return ContractSummary(
        id=contract.id,
        title=contract.title,
        client=contract.client.name,
        provider=contract.provider.name,
        sites=list(contract.provider.sites),
        flows=list(contract.flows),
        start=contract.start,
        end=contract.end,
        currency=contract.currency,
        version=version,
    )


def visible_contracts(ws: Workspace, account: Account) -> list[ContractSummary]:
    """Every contract the account sees, with its latest version."""
    require(account, Permission.READ_CONTRACTS)
    return [_summary(c, v) for c, v in _latest(ws) if sees_contract(account, c)]


def _latest(ws: Workspace) -> list[tuple[Contract, int]]:
    """Each contract's latest version, read in one query (a page asks for them on every view)."""
    with session_scope(ws.engine) as session:
        rows = session.execute(
            select(ContractVersion.contract_id, ContractVersion.version, ContractVersion.text).order_by(
                ContractVersion.contract_id, ContractVersion.version
            )
        ).all()
    latest = {cid: (version, text) for cid, version, text in rows}
    return [(_parse(text, f"{cid} v{version}"), version) for cid, (version, text) in sorted(latest.items())]


@lru_cache(maxsize=512)
def _parse(text: str, label: str) -> Contract:
    """A stored version, validated once (the text is its own key: a version never changes)."""
    return parse_model(text, Contract, file=label)


def visible_contract_ids(ws: Workspace, account: Account) -> set[str] | None:
    """The ids of the contracts the account sees; ``None`` for the client (all of them)."""
    if is_client(account):
        return None
    return {c.id for c in visible_contracts(ws, account)}


def visible_contract(ws: Workspace, account: Account, contract_id: str) -> Contract:
    """The contract when the account sees it; `NotFound` otherwise (unknown or not its own)."""
    require(account, Permission.READ_CONTRACTS)
    for contract, _ in _latest(ws):
        if contract.id == contract_id and sees_contract(account, contract):
            return contract
    raise NotFound(f"no contract {contract_id!r}")


def contract_versions(ws: Workspace, account: Account, contract_id: str) -> list[ContractVersionInfo]:
    """The versions of a contract the account sees, oldest first, with their differences."""
    visible_contract(ws, account, contract_id)
    return [
        ContractVersionInfo(
            version=v.version,
            created_at=v.created_at.replace(microsecond=0),
            who=v.who,
            source=v.source.replace("\\", "/").rsplit("/", 1)[-1],
            sha256=v.sha256,
            changes=[
                FieldChange(field=c.field, before=_text(c.before), after=_text(c.after)) for c in v.changes
            ],
        )
        for v in contract_history(ws, contract_id)
    ]


def contract_text(ws: Workspace, account: Account, contract_id: str, version: int) -> str:
    """The YAML of one version, as stored."""
    visible_contract(ws, account, contract_id)
    with session_scope(ws.engine) as session:
        row = session.get(ContractVersion, (contract_id, version))
        if row is None:
            raise NotFound(f"no version {version} of contract {contract_id!r}")
        return row.text


def _text(value: object) -> str | None:
    return None if value is None else str(value)


__all__ = [
    "ContractSummary",
    "ContractVersionInfo",
    "FieldChange",
    "contract_text",
    "contract_versions",
    "visible_contract",
    "visible_contract_ids",
    "visible_contracts",
]
