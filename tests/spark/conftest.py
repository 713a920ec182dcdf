"""One Spark session for the whole test run (it takes seconds and half a gigabyte to start).

Every test here is marked ``spark``; where Java or pyspark is absent they are skipped, and the
reason printed (pytest's ``-ra`` summary).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from arbitre.kpi.spark import SparkConnection, unavailable_reason


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/spark/" in item.nodeid:
            item.add_marker(pytest.mark.spark)


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkConnection]:
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"Spark tests skipped: {reason}")
    con = SparkConnection.start("local[2]")
    try:
        yield con
    finally:
        con.close()
