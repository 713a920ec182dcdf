"""Exact money for the costing engines: floats from the arrays become `Decimal` once, here.

The staffing engine works in floats and integers (agents, seconds, contacts); money never does.
Counts that are integers (agents per interval) are summed as integers and enter `Decimal`
exactly; measured floats (contacts, talk seconds) enter through their shortest decimal text, so
``0.1`` is 0.1 and not 0.1000000000000000055511151231257827.

Amounts are rounded to the cent (half up, as invoices are) only where they are shown — a cost line,
a month's total —, never inside a formula; unit costs keep four decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

CENT = Decimal("0.01")
UNIT = Decimal("0.0001")  # unit costs: per hour, per contact, per FTE
ZERO = Decimal(0)
ONE = Decimal(1)
TWELVE = Decimal(12)
WEEKS_PER_YEAR = Decimal(52)
HOURS_PER_DAY = Decimal(7)  # a French working day: 35 h ÷ 5 days (training days to hours)


def dec(value: float | int | np.floating | np.integer | Decimal) -> Decimal:
    """A number as `Decimal`: integers exactly, floats through their shortest text.

    >>> dec(0.1), dec(np.int64(7)), dec(np.float64(2.5))
    (Decimal('0.1'), Decimal('7'), Decimal('2.5'))
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | np.integer):
        return Decimal(int(value))
    f = float(value)
    if not np.isfinite(f):
        raise ValueError(f"not a finite number: {f}")
    return Decimal(repr(f))


def cents(amount: Decimal) -> Decimal:
    """Rounded to the cent, half up.

    >>> cents(Decimal("6933.3333")), cents(Decimal("0.005"))
    (Decimal('6933.33'), Decimal('0.01'))
    """
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def unit(amount: Decimal) -> Decimal:
    """A unit cost, to four decimals."""
    return amount.quantize(UNIT, rounding=ROUND_HALF_UP)


def round6(x: Decimal) -> Decimal:
    """Hours, FTE and minutes as reported: six decimals (the exact value stays inside the formulas).

    >>> round6(Decimal(5) * Decimal(1607) / 12 / (Decimal(1607) / 12))
    Decimal('5.000000')
    """
    return x.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def ratio(num: Decimal, den: Decimal) -> Decimal | None:
    """``num / den`` to four decimals, or None when there is nothing to divide by.

    The denominator counts to six decimals, as reported: a millionth of a contact is none.

    >>> ratio(Decimal(10), Decimal(3)), ratio(Decimal(10), Decimal("1e-265"))
    (Decimal('3.3333'), None)
    """
    den = round6(den)
    return unit(num / den) if den > 0 else None


def weeks_to_months(weeks: Decimal) -> Decimal:
    """Weeks as months (52 weeks a year, 12 months), to four decimals (a few minutes).

    >>> weeks_to_months(Decimal("4.3333")), weeks_to_months(Decimal(2))
    (Decimal('1.0000'), Decimal('0.4615'))
    """
    return (weeks * TWELVE / WEEKS_PER_YEAR).quantize(UNIT, rounding=ROUND_HALF_UP)
