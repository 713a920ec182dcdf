"""The demo's key figures, read from its decision and its governance months as JSON documents.

`tests/demo/demo_figures.json` holds them as the demo gave them before issue 10 retyped the
services (a seed, a scale: the same company, the same figures). The extraction works on the JSON
form of the documents (`model_dump(mode="json")`), so it reads the documents of any release the
same way. Key figures only, not whole documents: money to the cent, shares and KPIs as stored.
"""

from __future__ import annotations

from typing import Any

FIXTURE = "demo_figures.json"


def decision_figures(document: dict[str, Any]) -> dict[str, Any]:
    """What the decision says: the recommended scenario, every scenario's cost, each flow's
    recommendation, its monthly cost in-house and today, where its blocks go, the sensitivity."""
    return {
        "recommended": document["recommended"],
        "baseline": document["baseline"],
        "scenarios": {
            s["name"]: {k: s[k] for k in ("tco", "npv", "savings", "savings_npv", "savings_share")}
            for s in document["scenarios"]
        },
        "flows": {
            f["flow"]: {
                "recommendation": f["recommendation"],
                "contacts_per_month": f["contacts_per_month"],
                "inhouse_per_month": f["inhouse"]["per_month"],
                "today_per_month": f["today"]["per_month"],
                "sites": sorted(
                    f"{a['band']}/{a['language'] or '*'}={a['site']}:{a['monthly_cost']}"
                    for a in f["allocation"]
                ),
            }
            for f in document["flows"]
        },
        "sensitivity": {b["assumption"]: [b["low"], b["base"], b["high"]] for b in document["sensitivity"]},
        "simulation": {c["flow"]: c["ok"] for c in document["simulation"]},
        "growth_per_year": document["growth"]["per_year"],
    }


def month_figures(result: dict[str, Any]) -> dict[str, Any]:
    """What a governance month says: fees, credits, bonus, net, each SLA, the invoice check and
    the business case against the month."""
    invoice = result["invoice"]
    case = result["business_case"]
    return {
        "complete": result["complete"],
        "money": {
            k: result[k]
            for k in (
                "fees",
                "at_risk",
                "cap",
                "credits_total",
                "earned_back_total",
                "bonus_total",
                "net_fees",
            )
        },
        "units": {
            k: result["units"][k] for k in ("contacts_offered", "contacts_handled", "productive_hours")
        },
        "slas": {s["name"]: [s["actual"], s["met"], s["credit"], s["bonus"]] for s in result["slas"]},
        "invoice": None
        if invoice is None
        else {k: invoice[k] for k in ("billed_total", "computed_total", "flagged")},
        "business_case": None
        if case is None
        else {
            k: case[k]
            for k in (
                "projected_monthly",
                "actual_monthly",
                "inhouse_monthly",
                "projected_contacts",
                "actual_contacts",
                "projected_savings_share",
                "actual_savings_share",
            )
        },
    }


def demo_figures(decision: dict[str, Any], months: list[dict[str, Any]]) -> dict[str, Any]:
    """The decision's and each month's key figures, months by their ``YYYY-MM``."""
    return {"decision": decision_figures(decision), "months": {m["month"]: month_figures(m) for m in months}}
