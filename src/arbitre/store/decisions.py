"""Decisions in the app database: recorded, and read back as typed documents.

The shared reads of the decision — the latest one (governance's business case against actual,
the tender), the one computed on given inputs (the business case report) — are queries here, so
the services that read a decision do not import the service that makes it. A document stored by an
earlier release is brought to the current shape as it is read (`DecisionDocument.read`).
"""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select

from arbitre.decision.compare import as_text
from arbitre.decision.document import DecisionDocument
from arbitre.store.appdb import DecisionRecord, session_scope
from arbitre.store.workspace import Workspace


def record_decision(
    ws: Workspace, document: DecisionDocument, *, decision_id: str, who: str, inputs_sha256: str, at: datetime
) -> DecisionDocument:
    """Store ``document`` as the decision ``decision_id``; the document as recorded (with its id)."""
    recorded = document.model_copy(update={"decision_id": decision_id})
    with session_scope(ws.engine) as session:
        session.add(
            DecisionRecord(
                id=decision_id,
                created_at=at,
                who=who,
                inputs_sha256=inputs_sha256,
                recommended=recorded.recommended,
                document=recorded.write(),
            )
        )
    return recorded


def latest_decision(ws: Workspace, *, inputs_sha256: str | None = None) -> DecisionDocument | None:
    """The last decision recorded in the workspace (the last computed on the inputs whose
    fingerprint is ``inputs_sha256``, when given), or None."""
    query = select(DecisionRecord.id, DecisionRecord.document)
    if inputs_sha256 is not None:
        query = query.where(DecisionRecord.inputs_sha256 == inputs_sha256)
    with session_scope(ws.engine) as session:
        row = session.execute(query.order_by(DecisionRecord.created_at.desc()).limit(1)).first()
    if row is None:
        return None
    return DecisionDocument.read(row.document, source=f"decision {row.id}")


def latest_decision_id(ws: Workspace) -> str | None:
    """The id of the last decision recorded (cheap: a reader may keep the document by its id)."""
    with session_scope(ws.engine) as session:
        found: str | None = session.scalars(
            select(DecisionRecord.id).order_by(DecisionRecord.created_at.desc()).limit(1)
        ).first()
    return found


class DecisionRun(BaseModel):
    """A recorded decision as its list shows it: who made it, when, what it recommended, and the
    inputs a manager may change (the frame's, as ``decision.yaml`` names them, and the offers)."""

    id: str
    created_at: datetime
    who: str
    recommended: str
    frame: dict[str, str]
    offers: list[str]


def decision_runs(ws: Workspace, *, frame_inputs: tuple[str, ...], limit: int = 10) -> list[DecisionRun]:
    """The ``limit`` latest decisions, newest first, each with the ``frame_inputs`` it used."""
    with session_scope(ws.engine) as session:
        rows = session.execute(
            select(
                DecisionRecord.id,
                DecisionRecord.created_at,
                DecisionRecord.who,
                DecisionRecord.recommended,
                DecisionRecord.document,
            )
            .order_by(DecisionRecord.created_at.desc())
            .limit(limit)
        ).all()
    out = []
    for row in rows:
        inputs = json.loads(row.document).get("inputs") or {}
        frame = inputs.get("decision") or {}
        out.append(
            DecisionRun(
                id=row.id,
                created_at=row.created_at,
                who=row.who,
                recommended=row.recommended,
                frame={k: as_text(frame.get(k)) for k in frame_inputs},
                offers=[str(o.get("id")) for o in inputs.get("offers") or []],
            )
        )
    return out


def decision_before(ws: Workspace, decision_id: str) -> DecisionDocument | None:
    """The decision recorded just before ``decision_id``, or None."""
    with session_scope(ws.engine) as session:
        at = session.scalars(
            select(DecisionRecord.created_at).where(DecisionRecord.id == decision_id)
        ).first()
        if at is None:
            return None
        row = session.execute(
            select(DecisionRecord.id, DecisionRecord.document)
            .where(DecisionRecord.created_at < at)
            .order_by(DecisionRecord.created_at.desc())
            .limit(1)
        ).first()
    return None if row is None else DecisionDocument.read(row.document, source=f"decision {row.id}")


__all__ = [
    "DecisionRun",
    "decision_before",
    "decision_runs",
    "latest_decision",
    "latest_decision_id",
    "record_decision",
]
