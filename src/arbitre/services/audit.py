"""The audit log: who did what, when and from where — appended to, never changed.

Every service of the web app that changes something or hands out a file records one entry here
(login, import, contract change, run, dispute step, download, user change). There is no update or
delete path in the code, and the database refuses one (triggers of migration 0006). The CSV export
neutralises spreadsheet formulas: a cell a user or provider wrote that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with a quote (OWASP, "CSV injection").
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import select

from arbitre.store.appdb import session_scope
from arbitre.store.webdb import AuditEntry
from arbitre.store.workspace import Workspace

#: The actions the log knows. ``run`` (a decision or a month refereed from the web app) comes with
#: the decision and governance pages; the others are recorded today (tests/web/test_audit.py).
ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "import",
    "upload",
    "contract_change",
    "mapping_change",
    "run",
    "dispute",
    "download",
    "user_change",
    "token_create",
    "tender_bid",
    "tender_grade",
    "tender_award",
    "qa_dispute",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Actor:
    """Who acts: a user of the web app (with its role), or a command (``cli``)."""

    name: str
    role: str
    ip: str | None = None


class AuditRecord(BaseModel):
    """One entry of the log, as the pages, the API and the CSV export show it."""

    id: int
    at: datetime
    actor: str
    role: str
    action: str
    target: str
    detail: dict[str, str | int | float | bool | None]
    ip: str | None


def record(
    ws: Workspace,
    actor: Actor,
    action: str,
    target: str,
    **detail: str | int | float | bool | None,
) -> None:
    """Append one entry to the log (its own transaction: a failed action is logged too)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    with session_scope(ws.engine) as session:
        session.add(
            AuditEntry(
                at=datetime.now(UTC),
                actor=actor.name,
                role=actor.role,
                action=action,
                target=target,
                detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
                ip=actor.ip,
            )
        )


def entries(
    ws: Workspace, *, action: str | None = None, limit: int | None = None, before_id: int | None = None
) -> list[AuditRecord]:
    """The log, newest first (``limit`` entries before ``before_id`` when given)."""
    with session_scope(ws.engine) as session:
        query = select(AuditEntry).order_by(AuditEntry.id.desc())
        if action is not None:
            query = query.where(AuditEntry.action == action)
        if before_id is not None:
            query = query.where(AuditEntry.id < before_id)
        if limit is not None:
            query = query.limit(limit)
        return [_record(e) for e in session.scalars(query)]


def aware(at: datetime) -> datetime:
    """A time read back from the database, with its UTC offset (SQLite drops it)."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _record(e: AuditEntry) -> AuditRecord:
    return AuditRecord(
        id=e.id,
        at=aware(e.at),
        actor=e.actor,
        role=e.role,
        action=e.action,
        target=e.target,
        detail=json.loads(e.detail),
        ip=e.ip,
    )


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell("callmada-2026")
    'callmada-2026'
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(records: Sequence[AuditRecord]) -> Iterator[str]:
    """The log as CSV text, a header then one line per entry, every cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["id", "at", "actor", "role", "action", "target", "detail", "ip"])
    yield _take(buffer)
    for r in records:
        writer.writerow(
            [
                str(r.id),
                r.at.isoformat(timespec="seconds"),
                safe_cell(r.actor),
                r.role,
                r.action,
                safe_cell(r.target),
                safe_cell(json.dumps(r.detail, ensure_ascii=False, sort_keys=True)),
                safe_cell(r.ip or ""),
            ]
        )
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


__all__ = ["ACTIONS", "Actor", "AuditRecord", "aware", "entries", "record", "safe_cell", "to_csv"]
