"""The workspace's latest decision as the pages and the API read it: the document is read once per
decision and kept by its id (a page view asks the database only for the latest id)."""

from __future__ import annotations

import threading

from arbitre.decision.document import DecisionDocument
from arbitre.store.decisions import decision_before, latest_decision, latest_decision_id
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


__all__ = ["current_decision", "previous_decision"]
