"""Figures written the French or the English way, for the sentences `arbitre.reports.notes` writes
from the monthly run's notes in both languages (the invoice check, the warnings, the obligations).

French: a narrow no-break space between thousands, a decimal comma, ``81,7 %`` and ``1 534,00 €``;
English: ``4,559.62``, ``81.7%``, ``€1,534.00``. Other currencies are written with their code.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NNBSP = "\u202f"  # narrow no-break space: "1 534,00 €", "81,7 %"
NBSP = "\u00a0"
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def number(value: Decimal | float | int, lang: str, digits: int = 2) -> str:
    """``4559.62`` → ``4 559,62`` (fr) or ``4,559.62`` (en), rounded half up to ``digits``.

    >>> number(Decimal("4559.625"), "fr"), number(0.85, "en"), number(1417, "fr", 0)
    ('4\\u202f559,63', '0.85', '1\\u202f417')
    """
    exact = (
        value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    )
    text = f"{exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):,.{digits}f}"
    return text.replace(",", NNBSP).replace(".", ",") if lang == "fr" else text


def percent(share: Decimal | float, lang: str, digits: int = 1) -> str:
    """``0.8173`` → ``81,7 %`` (fr) or ``81.7%`` (en)."""
    text = number(Decimal(repr(share) if isinstance(share, float) else share) * 100, lang, digits)
    return f"{text}{NNBSP}%" if lang == "fr" else f"{text}%"


def amount(value: Decimal, lang: str, currency: str) -> str:
    """``Decimal("1209.87")`` → ``1 209,87 €`` (fr) or ``€1,209.87`` (en); other currencies by code.

    >>> amount(Decimal("-1534"), "en", "EUR"), amount(Decimal("12.5"), "fr", "CHF")
    ('-€1,534.00', '12,50\\xa0CHF')
    """
    text = number(value, lang, 2)
    symbol = _SYMBOLS.get(currency)
    if lang == "fr":
        return f"{text}{NBSP}{symbol or currency}"
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{currency} {digits}"


__all__ = ["NBSP", "NNBSP", "amount", "number", "percent"]
