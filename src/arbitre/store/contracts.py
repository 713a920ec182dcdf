"""Contracts in the app database, read: the stored ones, a version, the version in force in a
month, the history of a contract's versions.

The shared reads of the contracts are queries here (the monthly run, the steering committee, the
overview and the web app read them), so the services that read a contract do not import the
service that stores them (`arbitre.services.contracts`). A version is in force from its effective
month on; one stored before effective months were recorded is in force from the contract's start.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, JsonValue
from sqlalchemy import func, select

from arbitre.domain.contract import Contract
from arbitre.domain.documents import Instant
from arbitre.domain.month import Month
from arbitre.errors import InputError
from arbitre.store.appdb import ContractVersion, session_scope
from arbitre.store.workspace import Workspace
from arbitre.yamlio import parse_model


class FieldChange(BaseModel):
    """A field of the contract a version changed: its dotted path, before and after (JSON values)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    before: JsonValue
    after: JsonValue


class StoredContract(BaseModel):
    """A stored contract and its latest version."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    contract: str
    version: int


class VersionRecord(BaseModel):
    """A stored version of a contract: who stored it, when, from which file, from which month it
    is in force, what changed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    created_at: Instant
    who: str
    source: str
    sha256: str
    effective_month: Month
    changes: list[FieldChange]


def effective_of(row: ContractVersion) -> Month:
    """A stored version's effective month; for a version stored before they were recorded, the
    contract's start month."""
    if row.effective_month:
        return Month(row.effective_month)
    return parse_model(row.text, Contract, file=f"{row.contract_id} v{row.version}").months()[0]


def contract_in_force(ws: Workspace, contract_id: str, *, month: Month) -> tuple[Contract, int] | None:
    """The version of a stored contract in force in ``month`` — the highest version whose
    effective month is not after it — and its number; None when none is in force yet."""
    with session_scope(ws.engine) as session:
        rows = session.scalars(
            select(ContractVersion)
            .where(ContractVersion.contract_id == contract_id)
            .order_by(ContractVersion.version.desc())
        ).all()
        if not rows:
            load_contract(ws, contract_id)  # says which contracts there are
        for row in rows:
            if effective_of(row) <= month:
                return parse_model(row.text, Contract, file=f"{contract_id} v{row.version}"), row.version
    return None


def load_contract(ws: Workspace, contract_id: str, *, version: int | None = None) -> tuple[Contract, int]:
    """A stored contract (its latest version unless ``version``) and its version number."""
    with session_scope(ws.engine) as session:
        query = select(ContractVersion).where(ContractVersion.contract_id == contract_id)
        if version is not None:
            query = query.where(ContractVersion.version == version)
        row = session.scalars(query.order_by(ContractVersion.version.desc()).limit(1)).first()
        if row is None:
            known = ", ".join(c.contract for c in list_contracts(ws)) or "none"
            what = f"version {version} of contract" if version is not None else "contract"
            raise InputError(f"no {what} {contract_id!r} in {ws.root} (stored: {known})")
        return parse_model(row.text, Contract, file=f"{contract_id} v{row.version}"), row.version


def list_contracts(ws: Workspace) -> list[StoredContract]:
    """Every stored contract with its latest version."""
    with session_scope(ws.engine) as session:
        rows = session.execute(
            select(ContractVersion.contract_id, func.max(ContractVersion.version)).group_by(
                ContractVersion.contract_id
            )
        ).all()
    return [StoredContract(contract=cid, version=int(v)) for cid, v in sorted(rows)]


def contract_history(ws: Workspace, contract_id: str) -> list[VersionRecord]:
    """Every version of a contract: who stored it, when, from which file, what changed."""
    with session_scope(ws.engine) as session:
        rows = session.scalars(
            select(ContractVersion)
            .where(ContractVersion.contract_id == contract_id)
            .order_by(ContractVersion.version)
        ).all()
        return [
            VersionRecord(
                version=r.version,
                created_at=r.created_at,
                who=r.who,
                source=r.source,
                sha256=r.sha256,
                effective_month=effective_of(r),
                changes=[FieldChange.model_validate(c) for c in _changes(r.changes)],
            )
            for r in rows
        ]


def _changes(text: str) -> list[JsonValue]:
    value: JsonValue = json.loads(text)
    return value if isinstance(value, list) else []


__all__ = [
    "FieldChange",
    "StoredContract",
    "VersionRecord",
    "contract_history",
    "contract_in_force",
    "effective_of",
    "list_contracts",
    "load_contract",
]
