"""Several flows (or parts of flows) at one place: one invoice per offer, one in-house team.

A provider invoices everything it takes together: its volume bands, fixed fee and minimum
commitment apply to the month's total, its set-up and exit fees are paid once. `combine_offer`
re-prices the sum of the parts' units; `combine_inhouse` adds the in-house parts line by line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from arbitre.costing.inhouse import CostLine, InHouseCost
from arbitre.costing.invoice import MonthUnits, monthly_invoice, tolerance_range, unit_of
from arbitre.costing.money import ZERO, cents, ratio, round6
from arbitre.costing.pricing import OfferCost, Refusal, Unserved, _one_offs
from arbitre.domain.costing import Offer
from arbitre.staffing.workforce import BANDS


def combine_offer(parts: Sequence[OfferCost]) -> OfferCost:
    """One offer's cost for all ``parts`` (the same offer, the same period), priced as one invoice.

    Units are added; the band and language shares are those of the added hours or contacts; the
    invoice, the tolerance range and the one-offs (set-up and exit once, training for all the
    agents, the parallel run on the whole invoice) are computed again on the total.
    """
    if not parts:
        raise ValueError("nothing to combine")
    offer = parts[0].offer
    months = parts[0].months
    if any(p.offer.id != offer.id or p.months != months for p in parts):
        raise ValueError("combine parts of one offer over one period")
    if len(parts) == 1:
        return parts[0]
    unit = unit_of(offer.pricing)
    units: dict[str, Decimal] = {}
    for name in parts[0].month.units:
        if all(name in p.month.units for p in parts):
            units[name] = sum((p.month.units[name] for p in parts), ZERO)
    hours_by_band = _add([p.hours_by_band for p in parts])
    contacts_by_band = _add([p.contacts_by_band for p in parts])
    weights = hours_by_band if unit in ("productive_hour", "logged_hour") else contacts_by_band
    total_weight = sum(weights.values(), ZERO)
    band_shares = {b: (w / total_weight if total_weight > 0 else ZERO) for b, w in weights.items()}
    contacts = sum((p.contacts for p in parts), ZERO)
    language_weights: dict[str, Decimal] = {}
    for p in parts:
        for lang, share in p.month.language_shares.items():
            language_weights[lang] = language_weights.get(lang, ZERO) + Decimal(share) * p.contacts
    language_shares = {k: (v / contacts if contacts > 0 else ZERO) for k, v in language_weights.items()}
    values = {p.month.outcome_value for p in parts if p.month.outcome_value is not None}
    month = MonthUnits(
        units=units,
        band_shares=band_shares,
        language_shares=language_shares,
        outcome_value=values.pop() if len(values) == 1 else None,
    )
    invoice = monthly_invoice(offer.pricing, month=month)
    reasons = _refusals(parts)
    fte = sum((p.fte for p in parts), ZERO)
    productive = sum((p.productive_hours for p in parts), ZERO)
    one_off = _one_offs(offer, fte=fte, per_month=invoice.total)
    outcomes = [p.outcomes for p in parts]
    return replace(
        parts[0],
        flow="+".join(dict.fromkeys(p.flow for p in parts)),
        feasible=not reasons,
        reasons=reasons,
        model="+".join(sorted({p.model for p in parts})),
        peak_agents=sum(p.peak_agents for p in parts),  # an upper bound: peaks need not coincide
        productive_hours=round6(productive),
        logged_hours=round6(sum((p.logged_hours for p in parts), ZERO)),
        paid_hours=round6(sum((p.paid_hours for p in parts), ZERO)),
        fte=round6(fte),
        hours_by_band={b: round6(h) for b, h in hours_by_band.items()},
        contacts=round6(contacts),
        contacts_by_band={b: round6(c) for b, c in contacts_by_band.items()},
        outcomes=None
        if any(o is None for o in outcomes)
        else round6(sum((o for o in outcomes if o is not None), ZERO)),
        late_s=sum(p.late_s for p in parts),
        month=month,
        invoice=invoice,
        per_month=invoice.total,
        period_total=cents(invoice.total * months),
        one_off=one_off,
        transition_total=sum((o.amount for o in one_off if o.when == "start"), ZERO),
        exit_fee=cents(offer.exit_fee),
        per_contact=ratio(invoice.total, contacts / months),
        per_productive_hour=ratio(invoice.total, productive / months),
        tolerance=tolerance_range(
            offer.pricing, forecast=month.of(unit or "contact"), unit=unit or "contact"
        ),
        unserved=Unserved(
            intervals=sum(p.unserved.intervals for p in parts),
            contacts=sum((p.unserved.contacts for p in parts), ZERO),
            contacts_by_band=_add([p.unserved.contacts_by_band for p in parts]),
        ),
    )


def _refusals(parts: Sequence[OfferCost]) -> tuple[Refusal, ...]:
    """The parts' refusals, the minimum volume judged on each whole flow rather than on a part."""
    out = [r for p in parts for r in p.reasons if r.reason != "min_contacts"]
    minimum = parts[0].offer.min_contacts_per_month
    if minimum is not None:
        by_flow: dict[str, Decimal] = {}
        for p in parts:
            by_flow[p.flow] = by_flow.get(p.flow, ZERO) + p.contacts / p.months
        for flow, contacts in by_flow.items():
            if contacts < minimum:
                out.append(
                    Refusal(
                        "min_contacts",
                        f"{parts[0].offer.provider} takes flows of {minimum} contacts a month or more",
                        f"≥ {minimum} contacts a month",
                        f"{cents(contacts)} ({flow})",
                    )
                )
    return tuple(dict.fromkeys(out))


def combine_inhouse(parts: Sequence[InHouseCost], *, flow: str | None = None) -> InHouseCost:
    """The in-house cost of several parts over one period: lines and figures added."""
    if not parts:
        raise ValueError("nothing to combine")
    months = parts[0].months
    if any(p.months != months or p.currency != parts[0].currency for p in parts):
        raise ValueError("combine parts of one period and one currency")
    if len(parts) == 1 and flow is None:
        return parts[0]
    merged: dict[tuple[str, str | None, bool, str], Decimal] = {}
    for p in parts:
        for ln in p.lines:
            key = (ln.component, ln.band, ln.hidden, ln.driver)
            merged[key] = merged.get(key, ZERO) + ln.amount
    lines = tuple(
        CostLine(component=c, amount=cents(a), hidden=h, band=b, driver=d, basis=f"sum of {len(parts)} parts")  # type: ignore[arg-type]
        for (c, b, h, d), a in merged.items()
    )
    total = sum((ln.amount for ln in lines), ZERO)
    contacts = [p.contacts for p in parts]
    known = None if any(c is None for c in contacts) else sum((c for c in contacts if c is not None), ZERO)
    fte = sum((p.fte for p in parts), ZERO)
    productive = sum((p.productive_hours for p in parts), ZERO)
    return InHouseCost(
        flow=flow if flow is not None else "+".join(dict.fromkeys(str(p.flow) for p in parts)),
        currency=parts[0].currency,
        months=months,
        lines=lines,
        total=total,
        per_month=cents(total / months),
        hidden_total=sum((ln.amount for ln in lines if ln.hidden), ZERO),
        volume_driven_total=sum((ln.amount for ln in lines if ln.driver == "volume"), ZERO),
        fte=round6(fte),
        fte_by_band=_add([p.fte_by_band for p in parts]),
        paid_hours_by_band=_add([p.paid_hours_by_band for p in parts]),
        productive_hours=round6(productive),
        talk_minutes=sum((p.talk_minutes for p in parts), ZERO),
        contacts=known,
        per_productive_hour=ratio(total, productive) if productive > 0 else None,
        per_contact=ratio(total, known) if known else None,
        per_fte_per_month=ratio(total / months, fte) if fte > 0 else None,
        peak_agents=sum(p.peak_agents or 0 for p in parts),
        model="+".join(sorted({p.model for p in parts})),
    )


def _add(maps: Sequence[dict[str, Decimal]]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = dict.fromkeys(BANDS, ZERO)
    for m in maps:
        for k, v in m.items():
            out[k] = out.get(k, ZERO) + v
    return out


def reprice(cost: OfferCost, offer: Offer) -> OfferCost:
    """The same units under another price schedule of the same offer (a what-if on prices)."""
    invoice = monthly_invoice(offer.pricing, month=cost.month)
    one_off = _one_offs(offer, fte=cost.fte, per_month=invoice.total)
    contacts_per_month = cost.contacts / cost.months
    return replace(
        cost,
        offer=offer,
        invoice=invoice,
        per_month=invoice.total,
        period_total=cents(invoice.total * cost.months),
        one_off=one_off,
        transition_total=sum((o.amount for o in one_off if o.when == "start"), ZERO),
        exit_fee=cents(offer.exit_fee),
        per_contact=ratio(invoice.total, contacts_per_month),
        per_productive_hour=ratio(invoice.total, cost.productive_hours / cost.months),
    )


def scale_prices(offer: Offer, factor: Decimal) -> Offer:
    """The offer with every price × ``factor``: rates, bands, fixed fee, commitment, one-off fees."""
    p = offer.pricing
    pricing = p.model_copy(
        update={
            "rate": None if p.rate is None else p.rate * factor,
            "bands": None
            if p.bands is None
            else [b.model_copy(update={"rate": b.rate * factor}) for b in p.bands],
            "fixed_monthly": None if p.fixed_monthly is None else p.fixed_monthly * factor,
            "minimum_monthly": None if p.minimum_monthly is None else p.minimum_monthly * factor,
        }
    )
    return offer.model_copy(
        update={
            "pricing": pricing,
            "setup_fee": offer.setup_fee * factor,
            "exit_fee": offer.exit_fee * factor,
        }
    )


__all__ = ["combine_inhouse", "combine_offer", "reprice", "scale_prices"]
