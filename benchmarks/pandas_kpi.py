"""The default KPIs of docs/specs/interactions.md by flow × day, in plain pandas: the benchmark's reference.

Written the way an analyst would write it, from the spec and not from the engine: read the
records, convert the arrivals to Paris time, derive the facts of each contact as columns, find
repeats by sorting each customer's contacts on a flow and looking at the next one, then one
groupby with the sums and means, and the ratios. The thresholds are the spec's defaults, typed
here again rather than taken from the engine's rules, so that the two sides stay independent.

>>> df = read_csv("interactions.csv")  # doctest: +SKIP
>>> kpis_by_flow_day(df)[0]["service_level"]  # doctest: +SKIP
0.81
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

TZ = "Europe/Paris"
# docs/specs/interactions.md, "Default KPI definitions".
THRESHOLD_S = {"voice_in": 20.0, "chat": 60.0, "social": 3600.0, "email": 86400.0, "backoffice": 86400.0}
SHORT_ABANDON_S = 5.0
REPEAT_WINDOW_S = 7 * 86400.0
KPI_NAMES = (
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "service_level",
    "abandon_rate",
    "asa_s",
    "aht_s",
    "fcr",
    "repeat_rate_7d",
    "csat",
    "csat_mean",
    "nps",
    "qa_score",
)
COLUMNS = [
    "contact_id",
    "flow",
    "channel",
    "arrived_at",
    "answered_at",
    "ended_at",
    "abandoned",
    "talk_s",
    "hold_s",
    "wrap_s",
    "customer_id",
    "resolved",
    "csat",
    "nps",
    "qa_score",
]
TIMESTAMPS = ["arrived_at", "answered_at", "ended_at"]


def read_parquet(files: Sequence[Path | str]) -> pd.DataFrame:
    """The columns the KPIs need from the store's Parquet files (timestamps in UTC)."""
    return pd.concat([pd.read_parquet(f, columns=COLUMNS) for f in files], ignore_index=True)


def read_csv(path: Path | str) -> pd.DataFrame:
    """The columns the KPIs need from a canonical interaction CSV (timestamps with offsets → UTC).

    Optional columns the file does not have are read as empty.
    """
    df = pd.read_csv(path, usecols=lambda c: c in COLUMNS, dtype={"contact_id": str, "customer_id": str})
    df = df.reindex(columns=COLUMNS)
    for column in TIMESTAMPS:
        df[column] = pd.to_datetime(df[column], utc=True, format="ISO8601")
    return df


def kpis_by_flow_day(df: pd.DataFrame, *, tz: str = TZ) -> list[dict[str, Any]]:
    """One dict per flow and day (in ``tz``): ``flow``, ``day`` (``2025-03-30``) and every KPI.

    A KPI without data in its group is None. Adds working columns to ``df``.
    """
    df["day"] = df["arrived_at"].dt.tz_convert(tz).dt.normalize()
    df["abandoned"] = df["abandoned"].astype(bool)
    df["answered"] = ~df["abandoned"] & df["answered_at"].notna()

    # wait_s: to the answer when answered, to the customer leaving when abandoned.
    to_answer = (df["answered_at"] - df["arrived_at"]).dt.total_seconds()
    to_leaving = (df["ended_at"] - df["arrived_at"]).dt.total_seconds()
    df["wait_s"] = to_answer.where(df["answered"], to_leaving.where(df["abandoned"]))
    df["handle_s"] = df["talk_s"] + df["hold_s"] + df["wrap_s"]  # NaN unless all three are known

    # Outbound calls do not queue: they take no part in the waiting KPIs.
    df["queued"] = df["channel"] != "voice_out"
    threshold = df["channel"].map(THRESHOLD_S)
    df["short_abandon"] = df["abandoned"] & (df["wait_s"] < SHORT_ABANDON_S)
    df["in_sl"] = df["queued"] & df["answered"] & (df["wait_s"] <= threshold)
    df["sl_base"] = df["queued"] & ~df["short_abandon"]
    df["abandon_real"] = df["queued"] & df["abandoned"] & ~df["short_abandon"]
    df["asa_wait"] = df["wait_s"].where(df["queued"] & df["answered"])
    df["aht_handle"] = df["handle_s"].where(df["answered"])
    df["fcr_resolved"] = df["resolved"].astype(float).where(df["answered"])

    # Repeat within 7 days: another contact of the same customer on the same flow at the same
    # instant or up to 7 days later (a tie is a repeat for both contacts).
    known = df.loc[df["customer_id"].notna(), ["customer_id", "flow", "arrived_at", "contact_id"]]
    known = known.sort_values(["customer_id", "flow", "arrived_at", "contact_id"])
    grouped = known.groupby(["customer_id", "flow"])["arrived_at"]
    gap = (grouped.shift(-1) - known["arrived_at"]).dt.total_seconds()
    tie = grouped.shift(1) == known["arrived_at"]
    df["repeat"] = ((gap <= REPEAT_WINDOW_S) | tie).astype(
        float
    )  # aligned on the index; NaN without customer
    df["repeat"] = df["repeat"].where(df["answered"])

    df["csat_top"] = (df["csat"] >= 4).astype(float).where(df["csat"].notna())
    df["nps_net"] = ((df["nps"] >= 9).astype(float) - (df["nps"] <= 6).astype(float)).where(df["nps"].notna())

    out = df.groupby(["flow", "day"]).agg(
        offered=("channel", "size"),
        answered=("answered", "sum"),
        abandoned=("abandoned", "sum"),
        short_abandoned=("short_abandon", "sum"),
        queued=("queued", "sum"),
        in_sl=("in_sl", "sum"),
        sl_base=("sl_base", "sum"),
        abandon_real=("abandon_real", "sum"),
        asa_s=("asa_wait", "mean"),
        aht_s=("aht_handle", "mean"),
        fcr=("fcr_resolved", "mean"),
        repeat_rate_7d=("repeat", "mean"),
        csat=("csat_top", "mean"),
        csat_mean=("csat", "mean"),
        nps=("nps_net", "mean"),
        qa_score=("qa_score", "mean"),
    )
    has_base = (out["queued"] > 0) & (out["sl_base"] > 0)
    out["service_level"] = (out["in_sl"] / out["sl_base"]).where(has_base)
    out["abandon_rate"] = (out["abandon_real"] / out["sl_base"]).where(has_base)
    out["nps"] = out["nps"] * 100
    out = out.reset_index()
    out["day"] = out["day"].dt.strftime("%Y-%m-%d")
    return [_record(r) for r in out[["flow", "day", *KPI_NAMES]].to_dict("records")]


def _record(row: dict[str, Any]) -> dict[str, Any]:
    """Counts as int, ratios as float, NaN as None: the shape `compute_kpis` returns."""
    out: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, float | np.floating) and math.isnan(v):
            out[k] = None
        elif isinstance(v, np.integer):
            out[k] = int(v)
        elif isinstance(v, np.floating):
            out[k] = float(v)
        else:
            out[k] = v
    return out
