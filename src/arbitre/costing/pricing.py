"""What a provider's offer would cost for a flow, at the same service level (step 4 of the method).

The provider is sized by the same staffing engine as the in-house team, on the same contacts and
targets, with its own productivity: handle time × ``aht_factor`` (providers are rarely as fast as a
trained in-house team at first), its shrinkage (people to pay for the hours on line) and its
occupancy (productive share of logged time, for prices per logged hour). Then its price schedule
turns the month's units into an invoice (`arbitre.costing.invoice`).

Hours: productive hours are agent hours on line, Σ agents × interval; logged hours are productive ÷
occupancy; paid hours productive ÷ (1 − shrinkage), and the provider's FTE are paid hours a month ÷
``paid_hours_per_fte_per_month``.

When the offer answers only some hours (``offer.hours``), contacts that arrive outside them are
not served by it for voice and chat — they are reported (`Unserved`) so that the decision keeps
them in-house or finds another offer — while deferred work (e-mail, back-office, social) waits for
its opening, against the same deadline in its opening hours.

With one reference period every month is the average month: the invoice is computed once, for the
period's units ÷ its months, and the period total is that invoice × months.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np

from arbitre._types import BoolArray, IntArray
from arbitre.costing.invoice import (
    Invoice,
    MonthUnits,
    ToleranceRange,
    monthly_invoice,
    tolerance_range,
    unit_of,
)
from arbitre.costing.money import ONE, ZERO, cents, dec, ratio, round6, weeks_to_months
from arbitre.costing.workload import FlowWorkload
from arbitre.domain.channels import Channel
from arbitre.domain.costing import FlowProfile, Offer
from arbitre.domain.hours import MINUTES_PER_DAY, WeeklyHours
from arbitre.domain.targets import CHANNEL_DEFAULTS
from arbitre.errors import InputError
from arbitre.staffing.requirement import requirement
from arbitre.staffing.workforce import BANDS

REALTIME = frozenset({Channel.VOICE_IN, Channel.VOICE_OUT, Channel.CHAT})


@dataclass(frozen=True, slots=True)
class Outcomes:
    """What the contacts of a flow yield, for prices per outcome.

    ``per_contact`` outcomes per handled contact (0.08 qualified leads a call); ``value_each`` the
    value of one outcome when the price is a share of it (the amount recovered per file).
    """

    per_contact: Decimal
    value_each: Decimal | None = None

    @classmethod
    def of(cls, profile: FlowProfile) -> Outcomes | None:
        """From a flow's profile (``outcome_rate``, ``outcome_value``), when it has a rate."""
        if profile.outcome_rate is None:
            return None
        return cls(per_contact=profile.outcome_rate, value_each=profile.outcome_value)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an offer cannot take a flow: what it accepts and what the flow has."""

    reason: str  # channel, language, flow, min_contacts, capacity
    message: str
    expected: str
    got: str


@dataclass(frozen=True, slots=True)
class Unserved:
    """Contacts in scope that arrive outside the offer's answering hours (voice and chat)."""

    intervals: int
    contacts: Decimal
    contacts_by_band: dict[str, Decimal]


@dataclass(frozen=True, slots=True)
class OneOff:
    """A cost paid once: at the start (set-up, transition) or at the end (exit, reversibility)."""

    component: str  # setup_fee, knowledge_transfer_training, parallel_run, exit_fee
    amount: Decimal
    when: str  # "start" or "end"
    basis: str


@dataclass(frozen=True, slots=True)
class OfferCost:
    """An offer priced on a workload: requirement, hours, monthly invoice, one-off costs, refusals.

    Period figures (``*_hours``, ``contacts``, ``period_total``) cover the workload's ``months``;
    ``month`` and ``invoice`` are the average month. ``feasible`` is False when ``reasons`` is not
    empty; the costs are computed anyway, to show what the offer would have cost.
    """

    offer: Offer
    flow: str
    currency: str
    months: Decimal
    feasible: bool
    reasons: tuple[Refusal, ...]
    model: str
    peak_agents: int
    productive_hours: Decimal
    logged_hours: Decimal
    paid_hours: Decimal
    fte: Decimal
    hours_by_band: dict[str, Decimal]
    contacts: Decimal
    contacts_by_band: dict[str, Decimal]
    outcomes: Decimal | None
    late_s: float
    month: MonthUnits
    invoice: Invoice
    per_month: Decimal
    period_total: Decimal
    one_off: tuple[OneOff, ...]
    transition_total: Decimal
    exit_fee: Decimal
    per_contact: Decimal | None
    per_productive_hour: Decimal | None
    tolerance: ToleranceRange
    unserved: Unserved

    def one_off_amount(self, component: str) -> Decimal:
        return sum((o.amount for o in self.one_off if o.component == component), ZERO)


def minute_of_week(start_s: IntArray, *, timezone: str) -> IntArray:
    """Local minute of the week (Monday 00:00 is 0) of each epoch second, daylight saving included.

    >>> minute_of_week(np.array([0, 1_767_225_600]), timezone="Europe/Paris").tolist()  # 1970-01-01, 2026-01-01 00:00 UTC
    [4380, 4380]
    """
    secs = np.asarray(start_s, dtype=np.int64)
    zone = ZoneInfo(timezone)
    hours = secs // 3600
    uniq, inverse = np.unique(hours, return_inverse=True)
    offsets = np.array(
        [_utc_offset_s(int(h) * 3600, zone) for h in uniq.tolist()],
        dtype=np.int64,
    )
    local = secs + offsets[inverse.reshape(secs.shape)]
    days = local // 86400
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    minute = (local % 86400) // 60
    out: IntArray = (weekday * MINUTES_PER_DAY + minute).astype(np.int64)
    return out


def _utc_offset_s(epoch_s: int, zone: ZoneInfo) -> int:
    offset = datetime.fromtimestamp(epoch_s, tz=UTC).astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def answering(offer: Offer, workload: FlowWorkload, *, timezone: str) -> BoolArray:
    """Whether the offer answers in each interval (its ``hours``; None: around the clock)."""
    if offer.hours is None:
        return np.ones(workload.volume.shape, dtype=bool)
    mask = WeeklyHours.parse(offer.hours).minute_mask()
    out: BoolArray = mask[minute_of_week(workload.start_s, timezone=timezone)]
    return out


def offer_cost(
    offer: Offer,
    workload: FlowWorkload,
    *,
    outcomes: Outcomes | None = None,
    timezone: str = "Europe/Paris",
) -> OfferCost:
    """What ``offer`` would invoice for ``workload`` (in scope), a month and over the period.

    ``outcomes`` is needed for prices per outcome (and a share of outcomes needs its
    ``value_each``); ``timezone`` places the workload's intervals in the offer's answering hours.
    Raises `InputError` when the pricing needs what is not given.

    Formulas (units of the average month, M = the workload's months):
    productive hours P = Σ agents × interval ÷ M, logged hours P ÷ occupancy, handled contacts
    C = Σ served volume ÷ M, outcomes C × per_contact; the invoice prices them
    (`arbitre.costing.invoice.monthly_invoice`); one-off: set-up fee, training days × agents to
    train (⌈FTE⌉) × training day rate, the provider's fees during the parallel run (paid on top of
    the in-house team), and the exit fee at the end.
    """
    prod = offer.productivity
    if prod.occupancy <= 0:
        raise InputError(field="productivity.occupancy", expected="a share > 0", got=str(prod.occupancy))
    if prod.shrinkage >= 1:
        raise InputError(field="productivity.shrinkage", expected="a share < 1", got=str(prod.shrinkage))
    targets = workload.targets.over(CHANNEL_DEFAULTS[workload.channel])
    answers = answering(offer, workload, timezone=timezone)
    scope = workload.in_scope
    realtime = workload.channel in REALTIME
    served = scope & answers if realtime else scope
    volume = workload.volume * served
    req = requirement(
        channel=workload.channel,
        volume=volume,
        aht_s=workload.aht_s * float(prod.aht_factor),
        interval_s=workload.interval_s,
        targets=targets,
        open_=answers,
        patience_s=workload.patience_s,
        contact_rate=workload.contact_rate,
    )
    agents = req.agents
    months = dec(workload.months)

    agent_intervals = np.zeros(len(BANDS), dtype=np.int64)
    np.add.at(agent_intervals, workload.band, agents)
    interval_h = dec(workload.interval_s) / Decimal(3600)
    hours_by_band = {b: Decimal(int(agent_intervals[i])) * interval_h for i, b in enumerate(BANDS)}
    productive = sum(hours_by_band.values(), ZERO)
    logged = productive / prod.occupancy
    paid = productive / (ONE - prod.shrinkage)
    fte = paid / months / prod.paid_hours_per_fte_per_month

    by_band = np.bincount(workload.band, weights=volume, minlength=len(BANDS))
    contacts_by_band = {b: dec(float(by_band[i])) for i, b in enumerate(BANDS)}
    contacts = dec(float(volume.sum()))
    missed = scope & ~answers & (workload.volume > 0) if realtime else np.zeros_like(scope)
    missed_by_band = np.bincount(workload.band, weights=workload.volume * missed, minlength=len(BANDS))
    unserved = Unserved(
        intervals=int(missed.sum()),
        contacts=dec(float((workload.volume * missed).sum())),
        contacts_by_band={b: dec(float(missed_by_band[i])) for i, b in enumerate(BANDS)},
    )

    unit = unit_of(offer.pricing)
    outcome_count: Decimal | None = None
    if outcomes is not None:
        outcome_count = contacts * outcomes.per_contact
    elif unit == "outcome":
        raise InputError(
            f"offer {offer.id} prices per outcome",
            field="outcomes",
            expected="the flow's outcomes per handled contact",
            got="none",
        )
    if (
        unit == "outcome"
        and offer.pricing.outcome_share is not None
        and (outcomes is None or outcomes.value_each is None)
    ):
        raise InputError(
            f"offer {offer.id} takes a share of each outcome",
            field="outcomes.value_each",
            expected="the value of one outcome",
            got="none",
        )
    units = {
        "productive_hour": productive / months,
        "logged_hour": logged / months,
        "contact": contacts / months,
    }
    if outcome_count is not None:
        units["outcome"] = outcome_count / months
    # Hour units split over bands by hours; contacts and outcomes by contacts.
    weights = hours_by_band if unit in ("productive_hour", "logged_hour") else contacts_by_band
    weight_total = sum(weights.values(), ZERO)
    band_shares = {b: (w / weight_total if weight_total > 0 else ZERO) for b, w in weights.items()}
    month = MonthUnits(
        units=units,
        band_shares=band_shares,
        language_shares={k: dec(v) for k, v in workload.languages.items()},
        outcome_value=outcomes.value_each if outcomes is not None else None,
    )
    invoice = monthly_invoice(offer.pricing, month=month)
    tolerance = tolerance_range(offer.pricing, forecast=month.of(unit or "contact"), unit=unit or "contact")

    one_off = _one_offs(offer, fte=fte, per_month=invoice.total)
    reasons = _refusals(offer, workload, contacts_per_month=contacts / months, agents=agents)
    return OfferCost(
        offer=offer,
        flow=workload.flow,
        currency=offer.currency,
        months=months,
        feasible=not reasons,
        reasons=reasons,
        model=req.model,
        peak_agents=int(agents.max()) if agents.size else 0,
        productive_hours=round6(productive),
        logged_hours=round6(logged),
        paid_hours=round6(paid),
        fte=round6(fte),
        hours_by_band={b: round6(h) for b, h in hours_by_band.items()},
        contacts=round6(contacts),
        contacts_by_band={b: round6(c) for b, c in contacts_by_band.items()},
        outcomes=round6(outcome_count) if outcome_count is not None else None,
        late_s=req.late_s,
        month=month,
        invoice=invoice,
        per_month=invoice.total,
        period_total=cents(invoice.total * months),
        one_off=one_off,
        transition_total=sum((o.amount for o in one_off if o.when == "start"), ZERO),
        exit_fee=cents(offer.exit_fee),
        per_contact=ratio(invoice.total, contacts / months),
        per_productive_hour=ratio(invoice.total, productive / months),
        tolerance=tolerance,
        unserved=unserved,
    )


def _one_offs(offer: Offer, *, fte: Decimal, per_month: Decimal) -> tuple[OneOff, ...]:
    t = offer.transition
    people = math.ceil(fte)
    parallel_months = weeks_to_months(t.parallel_run_weeks)
    out = [
        OneOff("setup_fee", cents(offer.setup_fee), "start", "set-up fee"),
        OneOff(
            "knowledge_transfer_training",
            cents(t.training_days_per_agent * people * t.training_day_rate),
            "start",
            f"{t.training_days_per_agent} days × {people} agents × {t.training_day_rate} € "
            f"during {t.knowledge_transfer_weeks} weeks of knowledge transfer",
        ),
        OneOff(
            "parallel_run",
            cents(per_month * parallel_months),
            "start",
            f"{t.parallel_run_weeks} weeks ({parallel_months} months) of the provider's fees "
            "while the in-house team still runs",
        ),
        OneOff("exit_fee", cents(offer.exit_fee), "end", "reversibility at the end of the term"),
    ]
    return tuple(out)


def _refusals(
    offer: Offer, workload: FlowWorkload, *, contacts_per_month: Decimal, agents: IntArray
) -> tuple[Refusal, ...]:
    out: list[Refusal] = []
    if workload.channel not in offer.channels:
        out.append(
            Refusal(
                "channel",
                f"{offer.provider} does not take {workload.channel.value}",
                ", ".join(c.value for c in offer.channels),
                workload.channel.value,
            )
        )
    missing = sorted(
        lang for lang, share in workload.languages.items() if share > 0 and lang not in offer.languages
    )
    if missing:
        out.append(
            Refusal(
                "language",
                f"{offer.provider} does not answer in {', '.join(missing)}",
                ", ".join(offer.languages),
                ", ".join(missing),
            )
        )
    if offer.flows is not None and workload.flow not in offer.flows:
        out.append(
            Refusal(
                "flow",
                f"offer {offer.id} does not bid for {workload.flow}",
                ", ".join(offer.flows),
                workload.flow,
            )
        )
    if offer.min_contacts_per_month is not None and contacts_per_month < offer.min_contacts_per_month:
        out.append(
            Refusal(
                "min_contacts",
                f"{offer.provider} takes flows of {offer.min_contacts_per_month} contacts a month or more",
                f"≥ {offer.min_contacts_per_month} contacts a month",
                f"{cents(contacts_per_month)}",
            )
        )
    if offer.capacity_agents is not None and agents.size and int(agents.max()) > offer.capacity_agents:
        peak = int(np.argmax(agents))
        out.append(
            Refusal(
                "capacity",
                f"{offer.provider} has {offer.capacity_agents} agents at most; the peak needs {int(agents[peak])}",
                f"≤ {offer.capacity_agents} agents on line",
                f"{int(agents[peak])} agents at the interval starting at epoch second {int(workload.start_s[peak])}",
            )
        )
    return tuple(out)


__all__ = [
    "OfferCost",
    "OneOff",
    "Outcomes",
    "Refusal",
    "Unserved",
    "answering",
    "minute_of_week",
    "offer_cost",
]
