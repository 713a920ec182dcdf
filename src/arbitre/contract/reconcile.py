"""The provider's invoice checked against the units computed from its interactions.

The invoice is a CSV of billed lines: ``flow`` (a flow, or empty for the whole contract),
``unit`` (``logged_hour``, ``productive_hour``, ``contact``, ``outcome``, ``fee``), ``band``
(``day``, ``evening``, ``night``, ``weekend`` or empty), ``quantity``, ``unit_price`` and
``amount``. Each billed quantity is set against the computed one for the same unit and flow, and
for the same band when the invoice bills by band; each unit price against the contract's; the
total against the fees the contract gives on the computed units.

What a difference means depends on what the computed figure rests on:

- **measured** — contacts handled and productive hours (talk + hold + wrap) are in the records: a
  gap beyond the tolerance is ``over`` or ``under``, a dispute the records support; a billed unit
  price other than the contract's is ``price``;
- **estimated** — logged hours are not in the records: they are estimated as productive hours ÷
  the contract's assumed occupancy. A gap against that estimate is ``evidence``: a request for
  the ACD log-in export (the agents' logged time), not a dispute — a provider whose agents were
  logged in 4 % longer than the assumption says would win it. What the records do prove is the
  floor: an agent handling a contact is logged in, so logged hours below the productive hours
  measured are ``under`` (measured). Each line says the occupancy the billed hours imply;
- **none** — outcomes are not in the records: ``unverifiable``.

When the invoice splits a flow's units by band (every line of it has a band), each band line
(day, evening, night, weekend) is checked the same way against what was measured in its band. The total's gap is split into what the billed quantities explain (at the contract's
prices) and what the billing itself adds (prices, arithmetic); a gap that only estimated
quantities explain is ``evidence`` too. When the records do not cover the month, gaps on
measured quantities are ``evidence`` as well (the missing days' records are asked for).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

from arbitre.contract.notes import (
    ContractRate,
    FlowOutside,
    HandledContacts,
    InvoiceNote,
    LoggedEstimate,
    LoggedMeasured,
    OutcomesUnrecorded,
    ProductiveTime,
    TotalCheck,
)
from arbitre.contract.units import ProviderMonth
from arbitre.costing.invoice import MonthUnits, monthly_invoice, unit_of
from arbitre.costing.money import ZERO, cents
from arbitre.domain.contract import Contract
from arbitre.errors import InputError
from arbitre.staffing.workforce import BANDS

UNITS = ("logged_hour", "productive_hour", "contact", "outcome", "fee")
COLUMNS = ("flow", "unit", "band", "quantity", "unit_price", "amount")
QUANTITY_TOLERANCE = Decimal("0.01")  # 1 %: rounding and the odd contact straddling midnight
AMOUNT_TOLERANCE = Decimal("0.01")  # one cent
# No invoice line holds a quantity or an amount of a thousand trillion: refused with its line.
INVOICE_NUMBER_LIMIT = Decimal("1e15")

Flag = Literal["ok", "over", "under", "price", "unverifiable", "evidence"]
Basis = Literal["measured", "estimated", "none"]


class BilledLine(BaseModel):
    """A line of the provider's invoice as read: its line number in the file, what it bills."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int
    flow: str | None
    unit: str
    band: str | None
    quantity: Decimal | None
    unit_price: Decimal | None
    amount: Decimal


class Difference(BaseModel):
    """One check of the invoice: an item billed against what the records give.

    ``item`` names it in English for the command line and the JSON (``logged_hour sav-voice-fr
    evening``, ``total``); ``unit``, ``flow`` and ``band`` say it in parts for the report;
    ``note`` is what the computed figure rests on, a code (`arbitre.contract.notes`) that
    `arbitre.reports.notes.say` writes.
    ``measured``: for logged hours, the productive hours the records hold (the floor).
    """

    model_config = ConfigDict(frozen=True)

    item: str
    billed: Decimal | None
    computed: Decimal | None
    flag: Flag
    note: InvoiceNote
    unit: str | None = None
    flow: str | None = None
    band: str | None = None
    basis: Basis = "measured"
    measured: Decimal | None = None

    def __init__(
        self,
        item: str,
        billed: Decimal | None,
        computed: Decimal | None,
        flag: Flag,
        note: InvoiceNote,
        **parts: object,
    ) -> None:
        super().__init__(item=item, billed=billed, computed=computed, flag=flag, note=note, **parts)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def difference(self) -> Decimal | None:
        return None if self.billed is None or self.computed is None else self.billed - self.computed

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share(self) -> float | None:
        d = self.difference
        return None if d is None or not self.computed else round(float(d / self.computed), 4)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def implied_occupancy(self) -> float | None:
        """Productive ÷ billed logged hours: the occupancy the billed hours imply."""
        if self.unit != "logged_hour" or self.measured is None or not self.billed:
            return None
        return round(float(self.measured / self.billed), 4)


class ComputedUnits(BaseModel):
    """What the interactions give for one billed unit and flow (``None``: they cannot tell)."""

    model_config = ConfigDict(frozen=True)

    unit: str
    flow: str | None
    quantity: Decimal | None
    note: InvoiceNote
    basis: Basis = "measured"

    def __init__(
        self,
        unit: str,
        flow: str | None,
        quantity: Decimal | None,
        note: InvoiceNote,
        basis: Basis = "measured",
    ) -> None:
        super().__init__(unit=unit, flow=flow, quantity=quantity, note=note, basis=basis)


class TotalSplit(BaseModel):
    """The total's gap in two parts: ``quantities`` — the billed quantities at the contract's
    prices less the computed fees — and ``billing`` — the billed total less those prices
    (unit prices, arithmetic)."""

    model_config = ConfigDict(frozen=True)

    priced_billed: Decimal
    quantities: Decimal
    billing: Decimal


@dataclass(frozen=True)
class Reconciliation:
    billed: tuple[BilledLine, ...]
    billed_total: Decimal
    computed_total: Decimal
    differences: tuple[Difference, ...]
    computed: tuple[ComputedUnits, ...] = ()
    split: TotalSplit | None = None

    @property
    def flagged(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.flag != "ok")


class BandEvidence(BaseModel):
    model_config = ConfigDict(frozen=True)

    band: str
    billed: Decimal
    computed: Decimal | None
    flag: str


class EvidenceRequest(BaseModel):
    """A billed quantity (a unit of a flow) the records cannot settle: what was billed, the
    estimate and what the records measure, the bands billed, and the amount at stake — the gap's
    share of each billed line at its billed price."""

    model_config = ConfigDict(frozen=True)

    unit: str
    flow: str | None
    billed: Decimal
    computed: Decimal | None
    measured: Decimal | None
    implied_occupancy: Decimal | None
    assumed_occupancy: Decimal
    basis: str
    bands: list[BandEvidence]
    at_stake: Decimal


def evidence_requests(r: Reconciliation, *, occupancy: Decimal) -> list[EvidenceRequest]:
    """One request per (unit, flow) whose billed quantity, or one of its bands, calls for evidence."""
    keys: list[tuple[str, str | None]] = []
    for d in r.differences:
        if d.flag == "evidence" and d.unit is not None and (d.unit, d.flow) not in keys:
            keys.append((d.unit, d.flow))
    out = []
    for unit, flow in keys:
        mine = [d for d in r.differences if d.unit == unit and d.flow == flow and d.item != "total"]
        whole = next(d for d in mine if d.band is None and not d.item.startswith("unit price"))
        at_stake = ZERO
        for ln in r.billed:
            if ln.unit != unit or ln.flow != flow or not ln.quantity:
                continue
            part = next((d for d in mine if d.band == ln.band and d.band is not None), whole)
            if part.computed is None or not part.billed:
                continue
            at_stake += (part.billed - part.computed) * ln.quantity / part.billed * (ln.amount / ln.quantity)
        out.append(
            EvidenceRequest(
                unit=unit,
                flow=flow,
                billed=whole.billed or ZERO,
                computed=whole.computed,
                measured=whole.measured,
                implied_occupancy=None
                if whole.implied_occupancy is None
                else Decimal(str(whole.implied_occupancy)),
                assumed_occupancy=occupancy,
                basis=whole.basis,
                bands=[
                    BandEvidence(band=d.band, billed=d.billed or ZERO, computed=d.computed, flag=d.flag)
                    for d in mine
                    if d.band is not None and not d.item.startswith("unit price")
                ],
                at_stake=cents(at_stake),
            )
        )
    return out


def parse_invoice(text: str, *, file: str) -> tuple[BilledLine, ...]:
    """The billed lines of an invoice CSV; every bad line named (file, line, column, expected)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("unit", "amount") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"missing column {missing[0]!r}: expected a header with {', '.join(COLUMNS)}", file=file, line=1
        )
    unknown = [c for c in reader.fieldnames or [] if c not in COLUMNS]
    if unknown:
        raise InputError(f"unknown column {unknown[0]!r}: expected {', '.join(COLUMNS)}", file=file, line=1)
    out = []
    for n, row in enumerate(reader, start=2):
        unit = (row.get("unit") or "").strip()
        if unit not in UNITS:
            raise InputError(file=file, line=n, field="unit", expected=" or ".join(UNITS), got=unit)
        band = (row.get("band") or "").strip() or None
        if band is not None and band not in BANDS:
            raise InputError(
                file=file, line=n, field="band", expected=", ".join(BANDS) + " or empty", got=band
            )
        amount_ = _decimal(row.get("amount"), file=file, line=n, field="amount", required=True)
        assert amount_ is not None
        out.append(
            BilledLine(
                line=n,
                flow=(row.get("flow") or "").strip() or None,
                unit=unit,
                band=band,
                quantity=_decimal(row.get("quantity"), file=file, line=n, field="quantity"),
                unit_price=_decimal(row.get("unit_price"), file=file, line=n, field="unit_price"),
                amount=amount_,
            )
        )
    if not out:
        raise InputError("no billed line", file=file)
    return tuple(out)


def reconcile(
    lines: Sequence[BilledLine],
    *,
    contract: Contract,
    month: ProviderMonth,
    missing_days: InvoiceNote | None = None,
) -> Reconciliation:
    """Set every billed quantity (per flow, and per band when billed by band), unit price and the
    total against what the interactions give.

    ``missing_days``: when the records do not cover the month, what is missing — gaps on
    measured quantities then ask for those records instead of disputing.
    """
    diffs: list[Difference] = []
    quantities: list[ComputedUnits] = []
    unknown = sorted({ln.flow for ln in lines if ln.flow is not None and ln.flow not in contract.flows})
    for name in unknown:
        diffs.append(
            Difference(
                f"lines for {name}",
                None,
                None,
                "over",
                FlowOutside(),
                flow=name,
            )
        )
    keys = sorted({(ln.unit, ln.flow) for ln in lines if ln.unit != "fee"}, key=lambda k: (k[0], k[1] or ""))
    for unit, flow in keys:
        if flow in unknown:
            continue
        mine = [ln for ln in lines if ln.unit == unit and ln.flow == flow]
        flows = [flow] if flow is not None else list(month.by_flow)
        computed, basis, measured = _computed(unit, flows, month, band=None)
        quantities.append(ComputedUnits(unit, flow, computed, _basis_note(unit, month), basis))
        diffs.append(_check(unit, flow, None, mine, computed, basis, measured, month, missing_days))
        if any(ln.band is None for ln in mine):
            continue  # a line without a band may hold any band's units: the split cannot be checked
        for band in BANDS:
            banded = [ln for ln in mine if ln.band == band]
            if not banded:
                continue
            computed, basis, measured = _computed(unit, flows, month, band=band)
            diffs.append(_check(unit, flow, band, banded, computed, basis, measured, month, missing_days))
    diffs.extend(_prices(lines, contract))
    billed_total = sum((ln.amount for ln in lines), ZERO)
    computed_total = month.invoice.total
    split = _split(lines, contract=contract, month=month, billed_total=billed_total)
    diffs.append(_total(billed_total, computed_total, split, diffs, lines, contract.currency))
    return Reconciliation(tuple(lines), billed_total, computed_total, tuple(diffs), tuple(quantities), split)


def _check(
    unit: str,
    flow: str | None,
    band: str | None,
    billed_lines: Sequence[BilledLine],
    computed: Decimal | None,
    basis: Basis,
    measured: Decimal | None,
    month: ProviderMonth,
    missing_days: InvoiceNote | None,
) -> Difference:
    """One billed quantity (a flow's, or a band's of it) against the records."""
    billed = sum((ln.quantity or ZERO for ln in billed_lines), ZERO)
    item = " ".join(x for x in (unit, flow or "all flows", band) if x)
    parts: dict[str, object] = {
        "unit": unit,
        "flow": flow,
        "band": band,
        "basis": basis,
        "measured": None if measured is None else measured.quantize(Decimal("0.01")),
    }
    if computed is None:
        return Difference(item, billed, None, "unverifiable", OutcomesUnrecorded(), **parts)
    gap = billed - computed
    within = abs(gap) <= QUANTITY_TOLERANCE * max(computed, Decimal(1))
    note: InvoiceNote = _basis_note(unit, month)
    flag: Flag = "ok" if within else ("over" if gap > 0 else "under")
    if basis == "estimated" and measured is not None:
        note = _occupancy_note(billed, measured, month.occupancy)
        if not within:
            # Below the productive hours measured, logged hours are impossible: a measured fact.
            below_floor = billed < measured * (1 - QUANTITY_TOLERANCE)
            flag = "under" if below_floor else "evidence"
    if flag in ("over", "under") and basis == "measured" and missing_days is not None:
        flag, note = "evidence", missing_days
    return Difference(item, billed, computed, flag, note, **parts)


def _computed(
    unit: str, flows: Sequence[str], month: ProviderMonth, *, band: str | None
) -> tuple[Decimal | None, Basis, Decimal | None]:
    """(what the records give, on what it rests, the productive hours measured for logged hours)."""
    if unit == "outcome":
        return None, "none", None
    if unit == "contact":
        counts = (
            month.by_flow[f].handled if band is None else month.by_flow[f].handled_by_band.get(band, 0)
            for f in flows
        )
        return Decimal(sum(counts)), "measured", None
    productive = sum(
        (
            month.by_flow[f].productive_hours
            if band is None
            else month.by_flow[f].hours_by_band.get(band, ZERO)
            for f in flows
        ),
        ZERO,
    )
    if unit == "productive_hour":
        return productive, "measured", None
    return (productive / month.occupancy).quantize(Decimal("0.01")), "estimated", productive


def _basis_note(unit: str, month: ProviderMonth) -> InvoiceNote:
    if unit == "contact":
        return HandledContacts()
    if unit == "productive_hour":
        return ProductiveTime()
    if unit == "outcome":
        return OutcomesUnrecorded()
    return LoggedEstimate(occupancy=month.occupancy)


def _occupancy_note(billed: Decimal, measured: Decimal, occupancy: Decimal) -> LoggedMeasured:
    """What billed logged hours say against the productive hours measured: the hours to the cent,
    the occupancy the billed hours imply to the millionth (the note writes a tenth of a percent)."""
    implied = (measured / billed).quantize(Decimal("1e-6"), ROUND_HALF_UP) if billed > 0 else None
    return LoggedMeasured(
        measured=measured.quantize(Decimal("0.01"), ROUND_HALF_UP), occupancy=occupancy, implied=implied
    )


def _prices(lines: Sequence[BilledLine], contract: Contract) -> list[Difference]:
    """Billed unit prices against the contract's single rate and band premiums."""
    rate = contract.pricing.rate
    if rate is None:
        return []
    out = []
    for ln in lines:
        if ln.unit_price is None or ln.unit == "fee":
            continue
        expected = cents(rate * (1 + (contract.pricing.band_premiums.of(ln.band) if ln.band else ZERO)))
        if abs(ln.unit_price - expected) > AMOUNT_TOLERANCE:
            out.append(
                Difference(
                    f"unit price, line {ln.line} ({ln.unit} {ln.flow or ''} {ln.band or ''})".replace(
                        "  ", " "
                    ),
                    ln.unit_price,
                    expected,
                    "price",
                    ContractRate(),
                    unit=ln.unit,
                    flow=ln.flow,
                    band=ln.band,
                )
            )
    return out


def _split(
    lines: Sequence[BilledLine], *, contract: Contract, month: ProviderMonth, billed_total: Decimal
) -> TotalSplit | None:
    """The contract's fees on the billed quantities (the computed ones where nothing is billed),
    and the total's gap split at it; None for a price the records cannot rebuild (outcomes)."""
    unit = unit_of(contract.pricing)
    if unit == "outcome":
        return None
    computed = {
        "productive_hour": month.productive_hours,
        "logged_hour": month.logged_hours,
        "contact": Decimal(month.handled),
    }
    units = dict(computed)
    for u in computed:
        mine = [ln for ln in lines if ln.unit == u and ln.quantity is not None]
        if mine:
            units[u] = sum((ln.quantity or ZERO for ln in mine), ZERO)
    shares = month.invoice_units.band_shares
    if unit is not None:
        banded = [ln for ln in lines if ln.unit == unit and ln.band is not None and ln.quantity is not None]
        whole = sum((ln.quantity or ZERO for ln in banded), ZERO)
        if banded and whole > 0:
            shares = {
                b: sum((ln.quantity or ZERO for ln in banded if ln.band == b), ZERO) / whole for b in BANDS
            }
    priced = monthly_invoice(
        contract.pricing,
        month=MonthUnits(
            units=units, band_shares=shares, language_shares=month.invoice_units.language_shares
        ),
    ).total
    return TotalSplit(
        priced_billed=priced, quantities=priced - month.invoice.total, billing=billed_total - priced
    )


def _total(
    billed_total: Decimal,
    computed_total: Decimal,
    split: TotalSplit | None,
    diffs: Sequence[Difference],
    lines: Sequence[BilledLine],
    currency: str,
) -> Difference:
    gap = billed_total - computed_total
    tolerance = max(AMOUNT_TOLERANCE, sum((_rounding(ln) for ln in lines), ZERO))
    flag: Flag = "ok" if abs(gap) <= tolerance else ("over" if gap > 0 else "under")
    note = TotalCheck(currency=currency)
    if split is not None and flag != "ok":
        disputed = [d for d in diffs if d.flag in ("over", "under", "price")]
        if abs(split.billing) <= tolerance and not disputed:
            # The billing follows the contract's prices: the gap is the quantities', and those
            # rest on estimates or on missing records.
            flag = "evidence"
        note = TotalCheck(currency=currency, quantities=split.quantities, billing=split.billing)
    return Difference("total", billed_total, computed_total, flag, note)


def _rounding(line: BilledLine) -> Decimal:
    """How far rounding alone can move a billed line: its amount to the cent (half a cent) and,
    for hours, its quantity to the digits it is written with (half a step, at its unit price);
    contacts and outcomes are counted, not rounded.

    >>> _rounding(BilledLine(line=2, flow="voice", unit="logged_hour", band="day", quantity=Decimal("812.25"),
    ...                      unit_price=Decimal("24.10"), amount=Decimal("19575.23")))
    Decimal('0.12550')
    """
    half_cent = AMOUNT_TOLERANCE / 2
    if (
        line.unit not in ("logged_hour", "productive_hour")
        or line.quantity is None
        or line.unit_price is None
    ):
        return half_cent
    step = Decimal(1).scaleb(int(line.quantity.as_tuple().exponent))
    return step / 2 * abs(line.unit_price) + half_cent


def _decimal(
    value: str | None, *, file: str, line: int, field: str, required: bool = False
) -> Decimal | None:
    text = (value or "").strip().replace("\u202f", "").replace(" ", "")
    if not text:
        if required:
            raise InputError(file=file, line=line, field=field, expected="a number", got="")
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # French decimal comma
    try:
        number_ = Decimal(text)
    except InvalidOperation:
        number_ = None
    if number_ is None or not number_.is_finite():
        raise InputError(file=file, line=line, field=field, expected="a number", got=value)
    if abs(number_) >= INVOICE_NUMBER_LIMIT:  # 1e999999 is a valid Decimal that no sum survives
        raise InputError(
            file=file, line=line, field=field, expected="a number below 10^15 in absolute value", got=value
        )
    return number_


__all__ = [
    "BandEvidence",
    "BilledLine",
    "ComputedUnits",
    "Difference",
    "EvidenceRequest",
    "Reconciliation",
    "TotalSplit",
    "evidence_requests",
    "parse_invoice",
    "reconcile",
]
