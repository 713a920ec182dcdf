"""The staffing plan as the web app reads it: a thin typed adapter over `arbitre.services.plan`,
which still returns a JSON-shaped result (issue 10 types it). `PlanView` takes what the page
shows; a plan is computed once per store state, start and horizon (a forecast of every flow takes
seconds) and kept."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import date

from pydantic import BaseModel, ConfigDict

from arbitre.services.plan import staffing_plan
from arbitre.store.interactions import InteractionStore
from arbitre.store.workspace import Workspace


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class PlannedFlow(_Read):
    flow: str
    channel: str
    model: str
    start: date
    end: date
    contacts: float
    peak_agents: int
    paid_hours: float
    paid_hours_by_band: dict[str, float]
    paid_hours_outside_opening: float
    fte_by_week: dict[str, float]
    fte: float


class PlanWarningView(_Read):
    flow: str
    code: str
    message: str


class PlanView(_Read):
    start: date
    end: date
    interval_min: int
    contract_hours_per_week: float
    flows: list[PlannedFlow]
    warnings: list[PlanWarningView]

    @property
    def weeks(self) -> list[str]:
        return sorted({w for f in self.flows for w in f.fte_by_week})


_kept: dict[tuple[str, str, date | None, int], PlanView] = {}
_lock = threading.Lock()


def store_stamp(ws: Workspace) -> str:
    """A fingerprint of the store's contents (its month files): it changes with every import."""
    partitions = InteractionStore(ws).partitions()
    return hashlib.sha256(json.dumps(sorted(partitions.items())).encode()).hexdigest()[:16]


def kept_plan(ws: Workspace, *, start: date | None, horizon_days: int) -> PlanView | None:
    return _kept.get((str(ws.root), store_stamp(ws), start, horizon_days))


def plan(ws: Workspace, *, start: date | None, horizon_days: int) -> PlanView:
    """The plan of every flow for ``horizon_days`` from ``start`` (each flow from the day after
    its history when None)."""
    key = (str(ws.root), store_stamp(ws), start, horizon_days)
    found = _kept.get(key)
    if found is None:
        found = PlanView.model_validate(
            staffing_plan(ws, start=start, horizon_days=horizon_days).model_dump(mode="json")
        )
        with _lock:
            if len(_kept) >= 8:
                _kept.pop(next(iter(_kept)))
            _kept[key] = found
    return found


__all__ = ["PlanView", "kept_plan", "plan", "store_stamp"]
