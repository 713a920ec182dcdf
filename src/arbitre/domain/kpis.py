"""KPI definitions as data: the defaults of specs/interactions.md and the overrides contracts make.

The KPI engine compiles a `KpiRules` into a query, so a contract that measures its service level
at 30 s, counts short abandons, or averages intervals over the month needs no code of its own.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from arbitre.domain.channels import DEFAULT_THRESHOLD_S, Channel
from arbitre.domain.hours import WeeklyHours

Unit = Literal["count", "share", "seconds", "score"]
Kind = Literal["count", "ratio", "mean"]
Better = Literal["at_least", "at_most"]
Basis = Literal["contacts", "answered", "survey_answers", "evaluations", "checks"]


class Kpi(BaseModel):
    """One KPI of the engine, as every part reads it: its ``unit`` (how it is written: a count, a
    share in %, seconds, a score), its ``kind`` (``count``: summed over a group; ``ratio``: a
    numerator over a denominator pooled over the group; ``mean``: an average of values), which
    side is ``better`` (None for the counts, which no SLA targets), what it is computed over
    (``basis``, its denominator: the contacts offered, the answered ones, the survey answers,
    the human evaluations or the automatic checks), and whether it is a ``waiting`` KPI (counted
    within opening hours under the ``opening_hours`` scope).

    >>> KPIS["abandon_rate"].better, KPIS["aht_s"].unit, KPIS["offered"].averageable
    ('at_most', 'seconds', False)
    """

    model_config = ConfigDict(frozen=True)

    name: str
    unit: Unit
    kind: Kind
    better: Better | None = None
    basis: Basis | None = None
    waiting: bool = False

    @property
    def averageable(self) -> bool:
        """Whether an interval mean can average it (ratios and means; counts are always summed)."""
        return self.kind != "count"

    @property
    def share_of_contacts(self) -> bool:
        """A share of the contact record's contacts (offered, answered or surveyed): what a
        month-to-date projection can extend to the contacts still to come."""
        return self.unit == "share" and self.basis in ("contacts", "answered", "survey_answers")


def _kpi(name: str, unit: Unit, kind: Kind, better: Better | None = None, basis: Basis | None = None) -> Kpi:
    return Kpi(name=name, unit=unit, kind=kind, better=better, basis=basis, waiting=name in WAITING_KPIS)


#: The KPIs that only count contacts within opening hours under the ``opening_hours`` scope.
WAITING_KPIS: tuple[str, ...] = ("service_level", "abandon_rate", "asa_s")

#: The one registry of the KPIs (specs in docs/interactions.md), in the engine's column order: the
#: contract's SLA KPIs, the month-to-date watch, the charts and the CLI's formatting read it.
KPIS: dict[str, Kpi] = {
    k.name: k
    for k in (
        _kpi("offered", "count", "count"),
        _kpi("answered", "count", "count"),
        _kpi("abandoned", "count", "count"),
        _kpi("short_abandoned", "count", "count"),
        _kpi("service_level", "share", "ratio", "at_least", "contacts"),
        _kpi("abandon_rate", "share", "ratio", "at_most", "contacts"),
        _kpi("asa_s", "seconds", "mean", "at_most", "answered"),
        _kpi("aht_s", "seconds", "mean", "at_most", "answered"),
        _kpi("fcr", "share", "ratio", "at_least", "answered"),
        _kpi("repeat_rate_7d", "share", "ratio", "at_most", "answered"),
        _kpi("csat", "share", "ratio", "at_least", "survey_answers"),
        _kpi("csat_mean", "score", "mean", "at_least", "survey_answers"),
        _kpi("nps", "score", "mean", "at_least", "survey_answers"),
        _kpi("qa_score", "score", "mean", "at_least", "evaluations"),
        # Quality monitoring (issue 14): read from the automatic checks and the human evaluations
        # joined to the contacts (`arbitre.services.quality_checks.with_quality`); null where none.
        _kpi("qa_auto_score", "score", "mean", "at_least", "checks"),
        _kpi("qa_auto_critical_rate", "share", "ratio", "at_most", "checks"),
        _kpi("qa_human_score", "score", "mean", "at_least", "evaluations"),
        _kpi("qa_human_critical_rate", "share", "ratio", "at_most", "evaluations"),
    )
}

KPI_NAMES: tuple[str, ...] = tuple(KPIS)
#: The KPIs an SLA may target: those with a better side.
SLA_KPIS: tuple[str, ...] = tuple(k.name for k in KPIS.values() if k.better is not None)
# KPIs that an interval mean can average (ratios and means); counts are always summed.
AVERAGEABLE: frozenset[str] = frozenset(k.name for k in KPIS.values() if k.averageable)
#: KPIs written as a share (%), in seconds, as a score.
SHARE_KPIS: frozenset[str] = frozenset(k.name for k in KPIS.values() if k.unit == "share")
SECONDS_KPIS: frozenset[str] = frozenset(k.name for k in KPIS.values() if k.unit == "seconds")
SCORE_KPIS: frozenset[str] = frozenset(k.name for k in KPIS.values() if k.unit == "score")


def kpi(name: str) -> Kpi:
    """The registry's KPI ``name``; ``KeyError`` naming the known ones otherwise."""
    try:
        return KPIS[name]
    except KeyError:
        raise KeyError(f"unknown KPI {name!r}: expected one of {', '.join(KPIS)}") from None


# The count the scope adds beside the KPIs: contacts arriving while their flow is closed (null when
# the rules carry no opening hours).
OUTSIDE_HOURS = "outside_hours"
Aggregation = Literal["pooled", "interval_mean"]
ShortAbandons = Literal["exclude", "count"]
Scope = Literal["all", "opening_hours"]
HoursSpec = dict[str, str]
_FLOW_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")


class OpeningHours(BaseModel):
    """Weekly opening hours per flow, in the settings' form, for the KPI scope.

    ``default`` is the hours of a flow not named in ``flows`` (the workspace's opening hours).

    >>> OpeningHours(default={"mon-fri": "08:00-20:00"}).of("sav").hours_per_week()
    60.0
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: HoursSpec
    flows: dict[str, HoursSpec] = Field(default_factory=dict)

    @field_validator("default")
    @classmethod
    def _default(cls, v: HoursSpec) -> HoursSpec:
        WeeklyHours.parse(v)
        return v

    @field_validator("flows")
    @classmethod
    def _flows(cls, v: dict[str, HoursSpec]) -> dict[str, HoursSpec]:
        for flow, spec in v.items():
            if not _FLOW_ID.fullmatch(flow):
                raise ValueError(f"flow id {flow!r}: expected letters, digits, '-', '_', '.' or ':'")
            WeeklyHours.parse(spec)
        return v

    def of(self, flow: str) -> WeeklyHours:
        """The hours of ``flow``: its own, else the default."""
        return WeeklyHours.parse(self.flows.get(flow) or self.default)


class KpiRules(BaseModel):
    """How the KPIs are computed: thresholds, the short-abandon rule and the aggregation.

    - ``thresholds_s``: service-level threshold per queued channel, in seconds.
    - ``short_abandon_s``: an abandon with a wait below this is a short abandon.
    - ``short_abandons``: ``exclude`` removes short abandons from the service-level and abandon-rate
      denominators (the default of the spec); ``count`` keeps them as ordinary abandons.
    - ``aggregation``: ``pooled`` computes each ratio over all contacts of the group;
      ``interval_mean`` computes it per interval of ``interval_min`` minutes and averages the
      intervals that have contacts (how some contracts state a monthly service level).
    - ``repeat_window_s``: the window of ``repeat_rate_7d`` (7 days by default).
    - ``scope``: which contacts the waiting KPIs (service level, abandon rate, ASA) count —
      ``all`` (the definitions of specs/interactions.md), or ``opening_hours``: only the contacts
      arriving within their flow's ``opening_hours``. A call arriving while the flow is closed was
      never offered to an agent: it is unserved demand, counted apart (``outside_hours``), not an
      abandon. Counts (offered, answered, abandoned) and the other KPIs keep every contact.
    - ``opening_hours``: the weekly hours per flow the scope reads; with them ``outside_hours``
      counts the contacts arriving outside (whatever the scope).

    >>> KpiRules().threshold(Channel.CHAT)
    60.0
    >>> KpiRules().override(threshold_s=30).threshold(Channel.EMAIL)
    30.0
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    thresholds_s: dict[Channel, float] = Field(default_factory=lambda: dict(DEFAULT_THRESHOLD_S))
    short_abandon_s: float = Field(default=5.0, ge=0)
    short_abandons: ShortAbandons = "exclude"
    aggregation: Aggregation = "pooled"
    interval_min: Literal[15, 30, 60] = 30
    repeat_window_s: float = Field(default=7 * 86400.0, gt=0)
    scope: Scope = "all"
    opening_hours: OpeningHours | None = None

    @model_validator(mode="after")
    def _scope_has_hours(self) -> KpiRules:
        if self.scope == "opening_hours" and self.opening_hours is None:
            raise ValueError("scope opening_hours needs the opening_hours of the flows")
        return self

    @classmethod
    def within(cls, hours: OpeningHours) -> KpiRules:
        """The default rules, with the waiting KPIs of the contacts arriving within ``hours``."""
        return cls(scope="opening_hours", opening_hours=hours)

    @field_validator("thresholds_s")
    @classmethod
    def _complete(cls, v: dict[Channel, float]) -> dict[Channel, float]:
        if any(t < 0 for t in v.values()):
            raise ValueError("thresholds must be ≥ 0 seconds")
        merged = dict(DEFAULT_THRESHOLD_S)
        merged.update(v)
        merged.pop(Channel.VOICE_OUT, None)
        return merged

    def threshold(self, channel: Channel) -> float | None:
        """Service-level threshold of ``channel``; None for channels that do not queue."""
        return self.thresholds_s.get(channel)

    def override(self, *, threshold_s: float | None = None, short_abandon_s: float | None = None) -> KpiRules:
        """The same rules with one threshold for every channel and/or another short-abandon limit."""
        update: dict[str, object] = {}
        if threshold_s is not None:
            if threshold_s < 0:
                raise ValueError("threshold must be ≥ 0 seconds")
            update["thresholds_s"] = {c: float(threshold_s) for c in self.thresholds_s}
        if short_abandon_s is not None:
            if short_abandon_s < 0:
                raise ValueError("short-abandon limit must be ≥ 0 seconds")
            update["short_abandon_s"] = float(short_abandon_s)
        return self.model_copy(update=update)


# The store keeps each contact's gap to the same customer's next contact on the same flow when it
# is at most this long: repeat windows up to it are counted without a window over the history.
REPEAT_GAP_CAP_S = 31 * 86400.0

GROUP_KEYS: tuple[str, ...] = ("flow", "channel", "site", "language", "agent")
#: Group keys that name another column of the record.
GROUP_COLUMNS: dict[str, str] = {"agent": "agent_id"}
#: The quality columns a source may carry (per contact: score 0–100, critical failure 0–1).
QUALITY_COLUMNS: tuple[str, ...] = (
    "qa_auto_score",
    "qa_auto_critical",
    "qa_human_score",
    "qa_human_critical",
)
TIME_KEYS: tuple[str, ...] = ("interval", "day", "week", "month")
