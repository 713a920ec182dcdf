"""Figures per group, as typed rows: the KPIs of a group of contacts (`arbitre kpi`), the
simulated KPIs of a group with their confidence intervals (`arbitre simulate`).

A row holds its group's ``keys`` (``flow``, ``site``, a time key…: the ``--by`` asked, in order)
and its figures as fields. Written as JSON it is flat, the keys first then the figures, as
docs/specs/cli.md promises (``{"flow": "sav", "month": "2026-03", "offered": 120, …}``).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from arbitre.domain.documents import Part

#: A group key's value: text (a flow, a site, a day, an interval with its offset), or none.
GroupValue = str | int | None


class GroupRow(Part):
    """A group's keys and its figures; flat when serialised (keys first). A figure left None is
    written as null, or left out where `OMIT_NONE` (a figure the run did not compute)."""

    OMIT_NONE: ClassVar[bool] = False

    keys: dict[str, GroupValue] = Field(default_factory=dict)

    @model_serializer(mode="wrap")
    def _flat(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        keys = data.pop("keys")
        assert isinstance(keys, dict)
        figures = {k: v for k, v in data.items() if v is not None} if self.OMIT_NONE else data
        return {**keys, **figures}


class KpiGroup(GroupRow):
    """The KPIs of one group of contacts, named as the registry (`arbitre.domain.kpis.KPIS`)
    names them: counts, shares (fractions), seconds and scores; None where the group has no data
    for a KPI. ``outside_hours``: contacts arriving while their flow is closed (None when the
    rules carry no opening hours)."""

    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    service_level: float | None
    abandon_rate: float | None
    asa_s: float | None
    aht_s: float | None
    fcr: float | None
    repeat_rate_7d: float | None
    csat: float | None
    csat_mean: float | None
    nps: float | None
    qa_score: float | None
    qa_auto_score: float | None
    qa_auto_critical_rate: float | None
    qa_human_score: float | None
    qa_human_critical_rate: float | None
    outside_hours: int | None

    @classmethod
    def of(cls, row: dict[str, object], *, keys: list[str]) -> KpiGroup:
        """The row of the KPI engine (keys and KPIs side by side) as a typed group."""
        values = {k: v for k, v in row.items() if k not in keys}
        return cls.model_validate({"keys": {k: row[k] for k in keys}, **values})

    def kpi(self, name: str) -> float | int | None:
        """The KPI ``name`` of the registry (or ``outside_hours``)."""
        if name == "keys" or name not in type(self).model_fields:
            raise KeyError(f"unknown KPI {name!r}")
        value: float | int | None = getattr(self, name)
        return value


__all__ = ["GroupRow", "GroupValue", "KpiGroup"]
