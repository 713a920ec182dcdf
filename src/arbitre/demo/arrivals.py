"""When contacts arrive: demand rates per interval, Poisson arrivals and repeat contacts.

Demand of a flow in interval ``i`` (15 minutes, local time) is

    rate[i] = first_contacts_per_year × weight[i] / Σ_year weight
    weight[i] = season(day) × weekday_factor(weekday) × shape(day type, minute)

where the season comes from the retail calendar, the weekday factors and the intraday shape from
the flow, and public holidays get the Sunday shape at ``HOLIDAY_DEMAND`` of the weekday's volume.
Demand does not stop at closing time: the weight is the customers', the opening hours only decide
what happens to them.

Every arrival starts an *issue chain*. A contact continues its chain with a probability that
depends on what happened to it: a caller who heard the closed message calls back when the line
is open (``callback_share``); an issue not resolved at this contact comes back on the same flow
within days (``1 − fcr``); an outbound attempt that did not reach the customer is retried on
another day. Repeat times are drawn from the flow's own demand curve inside a window after the
contact, so they land at plausible hours. Chain attributes (customer, reason, language) are
shared by all its contacts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.demo.calendar import (
    HOLIDAY_DEMAND,
    HolidayCalendar,
    fully_closed,
    holidays,
    season_multipliers,
    to_date,
)
from arbitre.demo.company import SITES, DemoFlow, Profile
from arbitre.demo.grid import Grid
from arbitre.demo.profiles import INTRADAY
from arbitre.domain import Channel, WeeklyHours

MAX_CHAIN = 5
"""Most contacts of one issue (four repeats); beyond, customers give up or write a letter."""

# Days until an unresolved issue comes back (0 = later the same day), and their probabilities.
_REPEAT_GAP_P = np.array([0.3, 0.3, 0.15, 0.1, 0.07, 0.05, 0.03])
_RETRY_GAP_P = np.array([0.4, 0.35, 0.25])  # outbound retries, 1 to 3 days later
_REDUCED_HOURS = (9 * 60, 17 * 60)  # live channels on a public holiday that is not fully closed


def shape_per_bin(profile: Profile, day_type: str, step_s: int) -> FloatArray:
    """Intraday shape at ``step_s`` resolution, summing to 1 over a day of 24 hours.

    Hourly anchors sit at the middle of each hour and are interpolated linearly (around
    midnight too), so the curve has no steps on the hour.
    """
    per_hour = np.asarray(INTRADAY[profile][day_type], dtype=np.float64)
    bins = 86_400 // step_s
    centres = (np.arange(bins) + 0.5) * step_s / 3600.0
    shape: FloatArray = np.interp(centres, np.arange(24) + 0.5, per_hour, period=24.0)
    out: FloatArray = shape / shape.sum()
    return out


def _holiday_days(grid: Grid, calendar: HolidayCalendar) -> tuple[BoolArray, BoolArray]:
    """Per local day of the grid: a holiday of the site's calendar, and a fully closed day."""
    years = {to_date(int(d)).year for d in grid.days}
    hol: set[date] = set()
    for y in years:
        hol |= set(holidays(calendar, y))
    as_dates = [to_date(int(d)) for d in grid.days]
    is_holiday = np.array([d in hol for d in as_dates], dtype=bool)
    is_closed = np.array([fully_closed(d) for d in as_dates], dtype=bool)
    return is_holiday, is_closed


def demand_weight(flow: DemoFlow, grid: Grid) -> FloatArray:
    """Relative demand of ``flow`` in each interval of ``grid`` (not normalised).

    French flows see French public holidays in their demand; the international flow's customers
    only the days closed everywhere (New Year, Labour Day, Christmas).
    """
    season = np.zeros(grid.days.shape[0])
    for kind, share in flow.season:
        season += share * season_multipliers(grid.days, kind)
    weekday_of_day = (grid.days + 3) % 7
    day_level = season * np.asarray(flow.weekday_factors)[weekday_of_day]
    fr_holiday, closed_everywhere = _holiday_days(grid, "fr")
    holiday = fr_holiday if flow.languages[0][0] == "fr" else closed_everywhere
    if flow.profile == "outbound":
        open_ = open_mask(flow, grid)
        per_day = np.bincount(grid.day_index, weights=open_.astype(np.float64), minlength=len(grid.days))
        bins_per_day = 86_400 // grid.step_s
        shape = np.where(open_, bins_per_day / np.maximum(per_day[grid.day_index], 1.0), 0.0)
        out: FloatArray = day_level[grid.day_index] * shape / bins_per_day
        return out
    day_type = np.where(weekday_of_day == 6, 2, np.where(weekday_of_day == 5, 1, 0))
    day_type = np.where(holiday, 2, day_type)
    holiday_level = HOLIDAY_DEMAND * season * np.asarray(flow.weekday_factors)[weekday_of_day]
    day_level = np.where(holiday, holiday_level, day_level)
    shapes = np.stack(
        [shape_per_bin(flow.profile, t, grid.step_s) for t in ("weekday", "saturday", "sunday")]
    )
    bin_of_day = grid.minute * 60 // grid.step_s
    weight: FloatArray = day_level[grid.day_index] * shapes[day_type[grid.day_index], bin_of_day]
    return weight


def open_mask(flow: DemoFlow, grid: Grid) -> BoolArray:
    """Whether ``flow`` is open (agents can be on duty) in each interval.

    Weekly opening hours, then the site's public holidays: New Year, Labour Day and Christmas are
    closed everywhere; on other holidays live channels (voice, chat, social) open 09:00–17:00
    within their usual hours, and deferred work (e-mail, back-office) and outbound campaigns stop.
    """
    calendar = SITES[flow.site].holidays
    week = WeeklyHours.parse(flow.hours).minute_mask()
    mask = week[grid.weekday * 1440 + grid.minute]
    is_holiday, is_closed = _holiday_days(grid, calendar)
    hol = is_holiday[grid.day_index]
    closed = is_closed[grid.day_index]
    reduced_ok = (grid.minute >= _REDUCED_HOURS[0]) & (grid.minute < _REDUCED_HOURS[1])
    keeps_reduced = flow.channel in (Channel.VOICE_IN, Channel.CHAT, Channel.SOCIAL)
    on_holiday = mask & reduced_ok if keeps_reduced else np.zeros_like(mask)
    return np.where(closed, False, np.where(hol, on_holiday, mask))


@dataclass(frozen=True, slots=True)
class VolumeModel:
    """Expected rows of a flow per first contact, from the chain probabilities.

    With ``c`` the closed share of demand (live channels), ``q = 1 − fcr`` and ``b`` the callback
    share: rows following the demand curve ``A = F / (1 − q((1 − c) + b c))`` per ``F`` first
    contacts, callbacks ``B = b c A`` (all while open), so ``F = V (1 − q(1 − c + b c)) / (1 + b c)``
    for a yearly volume ``V``. Outbound: ``1 + m + m²`` attempts per target, ``m`` the miss rate.
    """

    first_share: float  # first contacts per row
    open_factor: float  # expected rows while open per first contact arriving while open


def volume_model(flow: DemoFlow, closed_share: float) -> VolumeModel:
    if flow.reach_rate is not None:
        m = 1.0 - flow.reach_rate
        per_first = 1.0 + m + m * m
        return VolumeModel(1.0 / per_first, per_first)
    q = 1.0 - flow.fcr
    c = closed_share if flow.live else 0.0
    b = flow.callback_share if flow.live else 0.0
    a = 1.0 / (1.0 - q * ((1.0 - c) + b * c))
    rows = a * (1.0 + b * c)
    open_rows = a * (1.0 - c) + b * c * a
    return VolumeModel(1.0 / rows, open_rows / max(1.0 - c, 1e-9))


def first_contact_rate(
    flow: DemoFlow, grid: Grid, *, year_totals: dict[int, tuple[float, float]], scale: float
) -> tuple[FloatArray, VolumeModel]:
    """Expected first contacts per interval, and the flow's volume model.

    ``year_totals[year]`` is ``(Σ weight, closed share)`` over the whole calendar year, so that a
    short period has the same rates as the same days inside a full-year run.
    """
    weight = demand_weight(flow, grid)
    years = grid.local_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    rate = np.zeros(grid.n)
    model = volume_model(flow, 0.0)
    for y in np.unique(years):
        total, closed_share = year_totals[int(y)]
        model = volume_model(flow, closed_share)
        sel = years == y
        rate[sel] = flow.annual_volume * scale * model.first_share * weight[sel] / total
    return rate, model


def sample_times(rate: FloatArray, grid: Grid, rng: np.random.Generator) -> FloatArray:
    """Non-homogeneous Poisson arrivals: a Poisson count per interval, uniform inside it.

    Times are whole seconds from the grid's ``t0``, sorted.
    """
    counts = rng.poisson(rate)
    idx = np.repeat(np.arange(grid.n, dtype=np.int64), counts)
    t = idx * grid.step_s + np.floor(rng.random(idx.shape[0]) * grid.step_s)
    return np.sort(t)


class WindowSampler:
    """Draws times from a weight curve restricted to windows ``[lo, hi)`` (seconds from t0).

    The cumulative weight is piecewise linear in time (uniform inside an interval), so a draw is
    one ``searchsorted``; a window without weight yields NaN.
    """

    def __init__(self, weight: FloatArray, step_s: int) -> None:
        self.weight = np.asarray(weight, dtype=np.float64)
        self.step_s = step_s
        self.cum = np.concatenate(([0.0], np.cumsum(self.weight)))
        self.horizon_s = float(self.weight.shape[0] * step_s)

    def mass(self, t_s: FloatArray) -> FloatArray:
        t = np.clip(np.asarray(t_s, dtype=np.float64), 0.0, self.horizon_s)
        j = np.minimum((t // self.step_s).astype(np.int64), self.weight.shape[0] - 1)
        mass: FloatArray = self.cum[j] + self.weight[j] * (t - j * self.step_s) / self.step_s
        return mass

    def draw(self, lo_s: FloatArray, hi_s: FloatArray, u: FloatArray) -> FloatArray:
        c_lo, c_hi = self.mass(lo_s), self.mass(hi_s)
        target = c_lo + u * (c_hi - c_lo)
        j = np.searchsorted(self.cum, target, side="right") - 1
        j = np.clip(j, 0, self.weight.shape[0] - 1)
        w = self.weight[j]
        frac = np.divide(target - self.cum[j], w, out=np.zeros_like(target), where=w > 0)
        t = (j + np.clip(frac, 0.0, 1.0)) * self.step_s
        t = np.clip(np.floor(t), np.ceil(lo_s), np.ceil(hi_s) - 1)
        return np.where((c_hi - c_lo) > 0, t, np.nan)


@dataclass(frozen=True, slots=True)
class FlowArrivals:
    """Contacts of one flow, sorted by time: whole seconds from t0, issue chain, rank in it.

    ``closed``: arrived while the flow was closed (live channels only); ``continues``: the issue
    goes on after this contact (a callback after the closed message, a repeat of an unresolved
    issue, a retry of a missed outbound call), whether or not the next contact falls inside the
    period; ``reached``: outbound attempts that reached the customer (all True for inbound).
    """

    t_s: FloatArray
    chain: IntArray
    rank: IntArray
    closed: BoolArray
    continues: BoolArray
    reached: BoolArray
    n_chains: int


def reach_probability(flow: DemoFlow, minute: IntArray) -> FloatArray:
    """Chance an outbound attempt reaches the customer by local time: people answer more after
    17:00 than in the morning (mean close to ``reach_rate`` over the calling hours)."""
    base = flow.reach_rate or 0.0
    factor = np.where(minute < 13 * 60, 0.85, np.where(minute < 17 * 60, 0.95, 1.25))
    return np.clip(base * factor, 0.0, 1.0)


def arrivals(
    flow: DemoFlow,
    grid: Grid,
    *,
    first_rate: FloatArray,
    weight: FloatArray,
    open_: BoolArray,
    rng: np.random.Generator,
) -> FlowArrivals:
    """First contacts and their chains of repeats, callbacks or retries for one flow."""
    t = sample_times(first_rate, grid, rng)
    n_first = t.shape[0]
    demand = WindowSampler(weight, grid.step_s)
    when_open = WindowSampler(weight * open_, grid.step_s)
    n_days = grid.days.shape[0]
    outbound = flow.reach_rate is not None
    generations = 3 if outbound else MAX_CHAIN
    parts: list[tuple[FloatArray, IntArray, IntArray, BoolArray, BoolArray, BoolArray]] = []
    cur_t, cur_chain = t, np.arange(n_first, dtype=np.int64)
    for k in range(generations):
        j = grid.interval_of(cur_t)
        closed = ~open_[j] if flow.live else np.zeros(cur_t.shape[0], dtype=bool)
        if outbound:
            reached = rng.random(cur_t.shape[0]) < reach_probability(flow, grid.minute[j])
            go_on = ~reached
        else:
            reached = np.ones(cur_t.shape[0], dtype=bool)
            p = np.where(closed, flow.callback_share, 1.0 - flow.fcr)
            go_on = rng.random(cur_t.shape[0]) < p
        if k == generations - 1:
            go_on[:] = False
        rank = np.full(cur_t.shape[0], k, dtype=np.int64)
        parts.append((cur_t, cur_chain, rank, closed, go_on, reached))
        if k == generations - 1:
            break
        pt, pc, pclosed = cur_t[go_on], cur_chain[go_on], closed[go_on]
        day = grid.day_index[j[go_on]]
        u: FloatArray = rng.random(int(pt.shape[0]))
        if outbound:
            gap = 1 + rng.choice(_RETRY_GAP_P.shape[0], size=pt.shape[0], p=_RETRY_GAP_P)
            target = np.minimum(day + gap, n_days)
            lo = grid.day_start_s(target).astype(np.float64)
            # A retry falling on a weekend goes to the next days with calling hours.
            hi = grid.day_start_s(np.minimum(target + 3, n_days)).astype(np.float64)
            new_t = when_open.draw(lo, hi, u)
        else:
            gap = rng.choice(_REPEAT_GAP_P.shape[0], size=pt.shape[0], p=_REPEAT_GAP_P)
            target = np.minimum(day + gap, n_days)
            lo = np.maximum(pt + 3600.0, grid.day_start_s(target))
            # Too late in the day for a same-day repeat: the next day.
            late = lo >= grid.day_start_s(np.minimum(target + 1, n_days))
            target = np.where(late, np.minimum(target + 1, n_days), target)
            lo = np.where(late, grid.day_start_s(target), lo).astype(np.float64)
            hi = grid.day_start_s(np.minimum(target + 1, n_days)).astype(np.float64)
            repeat_t = demand.draw(lo, hi, u)
            callback_t = when_open.draw(pt + 300.0, np.minimum(pt + 3 * 86_400.0, grid.horizon_s), u)
            new_t = np.where(pclosed, callback_t, repeat_t)
        keep = np.isfinite(new_t) & (new_t > pt)
        cur_t, cur_chain = new_t[keep], pc[keep]
    all_t, chain, rank, closed, continues, reached = (np.concatenate(col) for col in zip(*parts, strict=True))
    order = np.lexsort((rank, chain, all_t))
    return FlowArrivals(
        t_s=all_t[order],
        chain=chain[order],
        rank=rank[order],
        closed=closed[order],
        continues=continues[order],
        reached=reached[order],
        n_chains=n_first,
    )


def year_totals(flow: DemoFlow, year_grids: dict[int, Grid]) -> dict[int, tuple[float, float]]:
    """``(Σ weight, closed share of demand)`` over each whole calendar year, for normalising."""
    out = {}
    for y, g in year_grids.items():
        w = demand_weight(flow, g)
        closed = ~open_mask(flow, g)
        total = float(w.sum())
        out[y] = (total, float(w[closed].sum() / total) if total > 0 else 0.0)
    return out


__all__ = [
    "INTRADAY",
    "FlowArrivals",
    "VolumeModel",
    "WindowSampler",
    "arrivals",
    "demand_weight",
    "first_contact_rate",
    "open_mask",
    "reach_probability",
    "sample_times",
    "shape_per_bin",
    "volume_model",
    "year_totals",
]
