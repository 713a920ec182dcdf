"""The workspace's latest decision as the pages and the API read it: the document is read once per
decision and kept by its id (a page view asks the database only for the latest id); and deciding
again as a background job, the one way the page and the API start it (`start_decision`)."""

from __future__ import annotations

import threading
from concurrent.futures import Executor

from arbitre.decision.document import DecisionDocument
from arbitre.errors import InputError
from arbitre.services.audit import Actor, record
from arbitre.services.decide import OFFERS_DIR, DecisionChanges, decide, load_inputs, with_changes
from arbitre.services.jobs import JobRecord, Progress, start
from arbitre.store.decisions import (
    DecisionRun,
    decision_before,
    decision_runs,
    latest_decision,
    latest_decision_id,
)
from arbitre.store.workspace import Workspace

_kept: dict[tuple[str, str], DecisionDocument] = {}  # (workspace, decision id) → the document
_lock = threading.Lock()


def current_decision(ws: Workspace) -> DecisionDocument | None:
    """The workspace's latest decision, read once per decision (a page view asks only its id)."""
    decision_id = latest_decision_id(ws)
    if decision_id is None:
        return None
    key = (str(ws.root), decision_id)
    found = _kept.get(key)
    if found is None:
        found = latest_decision(ws)
        if found is None or found.decision_id is None:
            return found
        with _lock:
            if len(_kept) > 16:
                _kept.clear()
            _kept[(str(ws.root), found.decision_id)] = found
    return found


def previous_decision(ws: Workspace, current: DecisionDocument) -> DecisionDocument | None:
    """The decision recorded before ``current`` (kept by ``current``'s id), or None."""
    if current.decision_id is None:
        return None
    key = (str(ws.root), "before " + current.decision_id)
    if key not in _kept:
        found = decision_before(ws, current.decision_id)
        if found is None:
            return None
        with _lock:
            if len(_kept) > 16:
                _kept.clear()
            _kept[key] = found
    return _kept.get(key)


_runs: dict[tuple[str, str, tuple[str, ...]], list[DecisionRun]] = {}
_offers: dict[tuple[str, tuple[tuple[str, int, int], ...]], list[str]] = {}


def recent_runs(
    ws: Workspace, latest: DecisionDocument | None, *, frame_inputs: tuple[str, ...]
) -> list[DecisionRun]:
    """The latest decisions with who ran them and their inputs (`decision_runs`), read once per
    ``latest`` decision (`current_decision`'s): a decision is never changed once recorded, only
    followed by another."""
    if latest is None or latest.decision_id is None:
        return []
    key = (str(ws.root), latest.decision_id, frame_inputs)
    found = _runs.get(key)
    if found is None:
        found = decision_runs(ws, frame_inputs=frame_inputs)
        with _lock:
            if len(_runs) > 16:
                _runs.clear()
            _runs[key] = found
    return found


def offer_ids(ws: Workspace) -> list[str]:
    """The ids of the workspace's offers (none when they do not load), read again only when a file
    of ``offers/`` is added, removed or changed."""
    try:
        stamp = tuple(
            (p.name, (st := p.stat()).st_mtime_ns, st.st_size)
            for p in sorted((ws.root / OFFERS_DIR).glob("*.yaml"))
        )
    except OSError:  # a file removed while the folder was read: none offered on this view
        return []
    key = (str(ws.root), stamp)
    found = _offers.get(key)
    if found is None:
        try:
            _, offers, _ = load_inputs(ws)
        except InputError:
            return []
        found = [o.id for o in offers]
        with _lock:
            if len(_offers) > 16:
                _offers.clear()
            _offers[key] = found
    return found


DECISION_JOB = "decision"


def start_decision(
    ws: Workspace, executor: Executor, actor: Actor, *, who: str, changes: DecisionChanges | None
) -> JobRecord:
    """Decide again — on the inputs as they stand, or with ``changes`` — as a job on ``executor``;
    a ``run`` entry in the audit log with the changes once decided. The inputs (and the changes
    against them) are checked first: an `InputError`, no job; another decision job queued or
    running in the workspace: refused the same way."""
    _, files_offers, frame = load_inputs(ws)
    if changes is not None:
        with_changes(files_offers, frame, changes)
    audited = {} if changes is None else changes.audited()

    def run(progress: Progress) -> str:
        made = decide(ws, who=who, changes=changes, progress=progress)
        record(
            ws, actor, "run", made.decision_id or "", what="decision", recommended=made.recommended, **audited
        )
        return made.decision_id or ""

    return start(ws, executor, kind=DECISION_JOB, who=who, inputs=audited, run=run)


__all__ = [
    "DECISION_JOB",
    "current_decision",
    "offer_ids",
    "previous_decision",
    "recent_runs",
    "start_decision",
]
