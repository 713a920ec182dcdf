"""Total cost of ownership over the contract term, month by month: in-house against an offer.

Seed 001: « des économies comprises entre 15 % et 35 % sur les coûts opérationnels des fonctions
externalisées ». The TCO sets the in-house baseline against the outsourced path over
``DecisionSettings.term_months`` and says when the savings fall outside that band, and why.

Month m (1 … term) covers the time [m − 1, m) in months; its cash flows are paid at its end.

- **growth**: volumes grow by g a year, compounding monthly: month m carries the factor
  (1 + g)^((m − 1) / 12). It applies to volume-driven costs (the in-house lines with
  ``driver == "volume"``, the provider's units — re-priced through its bands and minimum — and
  the governance team); sites and managers (``driver == "fixed"``) and the fixed fee do not grow.
  Costs grow linearly with volume: the economies of scale of larger queues are ignored, on both
  sides.
- **in-house baseline**: IH_m = V × f_m + F, V and F the volume-driven and fixed in-house costs a
  month.
- **outsourced**: knowledge transfer for K months (weeks × 12 ÷ 52), then a parallel run for P
  months; the in-house team runs until K + P, the provider bills from K (both sides are paid
  during the parallel run; during the knowledge transfer the provider bills its training days).
  Month m pays IH_m × overlap([0, K + P), month) + invoice_m × overlap([K, term), month) + the
  governance team that remains (governance FTE per provider FTE × provider FTE × f_m × salary ÷
  12, from month 1) + the in-house cost of what the offer does not serve (``retained``) once the
  in-house team has handed over. One-offs: the set-up fee and the training days in month 1, the
  exit fee (reversibility) in the last month.
- **present value**: ``discount_rate`` is an effective annual rate; a month discounts at
  (1 + r)^(1/12) − 1, and month m's flows by (1 + r)^(−m/12) (8 % a year: 0.6434 % a month).
- **savings** = in-house − outsourced, nominal and at present value; the share is the present
  value savings ÷ the in-house present value. The run-rate share compares one steady month after
  the transition (no one-off in it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal

from arbitre.costing.inhouse import InHouseCost
from arbitre.costing.invoice import monthly_invoice
from arbitre.costing.money import ONE, TWELVE, ZERO, cents, unit, weeks_to_months
from arbitre.costing.pricing import OfferCost
from arbitre.domain.costing import DecisionSettings
from arbitre.errors import InputError


@dataclass(frozen=True, slots=True)
class MonthFlow:
    """One month of the term: the in-house baseline and the outsourced path, line by line."""

    month: int
    growth: Decimal  # volume factor of the month
    discount: Decimal  # present value of 1 € paid at the end of the month
    inhouse: Decimal
    outsourced_lines: dict[str, Decimal]
    outsourced: Decimal

    @property
    def savings(self) -> Decimal:
        return self.inhouse - self.outsourced


@dataclass(frozen=True, slots=True)
class Reason:
    """One likely reason for savings outside the band, with the figures it rests on."""

    code: str
    message: str
    figures: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SavingsWarning:
    """Savings outside the band seen in the seeds, and the likely reasons from the inputs."""

    share: Decimal
    band: tuple[Decimal, Decimal]
    side: str  # "below" or "above"
    message: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Tco:
    """The total cost of ownership of keeping a flow and of outsourcing it to one offer."""

    flow: str
    offer_id: str
    currency: str
    term_months: int
    growth_per_year: Decimal
    discount_rate: Decimal
    monthly_discount_rate: Decimal
    months: tuple[MonthFlow, ...]
    inhouse_total: Decimal
    outsourced_total: Decimal
    inhouse_npv: Decimal
    outsourced_npv: Decimal
    savings: Decimal
    savings_npv: Decimal
    savings_share: Decimal | None
    run_rate_savings_share: Decimal | None
    one_off_total: Decimal
    payback_months: Decimal | None
    governance_fte: Decimal
    feasible: bool
    warning: SavingsWarning | None


def growth_factor(growth_per_year: Decimal, *, month: int) -> Decimal:
    """(1 + g)^((month − 1) / 12): month 13 carries exactly one year of growth.

    >>> growth_factor(Decimal("0.05"), month=1), growth_factor(Decimal("0.05"), month=13)
    (Decimal('1'), Decimal('1.05'))
    """
    if month == 1 or growth_per_year == 0:
        return ONE
    if (month - 1) % 12 == 0:
        return (ONE + growth_per_year) ** ((month - 1) // 12)
    return (ONE + growth_per_year) ** (Decimal(month - 1) / TWELVE)


def discount_factor(rate_per_year: Decimal, *, month: int) -> Decimal:
    """(1 + r)^(−month / 12): the present value of 1 paid at the end of ``month``.

    >>> discount_factor(Decimal("0.08"), month=12)
    Decimal('0.9259259259259259259259259259')
    """
    if rate_per_year == 0:
        return ONE
    if month % 12 == 0:
        return ONE / (ONE + rate_per_year) ** (month // 12)
    return ONE / (ONE + rate_per_year) ** (Decimal(month) / TWELVE)


def _overlap(start: Decimal, end: Decimal, month: int) -> Decimal:
    lo = max(start, Decimal(month - 1))
    hi = min(end, Decimal(month))
    return hi - lo if hi > lo else ZERO


def tco(
    *,
    inhouse: InHouseCost,
    offer: OfferCost,
    settings: DecisionSettings,
    growth_per_year: Decimal | None = None,
    retained: InHouseCost | None = None,
) -> Tco:
    """The month-by-month TCO of ``inhouse`` against ``offer`` over ``settings.term_months``.

    ``growth_per_year`` is the forecast's growth, used when the settings leave
    ``volume_growth_per_year`` unset (None in both: no growth). ``retained`` is the in-house cost of
    what the offer leaves (the contacts outside its hours): it keeps running after the hand-over.
    Both sides must be in the same currency (`InputError` otherwise: no exchange rate here).
    """
    for side in (offer, retained):
        if side is not None and side.currency != inhouse.currency:
            raise InputError(
                f"offer {offer.offer.id} and the in-house cost are in different currencies",
                field="currency",
                expected=inhouse.currency,
                got=side.currency,
            )
    term = settings.term_months
    g = settings.volume_growth_per_year if settings.volume_growth_per_year is not None else growth_per_year
    g = g if g is not None else ZERO
    r = settings.discount_rate
    ih_months = inhouse.months
    ih_volume = inhouse.volume_driven_total / ih_months
    ih_fixed = (inhouse.total - inhouse.volume_driven_total) / ih_months
    kept_volume = retained.volume_driven_total / retained.months if retained is not None else ZERO
    kept_fixed = (
        (retained.total - retained.volume_driven_total) / retained.months if retained is not None else ZERO
    )
    t = offer.offer.transition
    handover = weeks_to_months(t.knowledge_transfer_weeks)
    inhouse_end = handover + weeks_to_months(t.parallel_run_weeks)
    end = Decimal(term)
    gov_fte = settings.governance_fte_per_outsourced_fte * offer.fte
    gov_month = gov_fte * settings.governance_salary_per_year / TWELVE
    setup = offer.one_off_amount("setup_fee")
    training = offer.one_off_amount("knowledge_transfer_training")
    exit_fee = offer.exit_fee

    flows: list[MonthFlow] = []
    parallel = ZERO  # the provider's fees while the in-house team still runs
    for m in range(1, term + 1):
        f = growth_factor(g, month=m)
        d = discount_factor(r, month=m)
        baseline = cents(ih_volume * f + ih_fixed)
        running = _overlap(ZERO, inhouse_end, m)
        billing = _overlap(handover, end, m)
        invoice = monthly_invoice(offer.offer.pricing, month=offer.month.scaled(f)).total
        parallel += cents(invoice * _overlap(handover, inhouse_end, m))
        lines = {
            "in_house_until_handover": cents(baseline * running),
            "provider_fees": cents(invoice * billing),
            "governance": cents(gov_month * f),
            "retained_in_house": cents((kept_volume * f + kept_fixed) * (ONE - running)),
            "setup_fee": setup if m == 1 else ZERO,
            "knowledge_transfer_training": training if m == 1 else ZERO,
            "exit_fee": exit_fee if m == term else ZERO,
        }
        flows.append(MonthFlow(m, f, d, baseline, lines, sum(lines.values(), ZERO)))

    ih_total = sum((mf.inhouse for mf in flows), ZERO)
    out_total = sum((mf.outsourced for mf in flows), ZERO)
    ih_npv = cents(sum((mf.inhouse * mf.discount for mf in flows), ZERO))
    out_npv = cents(sum((mf.outsourced * mf.discount for mf in flows), ZERO))
    savings_npv = ih_npv - out_npv
    share = unit(savings_npv / ih_npv) if ih_npv > 0 else None

    steady = _steady(flows)
    run_share = unit(steady.savings / steady.inhouse) if steady is not None and steady.inhouse > 0 else None
    # What the move costs on top of the status quo: set-up, training, both sides during the
    # parallel run (the provider's fees then), and the exit at the end.
    one_offs = setup + training + parallel + exit_fee
    payback = None
    if steady is not None and steady.savings > 0:
        payback = unit(one_offs / steady.savings)

    result = Tco(
        flow=inhouse.flow or offer.flow,
        offer_id=offer.offer.id,
        currency=offer.currency,
        term_months=term,
        growth_per_year=g,
        discount_rate=r,
        monthly_discount_rate=(ONE + r) ** (ONE / TWELVE) - ONE,
        months=tuple(flows),
        inhouse_total=ih_total,
        outsourced_total=out_total,
        inhouse_npv=ih_npv,
        outsourced_npv=out_npv,
        savings=ih_total - out_total,
        savings_npv=savings_npv,
        savings_share=share,
        run_rate_savings_share=run_share,
        one_off_total=one_offs,
        payback_months=payback,
        governance_fte=gov_fte,
        feasible=offer.feasible,
        warning=None,
    )
    warning = savings_warning(result, inhouse=inhouse, offer=offer, settings=settings, retained=retained)
    return replace(result, warning=warning)


def _steady(flows: list[MonthFlow] | tuple[MonthFlow, ...]) -> MonthFlow | None:
    """The first month after the hand-over with no one-off in it: the run rate."""
    for mf in flows:
        lines = mf.outsourced_lines
        if mf.month > 1 and lines["in_house_until_handover"] == 0 and lines["exit_fee"] == 0:
            return mf
    return None


def savings_warning(
    result: Tco,
    *,
    inhouse: InHouseCost,
    offer: OfferCost,
    settings: DecisionSettings,
    retained: InHouseCost | None = None,
) -> SavingsWarning | None:
    """A warning when the savings share falls outside ``settings.savings_band`` (seed 001:
    15–35 %), with the likely reasons computed from the inputs; None inside the band."""
    low, high = settings.savings_band
    share = result.savings_share
    if share is None or low <= share <= high:
        return None
    side = "below" if share < low else "above"
    reasons = (
        _reasons_above(inhouse=inhouse, offer=offer, retained=retained)
        if side == "above"
        else (_reasons_below(result, inhouse=inhouse, offer=offer))
    )
    if not reasons:
        reasons = [
            Reason(
                "unexplained",
                "no single input explains it: check the wage level, turnover, the handle time and the offer's price",
            )
        ]
    message = (
        f"savings of {_pct(share)} over {result.term_months} months at present value, "
        f"outside the {_pct(low)}–{_pct(high)} seen in the seeds"
    )
    return SavingsWarning(share, (low, high), side, message, tuple(reasons))


def _reasons_above(*, inhouse: InHouseCost, offer: OfferCost, retained: InHouseCost | None) -> list[Reason]:
    out: list[Reason] = []
    factor = offer.offer.productivity.aht_factor
    if factor <= 1:
        out.append(
            Reason(
                "aht_factor",
                f"the offer's AHT factor is {factor}: providers are rarely as fast as a trained in-house "
                "team in the first year",
                {"aht_factor": factor},
            )
        )
    pay = inhouse.pay_by_band()
    pay_total = sum(pay.values(), ZERO)
    off_day = pay_total - pay["day"]
    if pay_total > 0 and off_day / pay_total > Decimal("0.5"):
        premiums = inhouse.amount("band_premium")
        out.append(
            Reason(
                "off_hours",
                f"{_pct(off_day / pay_total)} of the in-house agents' pay falls in evenings, nights and weekends "
                f"({premiums} € of premiums): the hours outsourcing pays best",
                {"off_hours_share": unit(off_day / pay_total), "premiums": premiums},
            )
        )
    if inhouse.total > 0 and inhouse.hidden_total / inhouse.total > Decimal("0.2"):
        out.append(
            Reason(
                "hidden_costs",
                f"hidden costs are {_pct(inhouse.hidden_total / inhouse.total)} of the in-house cost: "
                "check the turnover and absenteeism rates",
                {"hidden_share": unit(inhouse.hidden_total / inhouse.total)},
            )
        )
    if offer.offer.draft:
        out.append(
            Reason(
                "draft",
                "the offer is a draft from reference rates, not a bid: real bids add margins, "
                "management and tools the table leaves out",
            )
        )
    if offer.unserved.contacts > 0 and retained is None:
        out.append(
            Reason(
                "unserved",
                f"the offer leaves {offer.unserved.contacts} contacts outside its hours and no in-house cost "
                "was given for them: the outsourced side leaves them out",
                {"unserved_contacts": offer.unserved.contacts},
            )
        )
    ih_hour, of_hour = inhouse.per_productive_hour, offer.per_productive_hour
    if ih_hour and of_hour and ih_hour / of_hour > 3:
        out.append(
            Reason(
                "rate_gap",
                f"an in-house productive hour costs {ih_hour} €, the offer's {of_hour} €: "
                f"{ih_hour / of_hour:.1f} times less (seed 000 quotes « quatre fois moins cher » offshore)",
                {"inhouse_per_hour": ih_hour, "offer_per_hour": of_hour},
            )
        )
    return out


def _reasons_below(result: Tco, *, inhouse: InHouseCost, offer: OfferCost) -> list[Reason]:
    out: list[Reason] = []
    steady = _steady(result.months)
    if steady is not None and steady.savings > 0 and result.one_off_total > 3 * steady.savings:
        n = math.floor(result.one_off_total / steady.savings)
        out.append(
            Reason(
                "transition",
                f"the setup and transition cost more than {n} months of savings "
                f"({result.one_off_total} € against {steady.savings} € a month)",
                {"one_off": result.one_off_total, "monthly_savings": steady.savings},
            )
        )
    factor = offer.offer.productivity.aht_factor
    if factor > Decimal("1.15"):
        out.append(
            Reason(
                "aht_factor",
                f"the offer's AHT factor is {factor}: its agents take {_pct(factor - 1)} longer per contact",
                {"aht_factor": factor},
            )
        )
    minimum = offer.invoice.amount("minimum_commitment")
    if minimum > 0:
        out.append(
            Reason(
                "minimum_commitment",
                f"the minimum commitment adds {minimum} € a month above what the volume earns",
                {"top_up": minimum},
            )
        )
    ih_hour, of_hour = inhouse.per_productive_hour, offer.per_productive_hour
    if ih_hour and of_hour and of_hour >= ih_hour:
        out.append(
            Reason(
                "rate",
                f"the offer costs {of_hour} € a productive hour, the in-house team {ih_hour} €",
                {"inhouse_per_hour": ih_hour, "offer_per_hour": of_hour},
            )
        )
    if steady is not None:
        gov = steady.outsourced_lines["governance"]
        gross = steady.inhouse - steady.outsourced + gov
        if gross > 0 and gov / gross > Decimal("0.25"):
            out.append(
                Reason(
                    "governance",
                    f"the governance team costs {gov} € a month, {_pct(gov / gross)} of the gross savings",
                    {"governance": gov, "gross_savings": cents(gross)},
                )
            )
    if result.term_months < 24:
        out.append(
            Reason(
                "short_term",
                f"a term of {result.term_months} months leaves little time to recover the transition",
                {"term_months": Decimal(result.term_months)},
            )
        )
    pay = inhouse.pay_by_band()
    pay_total = sum(pay.values(), ZERO)
    if pay_total > 0 and pay["day"] / pay_total > Decimal("0.9") and offer.offer.shore.value == "onshore":
        out.append(
            Reason(
                "daytime_onshore",
                f"{_pct(pay['day'] / pay_total)} of the in-house hours are weekday daytime and the offer is "
                "onshore: there is little premium or wage gap to save on",
                {"day_share": unit(pay["day"] / pay_total)},
            )
        )
    return out


def _pct(x: Decimal) -> str:
    return f"{x * 100:.1f} %"
