"""Contracts as each account may see them: the client all of them, a provider its own.

Reads only (`arbitre.services.contracts` stores them): the list with each contract's latest
version, and the versions of one with who stored them, when, and what changed field by field.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from arbitre.domain.contract import Contract
from arbitre.services.access import NotFound, Permission, is_client, require, sees_contract
from arbitre.services.accounts import Account
from arbitre.services.contracts import contract_history, list_contracts, load_contract
from arbitre.store.appdb import ContractVersion, session_scope
from arbitre.store.workspace import Workspace


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
    out = []
    for item in list_contracts(ws):
        contract, version = load_contract(ws, item["contract"])
        if sees_contract(account, contract):
            out.append(_summary(contract, version))
    return out


def visible_contract_ids(ws: Workspace, account: Account) -> set[str] | None:
    """The ids of the contracts the account sees; ``None`` for the client (all of them)."""
    if is_client(account):
        return None
    return {c.id for c in visible_contracts(ws, account)}


def visible_contract(ws: Workspace, account: Account, contract_id: str) -> Contract:
    """The contract when the account sees it; `NotFound` otherwise (unknown or not its own)."""
    require(account, Permission.READ_CONTRACTS)
    if contract_id not in {c["contract"] for c in list_contracts(ws)}:
        raise NotFound(f"no contract {contract_id!r}")
    contract, _ = load_contract(ws, contract_id)
    if not sees_contract(account, contract):
        raise NotFound(f"no contract {contract_id!r}")
    return contract


def contract_versions(ws: Workspace, account: Account, contract_id: str) -> list[ContractVersionInfo]:
    """The versions of a contract the account sees, oldest first, with their differences."""
    visible_contract(ws, account, contract_id)
    return [
        ContractVersionInfo(
            version=v["version"],
            created_at=datetime.fromisoformat(v["created_at"]),
            who=v["who"],
            source=v["source"].replace("\\", "/").rsplit("/", 1)[-1],
            sha256=v["sha256"],
            changes=[
                FieldChange(field=c["field"], before=_text(c["before"]), after=_text(c["after"]))
                for c in v["changes"]
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
