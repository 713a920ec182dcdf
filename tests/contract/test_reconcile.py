"""The invoice check that holds in a dispute, worked by hand.

One flow, ``voice``: 850 productive hours measured, 680 of them in the day band and 170 at the
weekend. Billed per logged hour at 8.50 € (weekend +15 %: 9.78 € to the cent) with an assumed
occupancy of 85 %, the records give an *estimate* of 1,000 logged hours (800 + 200), and the
contract's fees on it are 8,500 € + 15 % on the fifth spent at the weekend = 8,755 €.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbitre.contract.notes import InvoiceNote, LoggedMeasured, MissingDays
from arbitre.contract.reconcile import Reconciliation, evidence_requests, parse_invoice, reconcile
from arbitre.contract.units import FlowUnits, priced_month
from arbitre.domain.contract import Contract
from arbitre.reports.notes import say

HEADER = "flow,unit,band,quantity,unit_price,amount\n"


def contract(pricing: dict[str, object]) -> Contract:
    return Contract.model_validate(
        {
            "id": "c",
            "client": {"name": "C"},
            "provider": {"name": "P", "sites": ["p"]},
            "flows": ["voice"],
            "start": "2026-01-01",
            "end": "2027-12-31",
            "pricing": pricing,
            "productivity_occupancy": 0.85,
            "slas": [{"name": "sl", "kpi": "service_level", "target": 0.8, "weight": 1}],
            "data_protection": {"country": "FR"},
        }
    )


LOGGED = contract({"model": "per_logged_hour", "rate": 8.5, "band_premiums": {"weekend": 0.15}})


def voice(handled: int, **hours: int) -> dict[str, FlowUnits]:
    """The flow ``voice`` with ``hours`` productive hours by band (none in the others)."""
    by_band = {b: Decimal(hours.get(b, 0)) for b in ("day", "evening", "night", "weekend")}
    return {
        "voice": FlowUnits(
            offered=handled,
            handled=handled,
            productive_hours=sum(by_band.values(), Decimal(0)),
            hours_by_band=by_band,
        )
    }


VOICE = voice(9500, day=680, weekend=170)


def check(c: Contract, lines: str, *, missing_days: InvoiceNote | None = None) -> Reconciliation:
    month = priced_month(c, VOICE)
    invoice = parse_invoice(HEADER + lines, file="invoice.csv")
    return reconcile(invoice, contract=c, month=month, missing_days=missing_days)


def test_a_gap_on_estimated_logged_hours_asks_for_evidence_instead_of_a_dispute() -> None:
    """The demo's June: voice hours billed 4 % over the estimate were disputed, though the gap
    is nothing but the assumed occupancy (a provider logged in 4 % longer would win)."""
    r = check(LOGGED, "voice,logged_hour,day,832,8.50,7072.00\nvoice,logged_hour,weekend,208,9.78,2034.24\n")
    flags = {d.item: d for d in r.differences}
    whole = flags["logged_hour voice"]
    assert (whole.flag, whole.billed, whole.computed, whole.measured) == (
        "evidence",
        1040,
        Decimal("1000.00"),
        850,
    )
    assert whole.implied_occupancy == pytest.approx(850 / 1040, abs=1e-4)  # 81.7 % where 85 % is assumed
    # The note is a code with its figures: the hours measured, the occupancy assumed and implied.
    assert whole.note == LoggedMeasured(
        measured=Decimal("850.00"), occupancy=Decimal("0.85"), implied=Decimal("0.817308")
    )
    en, fr = say(whole.note, "en"), say(whole.note, "fr")
    assert "ACD" in en and "81.7%" in en and "81,7\u202f%" in fr
    # The band lines are checked against the hours measured in their band, and rest on it too.
    assert (flags["logged_hour voice day"].flag, flags["logged_hour voice day"].computed) == ("evidence", 800)
    assert (flags["logged_hour voice weekend"].flag, flags["logged_hour voice weekend"].computed) == (
        "evidence",
        200,
    )
    # The total: 9,106.24 billed against 8,755.00; the billed hours at the contract's prices come to
    # 8,840 + 15 % × 20 % × 8,840 = 9,105.20 — the gap is the quantities' (350.20) and rounding.
    total = flags["total"]
    assert (total.flag, total.billed, total.computed) == ("evidence", Decimal("9106.24"), Decimal("8755.00"))
    assert r.split is not None
    assert (r.split.priced_billed, r.split.quantities) == (Decimal("9105.20"), Decimal("350.20"))
    assert not [d for d in r.differences if d.flag in ("over", "under", "price")]
    (request,) = evidence_requests(r, occupancy=Decimal("0.85"))
    # At stake, at the billed prices: 32 day hours × 8.50 + 8 weekend hours × 9.78 = 350.24 €.
    assert (request.flow, request.billed, request.measured, request.at_stake) == (
        "voice",
        1040,
        850,
        Decimal("350.24"),
    )
    assert [(b.band, b.billed) for b in request.bands] == [("day", 832), ("weekend", 208)]


def test_logged_hours_billed_below_the_productive_hours_measured_are_a_measured_fact() -> None:
    r = check(LOGGED, "voice,logged_hour,day,600,8.50,5100.00\nvoice,logged_hour,weekend,200,9.78,1956.00\n")
    flags = {d.item: d.flag for d in r.differences}
    assert flags["logged_hour voice"] == "under"  # 800 billed < 850 productive: impossible
    assert flags["logged_hour voice day"] == "under"  # 600 < 680 in the day band
    assert flags["logged_hour voice weekend"] == "ok"


def test_band_lines_are_checked_against_the_hours_measured_in_their_band() -> None:
    """Productive hours are measured: 50 day hours billed as night hours (+25 %) are disputed,
    though the flow's total of 800 hours is right."""
    c = contract({"model": "per_productive_hour", "rate": 10, "band_premiums": {"night": 0.25}})
    units = voice(8800, day=700, night=100)
    month = priced_month(c, units)
    invoice = parse_invoice(
        HEADER + "voice,productive_hour,day,650,10,6500\nvoice,productive_hour,night,150,12.50,1875\n",
        file="i.csv",
    )
    r = reconcile(invoice, contract=c, month=month)
    flags = {d.item: (d.flag, d.difference) for d in r.differences}
    assert flags["productive_hour voice"] == ("ok", 0)
    assert flags["productive_hour voice day"] == ("under", -50)
    assert flags["productive_hour voice night"] == ("over", 50)
    # 8,375 billed against 8,000 + 25 % × 100/800 × 8,000 = 8,250: disputed, not evidence.
    assert flags["total"] == ("over", Decimal("125.00"))


def test_an_invoice_that_mixes_lines_with_and_without_a_band_is_checked_per_flow_only() -> None:
    r = check(LOGGED, "voice,logged_hour,,1000,8.50,8500.00\nvoice,logged_hour,weekend,0,9.78,0\n")
    assert [d.item for d in r.differences if d.band is not None] == []


def test_a_month_the_records_do_not_cover_asks_for_them_instead_of_disputing() -> None:
    c = contract({"model": "per_contact", "rate": 2})
    missing = MissingDays(covered=27, days=30, missing=3)
    r = check(c, "voice,contact,,10500,2,21000\n", missing_days=missing)
    (line,) = [d for d in r.differences if d.item == "contact voice"]
    assert (line.flag, say(line.note, "en")) == (
        "evidence",
        "the records cover 27 days of 30 (3 missing): ask for the missing days' export",
    )
    assert check(c, "voice,contact,,10500,2,21000\n").differences[0].flag == "over"
