"""Chart specifications render offline, and report numbers read as the language writes them."""

from __future__ import annotations

import numpy as np

from arbitre.reports import charts
from arbitre.reports.html import duration, num, pct
from arbitre.reports.render import to_svg


def test_the_week_heat_map_has_one_cell_per_weekday_and_interval_and_draws_as_svg() -> None:
    week = np.arange(7 * 48, dtype=float).reshape(7, 48)
    spec = charts.week_heatmap(week, interval_min=30, title="Semaine type", lang="fr")
    values = spec["data"]["values"]
    assert len(values) == 7 * 48
    assert values[49] == {"day": "mar.", "start": "00:30", "contacts": 49.0}
    svg = to_svg(spec)
    assert svg.startswith("<svg") and "Semaine type" in svg


def test_monthly_curves_and_band_shares_keep_every_flow() -> None:
    curve = charts.monthly_curve(
        {"a": [("2025-01", 10), ("2025-02", 12)], "b": [("2025-01", 3)]}, title="t", lang="en"
    )
    assert {v["flow"] for v in curve["data"]["values"]} == {"a", "b"}
    bands = charts.band_shares(
        {"a": {"day": 0.7, "evening": 0.2, "night": None, "weekend": 0.1}}, title="t", lang="en"
    )
    assert [v["band"] for v in bands["data"]["values"]] == ["Weekday daytime", "Evening", "Weekend"]
    assert "<svg" in to_svg(bands)


def test_numbers_are_written_the_french_or_the_english_way() -> None:
    assert pct(0.1234, "fr") == "12,3\u202f%" and pct(0.1234, "en") == "12.3%"
    assert num(12345.6, "fr") == "12\u202f346" and num(12345.6, "en") == "12,346"
    assert duration(185) == "3 min 05 s" and duration(None) == "—"
    assert pct(None) == "—"
