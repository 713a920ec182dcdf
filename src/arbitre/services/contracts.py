"""Contracts in the app database: each version stored with who, when, what changed and from
which month it is in force.

A contract file is validated whole before anything is written (a wrong SLA, allocations that do
not add up, a date that does not exist: refused with the line and the reason, the stored contract
unchanged). Storing the same text again changes nothing; a different text is a new version whose
field-by-field changes are recorded.

A version is in force from its **effective month** on, never before: an amendment applies from
the month the parties agree (``effective``), by default from the month after the last month
already refereed whole, and one that would reach back into a month already refereed whole is
refused. A month is always refereed under the version in force then — the highest version whose
effective month is not after it — so running an earlier month again gives the figures it had.
The first version is in force from the contract's start month unless told otherwise.
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
from sqlalchemy.orm import Session

from arbitre.domain.contract import Contract
from arbitre.domain.month import Month, read_month
from arbitre.errors import InputError
from arbitre.store.appdb import ContractVersion, GovernanceRun, session_scope
from arbitre.store.workspace import Workspace
from arbitre.yamlio import parse_model


@dataclass(frozen=True)
class Stored:
    """The outcome of storing a contract file."""

    contract: Contract
    version: int
    changes: list[dict[str, Any]]
    unchanged: bool
    effective_month: str = ""  # YYYY-MM: the first month refereed under this version


def store_contract(
    ws: Workspace, path: Path, *, who: str | None = None, effective: str | None = None
) -> Stored:
    """Validate ``path`` and store it as the contract's next version (nothing if unchanged), in
    force from ``effective`` (``YYYY-MM``; by default the month after the last month refereed
    whole, or the contract's start month)."""
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
            in_force = _effective_of(last)
            if effective is not None and effective != in_force:
                raise InputError(
                    f"{path.name} is unchanged (version {last.version}, in force from {in_force}): "
                    "a new effective month needs a new version of the contract",
                    field="--effective",
                )
            return Stored(contract, last.version, [], unchanged=True, effective_month=in_force)
        month = _effective_month(session, contract, effective=effective, first=last is None)
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
                effective_month=month,
            )
        )
    return Stored(contract, version, changes, unchanged=False, effective_month=month)


def _effective_month(session: Session, contract: Contract, *, effective: str | None, first: bool) -> str:
    """The month a new version comes into force: ``effective`` when given and allowed, else the
    month after the last month refereed whole (the contract's start month for a first version or
    when none is)."""
    start, end = contract.months()[0], contract.months()[-1]
    if effective is not None:
        _check_month(effective, field="--effective")
        if not start <= effective <= end:
            raise InputError(
                field="--effective",
                expected=f"a month of the contract's term, {start} to {end}",
                got=effective,
            )
    if first:
        return effective or start
    refereed = _refereed_whole(session, contract.id)
    earliest = max(start, Month(refereed[-1][0]).shift(1)) if refereed else start
    if effective is None:
        return earliest
    if effective < earliest:
        month, version = next((m, v) for m, v in refereed if m >= effective)
        raise InputError(
            f"{month} is already refereed whole under version {version}: a new version never applies to a "
            f"month already refereed (the earliest is {earliest})",
            field="--effective",
            expected=f"{earliest} or later",
            got=effective,
        )
    return effective


def _refereed_whole(session: Session, contract_id: str) -> list[tuple[str, int]]:
    """The months of ``contract_id`` whose latest run refereed them whole, with the version used,
    oldest first."""
    rows = session.execute(
        select(GovernanceRun.month, GovernanceRun.contract_version, GovernanceRun.result)
        .where(GovernanceRun.contract_id == contract_id)
        .order_by(GovernanceRun.month, GovernanceRun.created_at)
    ).all()
    latest: dict[str, tuple[int, bool]] = {}
    for month, version, result in rows:
        latest[month] = (int(version), bool(json.loads(result).get("complete", True)))
    return [(m, v) for m, (v, whole) in sorted(latest.items()) if whole]


def _effective_of(row: ContractVersion) -> str:
    """A stored version's effective month; for a version stored before they were recorded, the
    contract's start month."""
    if row.effective_month:
        return row.effective_month
    return parse_model(row.text, Contract, file=f"{row.contract_id} v{row.version}").months()[0]


def _check_month(month: str, *, field: str) -> None:
    read_month(month, field=field)


def contract_in_force(ws: Workspace, contract_id: str, *, month: str) -> tuple[Contract, int] | None:
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
            if _effective_of(row) <= month:
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
                "effective_month": _effective_of(r),
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


__all__ = [
    "Stored",
    "contract_history",
    "contract_in_force",
    "list_contracts",
    "load_contract",
    "store_contract",
]
