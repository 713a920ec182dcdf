"""The scenario a simulation runs: flows, pools of agents, routing rules — as data.

A scenario is written by hand in YAML (``examples/scenarios/overflow-offshore.yaml``) and
validated once here, with every cross-reference checked (a route to a pool that does not exist,
a language no pool speaks), so that the compiler and the kernel never meet a bad model.

Vocabulary:

- a **flow** is a stream of contacts of one channel: its arrivals per interval (a Poisson rate
  constant within each interval), its language mix, its handle-time and patience distributions,
  its priority and its routing rules;
- a **pool** is a group of interchangeable agents at one site (``internal``, a provider's site
  ``callmada:tana``): the flows they are trained on (skills), the languages they speak, and how
  many are on duty, from a staffing plan (agents per interval) or a schedule (shifts);
- a **route** is the list of pools a contact is offered to, each from a number of seconds after
  its arrival (``after_s``), either in addition to the pools it is already queued in (``add``: the
  first agent free in any of them answers) or instead of them (``move``).
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from arbitre.domain.channels import Channel
from arbitre.domain.hours import WeeklyHours, parse_days

Loc = tuple[str | int, ...]


class ScenarioError(ValueError):
    """A scenario that is well-formed field by field but inconsistent as a whole.

    ``loc`` is the path of the offending node (``("flows", 0, "routing", 1, "to", 0, "pool")``), so
    that a loader can name its line in the YAML file.
    """

    def __init__(self, message: str, *, loc: Loc = ()) -> None:
        self.loc = loc
        self.message = message
        super().__init__(message)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- Distributions --------------------------------------------------------------------------


class Exponential(_Model):
    """Exponential durations of mean ``mean_s`` seconds (memoryless: the Erlang models' choice)."""

    distribution: Literal["exponential"]
    mean_s: float = Field(gt=0, allow_inf_nan=False)


class Lognormal(_Model):
    """Lognormal durations of mean ``mean_s`` and coefficient of variation ``cv`` (σ ÷ mean)."""

    distribution: Literal["lognormal"]
    mean_s: float = Field(gt=0, allow_inf_nan=False)
    cv: float = Field(gt=0, allow_inf_nan=False)


class Empirical(_Model):
    """Durations drawn from observed values (with replacement), optionally weighted."""

    distribution: Literal["empirical"]
    values_s: list[Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(min_length=1)
    weights: list[Annotated[float, Field(ge=0, allow_inf_nan=False)]] | None = None

    @model_validator(mode="after")
    def _weights_match(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values_s):
                raise ValueError(
                    f"weights must have one entry per value: {len(self.values_s)} values, "
                    f"{len(self.weights)} weights"
                )
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be zero")
        return self

    @property
    def mean_s(self) -> float:
        w = self.weights or [1.0] * len(self.values_s)
        return sum(v * x for v, x in zip(self.values_s, w, strict=True)) / sum(w)


class Fixed(_Model):
    """The same duration every time (handy for hand-worked cases)."""

    distribution: Literal["fixed"]
    value_s: float = Field(ge=0, allow_inf_nan=False)

    @property
    def mean_s(self) -> float:
        return self.value_s


class NoPatience(_Model):
    """Customers who never give up (e-mails, back-office items)."""

    distribution: Literal["none"]


HandleTime = Annotated[Exponential | Lognormal | Empirical | Fixed, Field(discriminator="distribution")]
Patience = Annotated[
    Exponential | Lognormal | Empirical | Fixed | NoPatience, Field(discriminator="distribution")
]


# --- Routing ---------------------------------------------------------------------------------


class Step(_Model):
    """Offer the contact to ``pool`` from ``after_s`` seconds after its arrival.

    ``mode: add`` (the default) keeps it queued where it already is: the first eligible agent of
    any of its pools answers. ``mode: move`` takes it out of the pools of the earlier steps.
    """

    pool: str
    after_s: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    mode: Literal["add", "move"] = "add"


class Branch(_Model):
    """One way of a percentage split: a ``share`` of the contacts follow the steps ``to``."""

    share: float = Field(gt=0, le=1)
    to: list[Step] = Field(min_length=1)


class When(_Model):
    """Conditions on a contact, tested at its arrival; an absent condition always holds.

    ``languages``: the contact's language is one of these. ``hours``: its local arrival time falls
    in these weekly hours (``"19:00-22:00"`` every day, or ``{"mon-fri": "19:00-22:00", "sat":
    "12:00-22:00"}``), in the scenario's time zone, to the minute.
    """

    languages: list[str] | None = Field(default=None, min_length=1)
    hours: str | dict[str, str] | None = None

    @field_validator("hours")
    @classmethod
    def _hours(cls, v: str | dict[str, str] | None) -> str | dict[str, str] | None:
        if v is not None:
            WeeklyHours.parse(v)  # raises ValueError naming the bad range or day
        return v

    def weekly_hours(self) -> WeeklyHours | None:
        return WeeklyHours.parse(self.hours) if self.hours is not None else None


class Rule(_Model):
    """If ``when`` holds, route by ``to`` (one list of steps) or by ``split`` (shares of lists)."""

    when: When | None = None
    to: list[Step] | None = Field(default=None, min_length=1)
    split: list[Branch] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_target(self) -> Rule:
        if (self.to is None) == (self.split is None):
            raise ValueError("a rule needs exactly one of to (a list of steps) or split (shares)")
        if self.split is not None and not math.isclose(sum(b.share for b in self.split), 1.0, abs_tol=1e-9):
            raise ValueError(f"split shares must add up to 1, got {sum(b.share for b in self.split):g}")
        return self

    def branches(self) -> list[Branch]:
        """The rule as shares of step lists (``to`` is one branch of share 1)."""
        return self.split if self.split is not None else [Branch(share=1.0, to=self.to or [])]

    def catches_all(self, language: str) -> bool:
        """Whether the rule matches every contact in ``language`` whatever its arrival time."""
        w = self.when
        return w is None or (w.hours is None and (w.languages is None or language in w.languages))


# --- Flows and pools -------------------------------------------------------------------------


class Flow(_Model):
    """A stream of contacts.

    ``arrivals``: expected contacts per interval (one number for every interval, or a list);
    arrivals are Poisson with a rate constant within each interval. ``languages``: share of
    contacts in each language (ISO 639-1), adding up to 1. ``priority``: an agent who may serve
    several flows takes the highest priority first, then the longest waiting. ``routing``: rules
    tried in order, the first that holds decides; a contact no rule routes is offered at once to
    every pool that has the flow among its skills and speaks its language.
    """

    id: str = Field(min_length=1)
    channel: Channel = Channel.VOICE_IN
    languages: dict[str, Annotated[float, Field(ge=0)]] = Field(default_factory=lambda: {"fr": 1.0})
    arrivals: (
        list[Annotated[float, Field(ge=0, allow_inf_nan=False)]]
        | Annotated[float, Field(ge=0, allow_inf_nan=False)]
    )
    handle: HandleTime
    patience: Patience = Field(default_factory=lambda: NoPatience(distribution="none"))
    priority: int = 0
    routing: list[Rule] = Field(default_factory=list)

    @field_validator("languages")
    @classmethod
    def _mix(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise ValueError("give at least one language")
        if not math.isclose(sum(v.values()), 1.0, abs_tol=1e-6):
            raise ValueError(f"language shares must add up to 1, got {sum(v.values()):g}")
        return v

    def spoken(self) -> list[str]:
        """Languages with a positive share, in the order given."""
        return [lang for lang, share in self.languages.items() if share > 0]


_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def _clock_min(text: str) -> int:
    m = _CLOCK.match(text)
    if (
        not m
        or int(m.group(1)) > 24
        or int(m.group(2)) > 59
        or (int(m.group(1)) == 24 and m.group(2) != "00")
    ):
        raise ValueError(f"expected a time of day HH:MM, got {text!r}")
    return int(m.group(1)) * 60 + int(m.group(2))


class Shift(_Model):
    """``agents`` agents on duty from ``start`` to ``end`` (local clock, ``HH:MM``) on ``days``.

    An ``end`` not after ``start`` runs past midnight. The same agents work the shift on every
    day of the scenario that ``days`` lists (``"mon-fri"``, ``"sat,sun"``; every day if absent).
    """

    start: str
    end: str
    agents: int = Field(ge=0)
    days: str | None = None

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, v: str) -> str:
        _clock_min(v)
        return v

    @field_validator("days")
    @classmethod
    def _days(cls, v: str | None) -> str | None:
        if v is not None:
            parse_days(v)
        return v

    def minutes(self) -> tuple[int, int]:
        """Start and end in minutes from the local midnight of the day it starts."""
        a, b = _clock_min(self.start), _clock_min(self.end)
        return a, b if b > a else b + 1440

    def weekdays(self) -> list[int]:
        return parse_days(self.days) if self.days is not None else list(range(7))


class Pool(_Model):
    """Interchangeable agents at one site; ``id`` is the ``site`` of the contacts they handle.

    On duty: ``agents`` (a staffing plan: one number for every interval, or one per interval; the
    first agents stay when the number falls) or ``shifts`` (a schedule), not both.
    """

    id: str = Field(min_length=1)
    skills: list[str] = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    agents: list[Annotated[int, Field(ge=0)]] | Annotated[int, Field(ge=0)] | None = None
    shifts: list[Shift] | None = None

    @model_validator(mode="after")
    def _staffed(self) -> Pool:
        if (self.agents is None) == (self.shifts is None):
            raise ValueError("a pool needs exactly one of agents (a staffing plan) or shifts (a schedule)")
        return self


# --- The scenario ----------------------------------------------------------------------------


class Scenario(_Model):
    """Everything a simulation needs; see the module docstring and docs/simulation.md.

    ``start`` is the start of the first interval (with its UTC offset), on the clock of
    ``timezone`` aligned to ``interval_min``; ``intervals`` is the number of intervals, implied by
    the per-interval lists when absent.
    """

    name: str = ""
    start: datetime
    timezone: str = "Europe/Paris"
    interval_min: Literal[15, 30, 60] = 30
    intervals: int | None = Field(default=None, gt=0)
    flows: list[Flow] = Field(min_length=1)
    pools: list[Pool] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}: expected an IANA name such as Europe/Paris") from None
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        _check(self)
        return self

    # Derived values the compiler uses -------------------------------------------------------

    @property
    def interval_s(self) -> float:
        return 60.0 * self.interval_min

    @property
    def n_intervals(self) -> int:
        n = self.intervals if self.intervals is not None else _implied_intervals(self)
        assert n is not None  # _check guarantees it
        return n

    def local_start(self) -> datetime:
        return self.start.astimezone(ZoneInfo(self.timezone))

    def interval_starts(self) -> list[datetime]:
        """Local start of each interval (UTC arithmetic: a DST change shifts the wall clock)."""
        t0 = self.start
        zone = ZoneInfo(self.timezone)
        return [
            (t0 + timedelta(seconds=j * self.interval_s)).astimezone(zone) for j in range(self.n_intervals)
        ]


def _implied_intervals(s: Scenario) -> int | None:
    for f in s.flows:
        if isinstance(f.arrivals, list):
            return len(f.arrivals)
    for p in s.pools:
        if isinstance(p.agents, list):
            return len(p.agents)
    return None


def _check(s: Scenario) -> None:
    """Cross-references and shapes; raises `ScenarioError` at the offending node."""
    if s.start.tzinfo is None or s.start.utcoffset() is None:
        raise ScenarioError("start needs its UTC offset (2026-03-02T08:00:00+01:00)", loc=("start",))
    local = s.local_start()
    if local.second or local.microsecond or (local.hour * 60 + local.minute) % s.interval_min:
        raise ScenarioError(
            f"start must fall on a {s.interval_min}-minute boundary of the local clock, got {local.time()}",
            loc=("start",),
        )
    n = s.intervals if s.intervals is not None else _implied_intervals(s)
    if n is None:
        raise ScenarioError(
            "give intervals, or arrivals or agents as one number per interval", loc=("intervals",)
        )
    _unique([f.id for f in s.flows], "flows", "flow")
    _unique([p.id for p in s.pools], "pools", "pool")
    for i, f in enumerate(s.flows):
        if isinstance(f.arrivals, list) and len(f.arrivals) != n:
            raise ScenarioError(
                f"arrivals has {len(f.arrivals)} intervals, the scenario {n}", loc=("flows", i, "arrivals")
            )
    flows = {f.id for f in s.flows}
    for i, p in enumerate(s.pools):
        if isinstance(p.agents, list) and len(p.agents) != n:
            raise ScenarioError(
                f"agents has {len(p.agents)} intervals, the scenario {n}", loc=("pools", i, "agents")
            )
        for j, skill in enumerate(p.skills):
            if skill not in flows:
                raise ScenarioError(
                    f"unknown flow {skill!r}: expected one of {', '.join(sorted(flows))}",
                    loc=("pools", i, "skills", j),
                )
    pools = {p.id: p for p in s.pools}
    for i, f in enumerate(s.flows):
        _check_flow(f, i, pools)


def _unique(ids: list[str], where: str, what: str) -> None:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            raise ScenarioError(f"{what} {x!r} is defined twice", loc=(where, i, "id"))
        seen.add(x)


def _check_flow(f: Flow, i: int, pools: dict[str, Pool]) -> None:
    for r, rule in enumerate(f.routing):
        if rule.when is not None and rule.when.languages is not None:
            for k, lang in enumerate(rule.when.languages):
                if lang not in f.languages:
                    raise ScenarioError(
                        f"flow {f.id!r} has no contacts in {lang!r}",
                        loc=("flows", i, "routing", r, "when", "languages", k),
                    )
        for b, branch in enumerate(rule.branches()):
            base: Loc = ("flows", i, "routing", r, *(("split", b) if rule.split is not None else ()), "to")
            seen: set[str] = set()
            for k, step in enumerate(branch.to):
                pool = pools.get(step.pool)
                if pool is None:
                    raise ScenarioError(
                        f"unknown pool {step.pool!r}: expected one of {', '.join(pools)}",
                        loc=(*base, k, "pool"),
                    )
                if f.id not in pool.skills:
                    raise ScenarioError(
                        f"pool {step.pool!r} does not have flow {f.id!r} among its skills",
                        loc=(*base, k, "pool"),
                    )
                if step.pool in seen:
                    raise ScenarioError(
                        f"pool {step.pool!r} appears twice in one route", loc=(*base, k, "pool")
                    )
                seen.add(step.pool)
            if branch.to[0].after_s != min(s.after_s for s in branch.to) or branch.to[0].after_s > 0:
                raise ScenarioError(
                    "the first step of a route must start at arrival (after_s 0)", loc=(*base, 0, "after_s")
                )
            for lang in f.spoken():
                if (
                    rule.when is not None
                    and rule.when.languages is not None
                    and lang not in rule.when.languages
                ):
                    continue
                if not route_steps(branch.to, language=lang, pools=pools):
                    raise ScenarioError(
                        f"no pool of this route speaks {lang!r}, a language of flow {f.id!r}", loc=base
                    )
    for lang in f.spoken():
        if any(rule.catches_all(lang) for rule in f.routing):
            continue
        if not default_route(f, language=lang, pools=pools):
            where: Loc = ("flows", i, "routing") if f.routing else ("flows", i, "languages")
            raise ScenarioError(
                f"contacts of flow {f.id!r} in {lang!r} that no rule routes need a pool with this "
                f"skill and language",
                loc=where,
            )


# --- Routes as the compiler sees them -------------------------------------------------------


class ActiveStep(_Model):
    """A step after language filtering: ``pool`` is eligible while ``after_s ≤ wait < until_s``."""

    pool: str
    after_s: float
    until_s: float


def route_steps(steps: list[Step], *, language: str, pools: dict[str, Pool]) -> list[ActiveStep]:
    """The steps a contact in ``language`` follows, with the time each stops being eligible.

    Steps to pools that do not speak ``language`` are skipped (they neither offer nor take the
    contact away). Steps are ordered by ``after_s``, ties in the order given. A ``move`` step ends
    the eligibility of every step before it; a step ended before it starts is dropped.

    >>> pools = {"a": Pool(id="a", skills=["x"], languages=["fr"], agents=1),
    ...          "b": Pool(id="b", skills=["x"], languages=["fr", "en"], agents=1)}
    >>> [(s.pool, s.after_s, s.until_s) for s in route_steps(
    ...     [Step(pool="a"), Step(pool="b", after_s=30, mode="move")], language="fr", pools=pools)]
    [('a', 0.0, 30.0), ('b', 30.0, inf)]
    >>> [s.pool for s in route_steps([Step(pool="a"), Step(pool="b", after_s=30)], language="en", pools=pools)]
    ['b']
    """
    kept = sorted(
        (s for s in steps if language in pools[s.pool].languages), key=lambda s: s.after_s
    )  # sorted() is stable: ties keep the order given
    out: list[ActiveStep] = []
    for j, s in enumerate(kept):
        until = min((t.after_s for t in kept[j + 1 :] if t.mode == "move"), default=math.inf)
        if s.after_s < until:
            out.append(ActiveStep(pool=s.pool, after_s=s.after_s, until_s=until))
    if out and out[0].after_s > 0:
        # The first pool that speaks the language opens only later: offer it from arrival, the
        # contact has nowhere else to wait.
        out[0] = ActiveStep(pool=out[0].pool, after_s=0.0, until_s=out[0].until_s)
    return out


def default_route(f: Flow, *, language: str, pools: dict[str, Pool]) -> list[ActiveStep]:
    """Every pool with ``f`` among its skills that speaks ``language``, from arrival, in order."""
    return [
        ActiveStep(pool=p.id, after_s=0.0, until_s=math.inf)
        for p in pools.values()
        if f.id in p.skills and language in p.languages
    ]
