"""Decisions in the app database: recorded, and read back as typed documents.

The shared reads of the decision — the latest one (governance's business case against actual,
the tender), the one computed on given inputs (the business case report) — are queries here, so
the services that read a decision do not import the service that makes it. A document stored by an
earlier release is brought to the current shape as it is read (`DecisionDocument.read`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

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


__all__ = ["latest_decision", "latest_decision_id", "record_decision"]
