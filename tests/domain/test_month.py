"""`Month`: the months of the documents as a value that knows its days, bounds and neighbours."""

from __future__ import annotations

from datetime import UTC, date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from arbitre.domain.month import Month, months_between, read_month
from arbitre.errors import InputError


@pytest.mark.parametrize(
    "bad", ["2026-13", "2026-00", "2026-5", "26-05", "2026-05-01", "", "2026/05", "２０２６-05"]
)
def test_anything_but_yyyy_mm_is_refused_with_what_was_given(bad: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse(bad)
    with pytest.raises(InputError) as caught:
        read_month(bad, field="--month")
    assert "--month" in str(caught.value) and "YYYY-MM" in str(caught.value)


def test_a_month_knows_its_days_including_a_leap_february() -> None:
    assert len(Month("2028-02").days()) == 29 and len(Month("2026-02").days()) == 28
    assert Month("2026-12").last_day == date(2026, 12, 31) and Month("2026-12").first_day == date(2026, 12, 1)


def test_its_bounds_are_local_midnights_across_a_clock_change() -> None:
    start, end = Month("2026-10").bounds("Europe/Paris")
    assert start.isoformat() == "2026-10-01T00:00:00+02:00" and end.isoformat() == "2026-11-01T00:00:00+01:00"
    elapsed = end.astimezone(UTC) - start.astimezone(UTC)
    assert elapsed.total_seconds() == 31 * 86400 + 3600  # the hour given back on 25 October


@given(st.integers(100, 9000), st.integers(1, 12), st.integers(-240, 240))
def test_shifting_moves_by_whole_months_and_back(year: int, number: int, k: int) -> None:
    month = Month(f"{year:04d}-{number:02d}")
    moved = month.shift(k)
    assert (moved.year * 12 + moved.number) - (year * 12 + number) == k
    assert moved.shift(-k) == month and (moved > month) == (k > 0)


def test_months_sort_compare_and_serialise_as_their_text() -> None:
    class Doc(BaseModel):
        month: Month

    doc = Doc.model_validate({"month": "2026-05"})
    assert isinstance(doc.month, Month) and doc.month.shift(1) == "2026-06"
    assert (
        doc.model_dump(mode="json") == {"month": "2026-05"} and doc.model_dump_json() == '{"month":"2026-05"}'
    )
    with pytest.raises(ValidationError):
        Doc.model_validate({"month": "2026-13"})
    assert months_between(Month("2026-11"), Month("2027-01")) == ["2026-11", "2026-12", "2027-01"]
    assert sorted([Month("2026-10"), Month("2025-12")]) == ["2025-12", "2026-10"]
