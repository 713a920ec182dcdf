"""A calendar month, ``YYYY-MM``: the unit of a contract's money and of its monthly run.

`Month` is a string (``"2026-05"``), so it prints, sorts, compares and serialises as the months of
the documents always did, and it knows its days, its bounds in a time zone and its neighbours, so
no code slices ``month[5:7]`` again.

>>> may = Month.parse("2026-05")
>>> may.year, may.number, may.shift(-5), may.shift(8), len(may.days())
(2026, 5, '2025-12', '2027-01', 31)
>>> may < Month.parse("2026-11") and may.contains(date(2026, 5, 31))
True
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from arbitre.errors import InputError

#: The pattern of a month in files and options.
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)


class Month(str):
    """A calendar month ``YYYY-MM`` (January is ``01``). Build one with `Month.parse` or
    `Month.of`; a model field typed `Month` validates and serialises it as its text."""

    __slots__ = ()

    def __new__(cls, text: str) -> Month:
        if not isinstance(text, str) or not _MONTH.match(text):
            raise ValueError(f"expected a month YYYY-MM, got {text!r}")
        return super().__new__(cls, text)

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2026-05"`` → the month; anything else raises ``ValueError`` naming what it got."""
        return cls(text)

    @classmethod
    def of(cls, day: date) -> Month:
        """The month a day falls in.

        >>> Month.of(date(2026, 7, 6))
        '2026-07'
        """
        return cls(f"{day.year:04d}-{day.month:02d}")

    @property
    def year(self) -> int:
        return int(self[:4])

    @property
    def number(self) -> int:
        """1 (January) to 12."""
        return int(self[5:7])

    def shift(self, k: int) -> Month:
        """The month ``k`` months later (earlier when ``k`` < 0)."""
        index = self.year * 12 + self.number - 1 + k
        return Month(f"{index // 12:04d}-{index % 12 + 1:02d}")

    @property
    def first_day(self) -> date:
        return date(self.year, self.number, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.number, monthrange(self.year, self.number)[1])

    def days(self) -> list[date]:
        """Every day of the month, the first to the last."""
        first = self.first_day
        return [first + timedelta(days=i) for i in range(monthrange(self.year, self.number)[1])]

    def contains(self, day: date) -> bool:
        return day.year == self.year and day.month == self.number

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        """Local midnight of the month's first day and of the next month's, in the time zone ``tz``.

        >>> start, end = Month("2026-03").bounds("Europe/Paris")
        >>> start.isoformat(), end.isoformat()
        ('2026-03-01T00:00:00+01:00', '2026-04-01T00:00:00+02:00')
        """
        zone = ZoneInfo(tz)
        after = self.shift(1)
        return (
            datetime(self.year, self.number, 1, tzinfo=zone),
            datetime(after.year, after.number, 1, tzinfo=zone),
        )

    def __repr__(self) -> str:
        return str.__repr__(self)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls,
            core_schema.str_schema(pattern=MONTH_PATTERN),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )


def read_month(text: str, *, field: str = "--month") -> Month:
    """A month a user typed (an option, a form field): the month, or an `InputError` naming the
    field, what was expected and what was given."""
    try:
        return Month.parse(text)
    except ValueError:
        raise InputError(field=field, expected="a month YYYY-MM", got=text) from None


def months_between(first: Month, last: Month) -> list[Month]:
    """``first`` to ``last`` included, in order (none when ``last`` is before ``first``).

    >>> months_between(Month("2025-11"), Month("2026-02"))
    ['2025-11', '2025-12', '2026-01', '2026-02']
    """
    out: list[Month] = []
    month = first
    while month <= last:
        out.append(month)
        month = month.shift(1)
    return out


__all__ = ["MONTH_PATTERN", "Month", "months_between", "read_month"]
