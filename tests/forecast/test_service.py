"""The forecast service on a small workspace built from an interaction file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from arbitre.errors import InputError
from arbitre.forecast import History
from arbitre.services.forecast import forecast_workspace, load_events, load_history, write_intervals
from arbitre.services.imports import import_file
from arbitre.store.workspace import Workspace
from tests.forecast.synthetic import synthetic_history, write_contacts_csv
from tests.helpers import write_csv


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, History]]:
    """Five weeks of two flows, 1 March to 4 April 2026 (29 March has 23 hours), in a workspace."""
    root = tmp_path_factory.mktemp("forecast")
    rng = np.random.default_rng(21)
    history, _ = synthetic_history(rng=rng, flows=2, first_day=date(2026, 3, 1), days=35, level=60)
    ws = Workspace.init(root / "ws", name="Acme")
    summary = import_file(ws, write_contacts_csv(root / "contacts.csv", history, rng=rng))
    assert summary.inserted == int(history.offered.sum())
    yield ws, history
    ws.close()


def test_the_history_read_from_the_store_holds_every_contact_in_its_interval(
    built: tuple[Workspace, History],
) -> None:
    ws, written = built
    history = load_history(ws)
    assert history.flows == ("flow-0", "flow-1")
    assert history.axis.first_day == date(2026, 3, 1) and history.last_day == date(2026, 4, 4)
    assert history.axis.intervals_per_day[28] == 46  # 29 March
    assert np.array_equal(history.offered, written.offered)
    # One contact in ten is abandoned: the others carry a handle time of 240 s.
    assert history.handled.sum() == pytest.approx(written.offered.sum() - written.offered.sum() // 10, abs=2)
    assert np.allclose(history.handle_s, 240.0 * history.handled)


def test_the_service_forecasts_every_flow_per_interval_with_offsets_and_handle_time(
    built: tuple[Workspace, History],
) -> None:
    ws, written = built
    doc = forecast_workspace(ws, horizon_days=7, start=date(2026, 3, 29)).model_dump(mode="json")
    assert (doc["start"], doc["end"], doc["timezone"], doc["interval_min"]) == (
        "2026-03-29",
        "2026-04-04",
        "Europe/Paris",
        30,
    )
    intervals = doc["intervals"]
    assert len(intervals) == 2 * (46 + 6 * 48)
    assert [r["interval_start"] for r in intervals[3:5]] == [
        "2026-03-29T01:30:00+01:00",
        "2026-03-29T03:00:00+02:00",
    ]
    assert set(intervals[0]) == {"flow", "interval_start", "volume", "aht_s"}
    for flow in doc["flows"]:
        mine = [r for r in intervals if r["flow"] == flow["flow"]]
        days = {d["date"]: 0.0 for d in flow["days"]}
        for r in mine:
            days[r["interval_start"][:10]] += r["volume"]
        assert [round(v, 1) for v in days.values()] == [round(d["contacts"], 1) for d in flow["days"]]
        assert all(r["aht_s"] == pytest.approx(240.0) for r in mine)
        assert flow["history_days"] == 28 and flow["model"] in ("mstl(7)", "ets")
    # Volumes near the truth of the generator: 60 a day on average for flow-0, 75 for flow-1.
    per_day = [f["contacts_per_day"] for f in doc["flows"]]
    truth = [written.offered[k].sum() / 35 for k in (0, 1)]
    assert per_day == pytest.approx(truth, rel=0.2)
    assert doc["backtest"] is None


def test_the_forecast_starts_the_day_after_the_history_by_default(built: tuple[Workspace, History]) -> None:
    ws, _ = built
    doc = forecast_workspace(ws, horizon_days=3).model_dump(mode="json")
    assert doc["start"] == "2026-04-05" and doc["history"] == {
        "start": "2026-03-01",
        "end": "2026-04-04",
        "days": 35,
    }
    assert doc["intervals"][0]["interval_start"] == "2026-04-05T00:00:00+02:00"


def test_the_backtest_reports_errors_and_the_baseline_per_flow(built: tuple[Workspace, History]) -> None:
    ws, _ = built
    doc = forecast_workspace(ws, horizon_days=7, run_backtest=True, windows=1).model_dump(mode="json")
    assert [b["flow"] for b in doc["backtest"]] == ["flow-0", "flow-1"]
    for entry in doc["backtest"]:
        assert entry["windows"] == 1 and entry["horizon_days"] == 7
        assert entry["baseline"]["model"] == "seasonal_naive_7d"
        for level in ("day", "interval"):
            assert 0 < entry[level]["wape"] < 1 and 0 < entry["baseline"][level]["wape"] < 2
        # The window is 29 March to 4 April: 46 + 6 × 48 half-hours.
        assert (entry["day"]["points"], entry["interval"]["points"]) == (7, 46 + 6 * 48)


def test_the_intervals_are_written_as_csv_or_parquet(
    built: tuple[Workspace, History], tmp_path: Path
) -> None:
    ws, _ = built
    doc = forecast_workspace(ws, horizon_days=2)
    csv_table = pacsv.read_csv(write_intervals(doc, tmp_path / "f.csv"))
    parquet_table = pq.read_table(write_intervals(doc, tmp_path / "f.parquet"))
    for table in (csv_table, parquet_table):
        assert table.column_names == ["flow", "interval_start", "volume", "aht_s"]
        assert table.num_rows == len(doc.intervals)
    assert parquet_table.column("interval_start")[0].as_py() == "2026-04-05T00:00:00+02:00"
    with pytest.raises(InputError, match=r"--out.*\.csv or \.parquet"):
        write_intervals(doc, tmp_path / "f.xlsx")


def test_a_workspace_without_history_is_bad_input(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "empty", name="Empty")
    try:
        with pytest.raises(InputError, match="no interactions to forecast from"):
            forecast_workspace(ws)
    finally:
        ws.close()


def test_a_start_before_the_history_or_an_unknown_model_is_bad_input(
    built: tuple[Workspace, History],
) -> None:
    ws, _ = built
    with pytest.raises(InputError, match="--start"):
        forecast_workspace(ws, start=date(2026, 1, 1))
    with pytest.raises(InputError, match="--model"):
        forecast_workspace(ws, model="prophet")


def test_events_are_read_from_a_csv_file(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "events.csv",
        "name,start,end,multiplier,flow",
        [
            "black-friday,2025-11-28,2025-11-28,,",
            "black-friday,2026-11-27,2026-11-27,,",
            "christmas,2026-12-25,2026-12-25,0,sav",
        ],
    )
    bf, bf2, christmas = load_events(path)
    assert (bf.name, bf.start, bf.multiplier, bf.flows) == ("black-friday", date(2025, 11, 28), None, None)
    assert bf2.start == date(2026, 11, 27)
    assert (christmas.multiplier, christmas.flows) == (0.0, frozenset({"sav"}))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "sale,2026-13-01,2026-01-31,1.2,",
            'events.csv, line 3, field start: expected a date YYYY-MM-DD, got "2026-13-01"',
        ),
        (
            "sale,2026-01-31,2026-01-01,1.2,",
            'events.csv, line 3, field end: expected a date ≥ start 2026-01-31, got "2026-01-01"',
        ),
        (
            "sale,2026-01-01,2026-01-31,-2,",
            'events.csv, line 3, field multiplier: expected a number ≥ 0, got "-2"',
        ),
        (
            "sale,2026-01-01,2026-01-31,lots,",
            'events.csv, line 3, field multiplier: expected a number ≥ 0, got "lots"',
        ),
        (",2026-01-01,2026-01-31,1,", "events.csv, line 3, field name: expected an event name"),
    ],
)
def test_a_bad_events_file_names_its_line_and_field(tmp_path: Path, row: str, message: str) -> None:
    path = write_csv(
        tmp_path / "events.csv", "name,start,end,multiplier,flow", ["ok,2026-01-01,2026-01-02,1,", row]
    )
    with pytest.raises(InputError) as caught:
        load_events(path)
    assert str(caught.value).endswith(message)
