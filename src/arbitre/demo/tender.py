"""The demo's tender: each provider fills the bid grid from its offer, two evaluators grade them.

The demo company puts its after-sales calls and e-mails out to tender between the four providers
whose offers it holds (``src/arbitre/demo/workspace/offers/``). Each provider answers with the
figures of its offer, written into the blank grid of the specification as a provider would fill
it (`bid_cells`, `filled_grid`):

- the price of each flow: the offer's pricing model, rate (or volume bands as tiers), band
  premiums; an offer's monthly minimum and its volume thresholds cover all its flows while the
  grid asks them per flow, so they are shared between the flows in proportion to their contacts;
  language premiums have no cell (the tendered flows are French);
- a fixed fee plus a variable rate: the grid's ``fixed_plus_variable`` prices the variable part
  per contact and has no cell for a fixed fee beside an hourly rate, so an offer whose variable
  part is per hour (Hexa Contact: 9,000 € a month plus 26.50 € a productive hour) answers with
  its hourly rate alone — its tender price is its fixed fee below its offer's (docs/tender.md);
- the productivity: its handle time is the history's (the DQE's reference) × the offer's
  ``aht_factor``; occupancy, shrinkage, paid hours as the offer says;
- the fees (set-up, training, exit) and the ramp-up: training weeks ← the offer's knowledge
  transfer, weeks to full capacity ← its parallel run (what `arbitre tender award` maps back),
  most agents ← its capacity; classes of 12 agents, a fifth of the capacity at the start;
- one site (the offer's ``site``: the site its exports will carry), ISO 27001.

The technical grades are the demo's evaluators' (`EVALUATORS`, `GRADES`): the purchasing manager
and the customer-service manager, a point apart here and there.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from arbitre.domain.costing import Offer, PricingModel
from arbitre.domain.tender import Tender
from arbitre.tender.grid import (
    BIDDER_ROWS,
    CERTIFICATION_COLUMNS,
    FEES_ROWS,
    FIRST_ROW,
    PRICE_COLUMNS,
    PRODUCTIVITY_COLUMNS,
    RAMP_ROWS,
    SITE_COLUMNS,
    sheet_name,
)

CLASS_SIZE = 12
EVALUATORS = ("achats", "relation-client")
#: Each provider's grades (out of 20) by the purchasing manager, per graded criterion of the
#: example tender; the customer-service manager's differ by the second number.
GRADES: dict[str, dict[str, tuple[int, int]]] = {
    "callmada-tana": {
        "qualite-ecoutes": (14, +1),
        "qualite-pilotage": (13, 0),
        "rh": (15, -1),
        "securite": (12, +1),
        "reversibilite": (13, 0),
    },
    "atlas-casablanca": {
        "qualite-ecoutes": (15, 0),
        "qualite-pilotage": (14, +1),
        "rh": (14, 0),
        "securite": (14, -1),
        "reversibilite": (13, +1),
    },
    "hexa-amiens": {
        "qualite-ecoutes": (16, +1),
        "qualite-pilotage": (16, 0),
        "rh": (15, 0),
        "securite": (16, 0),
        "reversibilite": (15, -1),
    },
    "linguaserv-barcelona": {
        "qualite-ecoutes": (13, 0),
        "qualite-pilotage": (14, -1),
        "rh": (12, +1),
        "securite": (15, 0),
        "reversibilite": (14, 0),
    },
}


def grades_of(evaluator: str, providers: Sequence[str], criteria: Sequence[str]) -> list[dict[str, Any]]:
    """One evaluator's grades of ``providers`` on ``criteria`` (``EVALUATORS[1]`` adds the spread)."""
    second = evaluator == EVALUATORS[1]
    return [
        {
            "provider": p,
            "criterion": c,
            "score": Decimal(GRADES[p][c][0] + (GRADES[p][c][1] if second else 0)),
        }
        for p in providers
        for c in criteria
    ]


def lots_of(offer: Offer, tender: Tender, channels: Mapping[str, str]) -> list[str]:
    """The lots the offer can bid for: every flow's channel among its channels, French spoken."""
    served = {c.value for c in offer.channels}
    return [
        lot.id
        for lot in tender.all_lots()
        if all(channels[f] in served for f in lot.flows) and "fr" in offer.languages
    ]


def bid_cells(
    offer: Offer,
    tender: Tender,
    *,
    lots: Sequence[str],
    reference_aht_s: Mapping[str, float],
    contacts: Mapping[str, float],
    answers: Sequence[str],
) -> dict[str, dict[str, Any]]:
    """The cells of the grid a provider fills from ``offer`` (see the module docstring).

    ``contacts``: each flow's contacts (any period), to share the offer's monthly amounts;
    ``answers``: the graded names, in the grid's order.
    """
    flows = [f for lot in tender.all_lots() if lot.id in lots for f in lot.flows]
    total = sum(contacts[f] for f in flows) or 1.0
    p = offer.pricing
    hourly_fixed = p.model is PricingModel.FIXED_PLUS_VARIABLE and p.variable_unit in (
        "productive_hour",
        "logged_hour",
    )
    model = (
        (
            PricingModel.PER_PRODUCTIVE_HOUR
            if p.variable_unit == "productive_hour"
            else PricingModel.PER_LOGGED_HOUR
        )
        if hourly_fixed
        else p.model
    )
    pc, qc = PRICE_COLUMNS, PRODUCTIVITY_COLUMNS
    prices: dict[str, Any] = {}
    productivity: dict[str, Any] = {}
    for i, flow in enumerate(tender.scope.flows):
        if flow not in flows:
            continue
        row = FIRST_ROW + i
        share = Decimal(str(contacts[flow] / total))
        cells = {
            "model": model.value,
            "evening_premium": float(p.band_premiums.evening),
            "night_premium": float(p.band_premiums.night),
            "weekend_premium": float(p.band_premiums.weekend),
        }
        if p.bands:
            tiers = list(p.bands)
            cells["tier1_up_to"] = float(_shared(tiers[0].up_to, share))
            cells["tier1_rate"] = float(tiers[0].rate)
            if len(tiers) > 2:
                cells["tier2_up_to"] = float(_shared(tiers[1].up_to, share))
                cells["tier2_rate"] = float(tiers[1].rate)
            cells["tier3_rate"] = float(tiers[-1].rate)
        elif p.rate is not None:
            cells["rate"] = float(p.rate)
        if p.fixed_monthly is not None and not hourly_fixed:
            cells["fixed_monthly"] = float(_shared(p.fixed_monthly, share))
        if p.minimum_monthly is not None:
            cells["minimum_monthly"] = float(_shared(p.minimum_monthly, share))
        prices.update({f"{pc[k]}{row}": v for k, v in cells.items()})
        prod = offer.productivity
        productivity.update(
            {
                f"{qc['aht_s']}{row}": round(reference_aht_s[flow] * float(prod.aht_factor), 1),
                f"{qc['occupancy']}{row}": float(prod.occupancy),
                f"{qc['shrinkage']}{row}": float(prod.shrinkage),
                f"{qc['paid_hours_per_fte_per_month']}{row}": float(prod.paid_hours_per_fte_per_month),
            }
        )
    t = offer.transition
    capacity = offer.capacity_agents or 50
    sc, cc = SITE_COLUMNS, CERTIFICATION_COLUMNS
    return {
        "bidder": {
            f"B{BIDDER_ROWS['provider']}": offer.id,
            f"B{BIDDER_ROWS['provider_name']}": offer.provider,
            f"B{BIDDER_ROWS['contact']}": f"Direction commerciale, {offer.provider}",
            f"B{BIDDER_ROWS['lots']}": ", ".join(lots),
        },
        "prices": prices,
        "fees": {
            f"B{FEES_ROWS['setup_fee']}": float(offer.setup_fee),
            f"B{FEES_ROWS['training_days_per_agent']}": float(t.training_days_per_agent),
            f"B{FEES_ROWS['training_day_rate']}": float(t.training_day_rate),
            f"B{FEES_ROWS['exit_fee']}": float(offer.exit_fee),
        },
        "productivity": productivity,
        "ramp_up": {
            f"B{RAMP_ROWS['class_size']}": CLASS_SIZE,
            f"B{RAMP_ROWS['training_weeks']}": float(t.knowledge_transfer_weeks),
            f"B{RAMP_ROWS['agents_at_start']}": capacity // 5,
            f"B{RAMP_ROWS['weeks_to_full']}": float(t.parallel_run_weeks),
            f"B{RAMP_ROWS['max_agents']}": capacity,
        },
        "sites": {
            f"{sc['name']}{FIRST_ROW}": offer.site,
            f"{sc['city']}{FIRST_ROW}": offer.city or offer.country,
            f"{sc['country']}{FIRST_ROW}": offer.country,
            f"{sc['shore']}{FIRST_ROW}": offer.shore.value,
            f"{sc['seats']}{FIRST_ROW}": capacity,
            f"{sc['languages']}{FIRST_ROW}": ", ".join(offer.languages),
        },
        "certifications": {
            f"{cc['name']}{FIRST_ROW}": "ISO 27001",
            f"{cc['reference']}{FIRST_ROW}": f"ISMS-{offer.id}",
            f"{cc['expires']}{FIRST_ROW}": "2027-06-30",
        },
        "answers": {
            f"C{FIRST_ROW + i}": f"Réponse de {offer.provider} : démarche, moyens et engagements ({name})."
            for i, name in enumerate(answers)
        },
    }


def filled_grid(blank: bytes, cells: Mapping[str, Mapping[str, Any]], *, lang: str = "fr") -> bytes:
    """The blank grid ``blank`` with ``cells`` (sheet key → cell → value) written in."""
    book = load_workbook(io.BytesIO(blank))
    for key, values in cells.items():
        sheet = book[sheet_name(key, lang)]
        for cell, value in values.items():
            sheet[cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _shared(amount: Decimal | None, share: Decimal) -> Decimal:
    assert amount is not None
    return (amount * share).quantize(Decimal("0.01"))


__all__ = ["EVALUATORS", "GRADES", "bid_cells", "filled_grid", "grades_of", "lots_of"]
