"""The provider's invoice checked against the units computed from its interactions.

The invoice is a CSV of billed lines: ``flow`` (a flow, or empty for the whole contract),
``unit`` (``logged_hour``, ``productive_hour``, ``contact``, ``outcome``, ``fee``), ``band``
(``day``, ``evening``, ``night``, ``weekend`` or empty), ``quantity``, ``unit_price`` and
``amount``. Each billed quantity is set against the computed one for the same unit and flow, each
unit price against the contract's, and the total against the fees the contract gives on the
computed units. Differences beyond the tolerance are flagged ``over`` or ``under``; what the
interactions cannot show (outcomes) is ``unverifiable``; logged hours are compared with their
estimate (productive hours ÷ occupancy), which the flag's note says.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from arbitre.contract.units import ProviderMonth
from arbitre.costing.money import ZERO, cents
from arbitre.domain.contract import Contract
from arbitre.errors import InputError
from arbitre.staffing.workforce import BANDS

UNITS = ("logged_hour", "productive_hour", "contact", "outcome", "fee")
COLUMNS = ("flow", "unit", "band", "quantity", "unit_price", "amount")
QUANTITY_TOLERANCE = Decimal("0.01")  # 1 %: rounding and the odd contact straddling midnight
AMOUNT_TOLERANCE = Decimal("0.01")  # one cent


@dataclass(frozen=True)
class BilledLine:
    line: int
    flow: str | None
    unit: str
    band: str | None
    quantity: Decimal | None
    unit_price: Decimal | None
    amount: Decimal


@dataclass(frozen=True)
class Difference:
    item: str
    billed: Decimal | None
    computed: Decimal | None
    flag: str  # ok, over, under, unverifiable, price
    note: str = ""

    @property
    def difference(self) -> Decimal | None:
        return None if self.billed is None or self.computed is None else self.billed - self.computed

    @property
    def share(self) -> float | None:
        d = self.difference
        return None if d is None or not self.computed else float(d / self.computed)


@dataclass(frozen=True)
class ComputedUnits:
    """What the interactions give for one billed unit and flow (``None``: they cannot tell)."""

    unit: str
    flow: str | None
    quantity: Decimal | None
    note: str = ""


@dataclass(frozen=True)
class Reconciliation:
    billed: tuple[BilledLine, ...]
    billed_total: Decimal
    computed_total: Decimal
    differences: tuple[Difference, ...]
    computed: tuple[ComputedUnits, ...] = ()

    @property
    def flagged(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.flag != "ok")


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
        amount = _decimal(row.get("amount"), file=file, line=n, field="amount", required=True)
        assert amount is not None
        out.append(
            BilledLine(
                line=n,
                flow=(row.get("flow") or "").strip() or None,
                unit=unit,
                band=band,
                quantity=_decimal(row.get("quantity"), file=file, line=n, field="quantity"),
                unit_price=_decimal(row.get("unit_price"), file=file, line=n, field="unit_price"),
                amount=amount,
            )
        )
    if not out:
        raise InputError("no billed line", file=file)
    return tuple(out)


def reconcile(lines: Sequence[BilledLine], *, contract: Contract, month: ProviderMonth) -> Reconciliation:
    """Set every billed quantity, unit price and the total against what the interactions give."""
    diffs: list[Difference] = []
    quantities: list[ComputedUnits] = []
    unknown = sorted({ln.flow for ln in lines if ln.flow is not None and ln.flow not in contract.flows})
    for name in unknown:
        diffs.append(Difference(f"lines for {name}", None, None, "over", "a flow outside the contract"))
    keys = sorted({(ln.unit, ln.flow) for ln in lines if ln.unit != "fee"}, key=lambda k: (k[0], k[1] or ""))
    for unit, flow in keys:
        if flow in unknown:
            continue
        billed = sum((ln.quantity or ZERO for ln in lines if ln.unit == unit and ln.flow == flow), ZERO)
        computed, note = _computed(unit, flow, month)
        quantities.append(ComputedUnits(unit, flow, computed, note))
        item = f"{unit} {flow or 'all flows'}"
        if computed is None:
            diffs.append(Difference(item, billed, None, "unverifiable", note))
            continue
        gap = billed - computed
        flag = (
            "ok"
            if abs(gap) <= QUANTITY_TOLERANCE * max(computed, Decimal(1))
            else ("over" if gap > 0 else "under")
        )
        diffs.append(Difference(item, billed, computed, flag, note))
    diffs.extend(_prices(lines, contract))
    billed_total = sum((ln.amount for ln in lines), ZERO)
    computed_total = month.invoice.total
    gap = billed_total - computed_total
    tolerance = max(AMOUNT_TOLERANCE, sum((_rounding(ln) for ln in lines), ZERO))
    flag = "ok" if abs(gap) <= tolerance else ("over" if gap > 0 else "under")
    diffs.append(
        Difference(
            "total",
            billed_total,
            computed_total,
            flag,
            "billed against the contract's price on the computed units",
        )
    )
    return Reconciliation(tuple(lines), billed_total, computed_total, tuple(diffs), tuple(quantities))


def _rounding(line: BilledLine) -> Decimal:
    """How far rounding alone can move a billed line: its amount to the cent (half a cent) and,
    for hours, its quantity to the digits it is written with (half a step, at its unit price);
    contacts and outcomes are counted, not rounded.

    >>> _rounding(BilledLine(2, "voice", "logged_hour", "day", Decimal("812.25"), Decimal("24.10"), Decimal("19575.23")))
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


def _computed(unit: str, flow: str | None, month: ProviderMonth) -> tuple[Decimal | None, str]:
    flows = [flow] if flow is not None else list(month.by_flow)
    if unit == "outcome":
        return None, "outcomes are not in the interaction records"
    if unit == "contact":
        return Decimal(sum(month.by_flow[f].handled for f in flows)), "handled contacts"
    productive = sum((month.by_flow[f].productive_hours for f in flows), ZERO)
    if unit == "productive_hour":
        return productive, "talk + hold + wrap of handled contacts"
    return (
        (productive / month.occupancy).quantize(Decimal("0.01")),
        f"estimated: productive hours ÷ occupancy {month.occupancy} (logged time is not in the records)",
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
                    "the contract's rate with its band premium",
                )
            )
    return out


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
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise InputError(file=file, line=line, field=field, expected="a number", got=value)
    return number


__all__ = ["BilledLine", "ComputedUnits", "Difference", "Reconciliation", "parse_invoice", "reconcile"]
