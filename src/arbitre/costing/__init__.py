"""Costing: what a flow costs in-house and what each provider offer would cost for the same service (steps 2 and 4).

- `inhouse_cost` / `team_cost`: the in-house cost model, line by line, hidden costs flagged;
- `offer_cost`: a provider's offer sized by the staffing engine and priced by its schedule;
- `tco`: both over the contract term, month by month, at present value, with a savings warning;
- `french_defaults` / `load_costs`: the sourced French defaults and a workspace's overrides;
- `draft_offer`: an offer drafted from the seed's reference rates when no bid exists yet.

Formulas, defaults, sources and worked examples: ``docs/costing.md``.
"""

from __future__ import annotations

from arbitre.costing.defaults import french_defaults, load_costs
from arbitre.costing.inhouse import CostLine, InHouseCost, inhouse_cost, team_cost
from arbitre.costing.invoice import Invoice, MonthUnits, monthly_invoice, months_outside_tolerance
from arbitre.costing.pricing import OfferCost, Outcomes, Refusal, offer_cost
from arbitre.costing.reference import draft_offer, seed000_rates
from arbitre.costing.tco import SavingsWarning, Tco, tco
from arbitre.costing.workload import FlowWorkload

__all__ = [
    "CostLine",
    "FlowWorkload",
    "InHouseCost",
    "Invoice",
    "MonthUnits",
    "OfferCost",
    "Outcomes",
    "Refusal",
    "SavingsWarning",
    "Tco",
    "draft_offer",
    "french_defaults",
    "inhouse_cost",
    "load_costs",
    "monthly_invoice",
    "months_outside_tolerance",
    "offer_cost",
    "seed000_rates",
    "tco",
    "team_cost",
]
