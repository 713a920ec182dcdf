"""Contracts in the app database: each version stored with who, when and what changed.

A contract file is validated whole before anything is written (a wrong SLA, allocations that do
not add up, a date that does not exist: refused with the line and the reason, the stored contract
unchanged). Storing the same text again changes nothing; a different text is a new version whose
field-by-field changes are recorded.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from arbitre.domain.contract import Contract
from arbitre.errors import InputError
from arbitre.store.appdb import ContractVersion, session_scope
from arbitre.store.workspace import Workspace
from arbitre.yamlio import parse_model


@dataclass(frozen=True)
class Stored:
    """The outcome of storing a contract file."""

    contract: Contract
    version: int
    changes: list[dict[str, Any]]
    unchanged: bool


def store_contract(ws: Workspace, path: Path, *, who: str | None = None) -> Stored:
    """Validate ``path`` and store it as the contract's next version (nothing if unchanged)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from None
    contract = parse_model(text, Contract, file=str(path))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with session_scope(ws.engine) as session:
        last = session.scalars(
            select(ContractVersion)
            .where(ContractVersion.contract_id == contract.id)
            .order_by(ContractVersion.version.desc())
            .limit(1)
        ).first()
        if last is not None and last.sha256 == digest:
            return Stored(contract, last.version, [], unchanged=True)
        before = (
            _flat(parse_model(last.text, Contract, file=last.source).model_dump(mode="json")) if last else {}
        )
        after = _flat(contract.model_dump(mode="json"))
        changes = [
            {"field": k, "before": before.get(k), "after": after.get(k)}
            for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k)
        ]
        if last is None:
            changes = [{"field": "(contract)", "before": None, "after": f"created from {path.name}"}]
        elif not changes:
            changes = [{"field": "(text)", "before": None, "after": "comments or layout only"}]
        version = 1 if last is None else last.version + 1
        session.add(
            ContractVersion(
                contract_id=contract.id,
                version=version,
                created_at=datetime.now(UTC),
                who=who or os.environ.get("ARBITRE_USER") or getpass.getuser(),
                source=str(path),
                sha256=digest,
                text=text,
                changes=json.dumps(changes, ensure_ascii=False),
            )
        )
    return Stored(contract, version, changes, unchanged=False)


def load_contract(ws: Workspace, contract_id: str, *, version: int | None = None) -> tuple[Contract, int]:
    """A stored contract (its latest version unless ``version``) and its version number."""
    with session_scope(ws.engine) as session:
        query = select(ContractVersion).where(ContractVersion.contract_id == contract_id)
        if version is not None:
            query = query.where(ContractVersion.version == version)
        row = session.scalars(query.order_by(ContractVersion.version.desc()).limit(1)).first()
        if row is None:
            known = ", ".join(c["contract"] for c in list_contracts(ws)) or "none"
            what = f"version {version} of contract" if version is not None else "contract"
            raise InputError(f"no {what} {contract_id!r} in {ws.root} (stored: {known})")
        return parse_model(row.text, Contract, file=f"{contract_id} v{row.version}"), row.version


def list_contracts(ws: Workspace) -> list[dict[str, Any]]:
    """Every stored contract with its latest version."""
    with session_scope(ws.engine) as session:
        rows = session.execute(
            select(ContractVersion.contract_id, func.max(ContractVersion.version)).group_by(
                ContractVersion.contract_id
            )
        ).all()
    return [{"contract": cid, "version": int(v)} for cid, v in sorted(rows)]


def contract_history(ws: Workspace, contract_id: str) -> list[dict[str, Any]]:
    """Every version of a contract: who stored it, when, from which file, what changed."""
    with session_scope(ws.engine) as session:
        rows = session.scalars(
            select(ContractVersion)
            .where(ContractVersion.contract_id == contract_id)
            .order_by(ContractVersion.version)
        ).all()
        return [
            {
                "version": r.version,
                "created_at": r.created_at.isoformat(timespec="seconds"),
                "who": r.who,
                "source": r.source,
                "sha256": r.sha256,
                "changes": json.loads(r.changes),
            }
            for r in rows
        ]


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """A nested model dump as dotted paths: ``slas.0.target`` → 0.8."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list) and value and any(isinstance(v, dict | list) for v in value):
        out = {}
        for i, v in enumerate(value):
            out.update(_flat(v, f"{prefix}.{i}"))
        return out
    return {prefix: value}


__all__ = ["Stored", "contract_history", "list_contracts", "load_contract", "store_contract"]
