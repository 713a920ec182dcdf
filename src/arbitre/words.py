"""Numbers and short texts in French and English, as each language writes them.

``41 %`` (a narrow no-break space before the sign, as French typography and
`arbitre.reports.html` do) and ``41%``; ``8 200`` and ``8,200``; ``3,40 €`` and ``€3.40``. Pure
functions, no locale: the output does not depend on the machine. Shared by the engines that speak
to people (costing's warnings, the decision's reasons).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

NNBSP = "\u202f"  # narrow no-break space: "41 %", "8 200"


@dataclass(frozen=True, slots=True)
class Text:
    """One message in both languages of the product."""

    fr: str
    en: str


def pct(value: float, lang: str) -> str:
    """0.41 → ``"41 %"`` (fr) or ``"41%"`` (en); under 1 % with one significant digit.

    >>> pct(0.4123, "fr") == "41\u202f%", pct(0.4123, "en"), pct(0.004, "en"), pct(0.00036, "en")
    (True, '41%', '0.4%', '0.04%')
    """
    points = abs(100 * value)
    digits = -math.floor(math.log10(points)) if 0 < points < 1 else 0
    text = _fixed(100 * value, digits)
    return _fr_decimal(text) + NNBSP + "%" if lang == "fr" else text + "%"


def count(value: float, lang: str) -> str:
    """8200.4 → ``"8 200"`` (fr, narrow no-break space) or ``"8,200"`` (en).

    >>> count(8200.4, "en"), count(950, "fr")
    ('8,200', '950')
    """
    text = f"{_round(value, 0):,.0f}"
    return text.replace(",", NNBSP) if lang == "fr" else text


def ratio(value: float, lang: str) -> str:
    """1.456 → ``"1,46"`` (fr) or ``"1.46"`` (en).

    >>> ratio(1.456, "fr"), ratio(2.0, "en")
    ('1,46', '2.00')
    """
    text = _fixed(value, 2)
    return _fr_decimal(text) if lang == "fr" else text


def money(value: Decimal, lang: str, *, currency: str = "EUR", digits: int = 2) -> str:
    """Decimal("3.4") → ``"3,40 €"`` (fr) or ``"€3.40"`` (en); other currencies by their code.

    >>> money(Decimal("27200"), "fr", digits=0) == "27\u202f200\u00a0€", money(Decimal("3.4"), "en")
    (True, '€3.40')
    >>> money(Decimal("-1.5"), "en"), money(Decimal("12"), "en", currency="MAD")
    ('-€1.50', 'MAD 12.00')
    """
    q = Decimal(1).scaleb(-digits)
    amount = abs(value).quantize(q, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 and amount != 0 else ""
    text = f"{amount:,.{digits}f}"
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency)
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
        return f"{sign}{text}\u00a0{symbol or currency}"
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{currency} {text}"


def enumerate_words(items: list[str], lang: str) -> str:
    """``["a", "b", "c"]`` → ``"a, b et c"`` (fr) or ``"a, b and c"`` (en).

    >>> enumerate_words(["soir", "nuit", "week-end"], "fr"), enumerate_words(["evening"], "en")
    ('soir, nuit et week-end', 'evening')
    """
    if len(items) <= 1:
        return "".join(items)
    last = " et " if lang == "fr" else " and "
    return ", ".join(items[:-1]) + last + items[-1]


def _round(value: float, digits: int) -> float:
    """Round half away from zero (Python's round() goes to even: 0.5 % would print 0 %)."""
    q = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP))


def _fixed(value: float, digits: int) -> str:
    return f"{_round(value, digits):.{digits}f}"


def _fr_decimal(text: str) -> str:
    return text.replace(".", ",")
