"""A year of synthetic interaction records, as a canonical CSV, for the benchmarks.

Vectorised NumPy, written with ``pyarrow.csv`` in chunks: the numbers of every row are drawn at
once (about 100 bytes a row), the text of a chunk is built and written, then dropped, so ten
million rows (about 1.8 GB of CSV) need a few GB of memory, not tens.

What the data looks like (a French e-commerce and telecom customer service, 2025):

- 8 flows over every channel; one flow mixes inbound calls and outbound callbacks, so a group of
  the KPI query holds contacts that queue and contacts that do not;
- 2 sites: ``internal`` and a provider's ``provider-a:lisbon``;
- arrivals over the year in Europe/Paris, weekly and intraday profiles, closed on Sundays for voice
  and chat, around the clock for e-mail, social and back-office (so the missing hour of 30 March and
  the repeated hour of 26 October both hold arrivals); ISO 8601 timestamps with their offset;
- answered, abandoned (some short, some without ``ended_at``, as some sources do not log when the
  customer left) and not yet handled contacts, with waits; talk/hold/wrap with some missing;
- customers with repeat contacts on the same flow within days, some anonymous; csat, nps and QA
  scores on a share of the answered contacts; resolution known on most of them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

TZ = "Europe/Paris"
YEAR = 2025
# Bump when the data changes, so that a kept file of an older generator is not reused.
VERSION = 1

# The canonical columns of docs/specs/interactions.md, in order.
COLUMNS: tuple[str, ...] = (
    "contact_id",
    "flow",
    "channel",
    "site",
    "arrived_at",
    "answered_at",
    "ended_at",
    "abandoned",
    "talk_s",
    "hold_s",
    "wrap_s",
    "language",
    "agent_id",
    "customer_id",
    "reason",
    "resolved",
    "csat",
    "nps",
    "qa_score",
    "transcript",
)

CHANNELS: tuple[str, ...] = ("voice_in", "voice_out", "email", "chat", "social", "backoffice")
SITES: tuple[str, ...] = ("internal", "provider-a:lisbon")
SITE_PREFIX: tuple[str, ...] = ("IN", "PA")
AGENTS_PER_SITE: tuple[int, ...] = (280, 520)


@dataclass(frozen=True)
class ChannelProfile:
    """How contacts of one channel behave; durations in seconds."""

    around_the_clock: bool
    p_abandon: float
    p_unhandled: float  # neither answered nor abandoned (backlog, outbound call not picked up)
    p_no_wait: float  # answered at once
    wait_mean_s: float  # exponential, for the others
    abandon_wait_mean_s: float
    p_abandon_no_end: float  # abandoned without ended_at
    talk_median_s: float
    p_hold: float
    hold_median_s: float
    wrap_median_s: float
    p_anonymous: float


PROFILES: dict[str, ChannelProfile] = {
    "voice_in": ChannelProfile(False, 0.07, 0.0, 0.30, 26.0, 45.0, 0.0, 240.0, 0.35, 45.0, 30.0, 0.08),
    "voice_out": ChannelProfile(False, 0.0, 0.30, 0.0, 12.0, 0.0, 0.0, 150.0, 0.10, 30.0, 25.0, 0.0),
    "email": ChannelProfile(True, 0.0, 0.01, 0.0, 6 * 3600.0, 0.0, 0.0, 200.0, 0.0, 0.0, 40.0, 0.02),
    "chat": ChannelProfile(False, 0.09, 0.0, 0.20, 45.0, 90.0, 0.03, 420.0, 0.0, 0.0, 35.0, 0.25),
    "social": ChannelProfile(True, 0.03, 0.02, 0.0, 1800.0, 7200.0, 0.05, 120.0, 0.0, 0.0, 30.0, 0.40),
    "backoffice": ChannelProfile(True, 0.0, 0.015, 0.0, 18 * 3600.0, 0.0, 0.0, 600.0, 0.0, 0.0, 60.0, 0.0),
}


@dataclass(frozen=True)
class FlowProfile:
    """One business flow: its channels, volume share, language, provider share and reasons."""

    name: str
    channels: tuple[tuple[str, float], ...]
    share: float
    language: str
    provider_share: float
    reasons: tuple[str, ...]


FLOWS: tuple[FlowProfile, ...] = (
    FlowProfile(
        "ventes-voice-fr",
        (("voice_in", 1.0),),
        0.18,
        "fr",
        0.0,
        ("commande", "offre", "eligibilite", "portabilite"),
    ),
    FlowProfile(
        "sav-voice-fr",
        (("voice_in", 0.95), ("voice_out", 0.05)),
        0.30,
        "fr",
        0.6,
        ("livraison", "facturation", "panne", "retour", "resiliation", "mot-de-passe"),
    ),
    FlowProfile(
        "sav-chat-fr", (("chat", 1.0),), 0.14, "fr", 0.5, ("livraison", "facturation", "retour", "compte")
    ),
    FlowProfile(
        "sav-email-fr",
        (("email", 1.0),),
        0.12,
        "fr",
        0.7,
        ("livraison", "facturation", "retour", "reclamation"),
    ),
    FlowProfile("social-fr", (("social", 1.0),), 0.03, "fr", 0.0, ("reclamation", "panne", "information")),
    FlowProfile("recouvrement-out", (("voice_out", 1.0),), 0.06, "fr", 1.0, ("impaye", "echeancier")),
    FlowProfile(
        "backoffice-litiges", (("backoffice", 1.0),), 0.12, "fr", 0.3, ("litige", "remboursement", "geste")
    ),
    FlowProfile(
        "support-voice-en", (("voice_in", 1.0),), 0.05, "en", 1.0, ("delivery", "billing", "returns")
    ),
)

REASONS: tuple[str, ...] = tuple(dict.fromkeys(r for f in FLOWS for r in f.reasons))

P_CSAT, P_NPS, P_QA, P_RESOLVED_KNOWN, P_RESOLVED = 0.12, 0.08, 0.02, 0.85, 0.74
CSAT_P = (0.08, 0.07, 0.13, 0.32, 0.40)
NPS_P = (0.03, 0.02, 0.03, 0.04, 0.05, 0.08, 0.08, 0.15, 0.20, 0.14, 0.18)
P_REPEAT = 0.12  # a contact that follows one of the same customer on the same flow
REPEAT_MEAN_DAYS = 1.5
P_NO_TALK, P_NO_HOLD, P_NO_WRAP = 0.005, 0.02, 0.03
P_NO_REASON, P_NO_LANGUAGE = 0.05, 0.02


def generate(
    rows: int, *, rng: np.random.Generator, abandons_without_end: bool = True
) -> dict[str, np.ndarray]:
    """The numbers of ``rows`` contacts, sorted by arrival (the text comes at writing).

    Times are UTC epoch seconds (int64, 0 where absent); durations integer seconds (-1 where
    absent); codes index `FLOWS`, `CHANNELS`, `SITES`, `REASONS` (-1 where absent).
    ``abandons_without_end=False`` gives every abandoned contact its ``ended_at``.
    """
    per_flow = rng.multinomial(rows, np.array([f.share for f in FLOWS]) / sum(f.share for f in FLOWS))
    days = _days()
    pool = max(1_000, rows // 5)  # about five contacts per customer and year, over all flows
    parts: list[dict[str, np.ndarray]] = []
    for code, (flow, n) in enumerate(zip(FLOWS, per_flow, strict=True)):
        names = [c for c, _ in flow.channels]
        channel = np.array([CHANNELS.index(c) for c in names], dtype=np.int8)[
            rng.choice(len(names), size=n, p=[p for _, p in flow.channels])
        ]
        clock = PROFILES[names[0]].around_the_clock
        arrived = np.sort(_arrivals(n, days=days, around_the_clock=clock, rng=rng))
        customer = rng.integers(0, pool, size=n)
        # Repeats: the customer of an earlier contact of this flow, a day and a half before on average.
        per_day = max(n / len(days), 1.0)
        back = 1 + rng.geometric(min(1.0, 1.0 / (per_day * REPEAT_MEAN_DAYS)), size=n)
        pos = np.arange(n)
        repeat = (rng.random(n) < P_REPEAT) & (pos >= back)
        customer[repeat] = customer[pos[repeat] - back[repeat]]
        reason = np.array([REASONS.index(r) for r in flow.reasons], dtype=np.int16)[
            rng.integers(0, len(flow.reasons), size=n)
        ]
        reason[rng.random(n) < P_NO_REASON] = -1
        language = np.full(n, 0 if flow.language == "fr" else 1, dtype=np.int8)
        language[rng.random(n) < P_NO_LANGUAGE] = -1
        parts.append(
            {
                "flow": np.full(n, code, dtype=np.int8),
                "channel": channel,
                "site": (rng.random(n) < flow.provider_share).astype(np.int8),
                "arrived": arrived,
                "customer": customer,
                "reason": reason,
                "language": language,
            }
        )
    data = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.argsort(data["arrived"], kind="stable")
    data = {k: v[order] for k, v in data.items()}
    data.update(_outcomes(data, rng=rng, abandons_without_end=abandons_without_end))
    # Contact ids: a sequence per site, in order of arrival.
    seq = np.empty(rows, dtype=np.int64)
    for s in range(len(SITES)):
        mask = data["site"] == s
        seq[mask] = np.arange(1, int(mask.sum()) + 1)
    data["seq"] = seq
    return data


def _days() -> np.ndarray:
    """The local dates of the year (datetime64[D])."""
    return np.arange(np.datetime64(f"{YEAR}-01-01"), np.datetime64(f"{YEAR + 1}-01-01"))


def _arrivals(n: int, *, days: np.ndarray, around_the_clock: bool, rng: np.random.Generator) -> np.ndarray:
    """UTC epoch seconds of ``n`` arrivals following weekly, seasonal and intraday profiles."""
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    doy = np.arange(len(days))
    if around_the_clock:
        week = np.array([1.2, 1.1, 1.05, 1.0, 0.95, 0.7, 0.6])
    else:
        week = np.array([1.25, 1.1, 1.05, 1.0, 0.95, 0.55, 0.0])
    season = 1.0 + 0.15 * np.cos(2 * np.pi * (doy - 15) / len(days))
    season += 0.6 * ((days >= np.datetime64(f"{YEAR}-11-28")) & (days <= np.datetime64(f"{YEAR}-12-02")))
    season += 0.25 * ((days > np.datetime64(f"{YEAR}-12-02")) & (days <= np.datetime64(f"{YEAR}-12-24")))
    holidays = np.array(
        [f"{YEAR}-01-01", f"{YEAR}-05-01", f"{YEAR}-07-14", f"{YEAR}-12-25"], dtype="datetime64[D]"
    )
    weights = (
        week[weekday] * season * np.where(np.isin(days, holidays), 0.2 if around_the_clock else 0.0, 1.0)
    )
    day = rng.choice(len(days), size=n, p=weights / weights.sum())
    if around_the_clock:
        hours = np.array(
            [3, 2, 2, 2, 2, 3, 5, 8, 12, 14, 14, 13, 11, 12, 13, 13, 12, 11, 10, 9, 8, 7, 5, 4], float
        )
        hour = rng.choice(24, size=n, p=hours / hours.sum())
    else:
        week_hours = np.zeros(24)
        week_hours[8:20] = [9, 13, 14, 13, 10, 9, 11, 12, 11, 10, 8, 6]
        saturday = np.zeros(24)
        saturday[9:18] = [10, 12, 12, 10, 8, 8, 8, 7, 6]
        hour = np.where(
            weekday[day] == 5,
            rng.choice(24, size=n, p=saturday / saturday.sum()),
            rng.choice(24, size=n, p=week_hours / week_hours.sum()),
        )
    local = days[day].astype("datetime64[s]").astype(np.int64) + hour * 3600 + rng.integers(0, 3600, size=n)
    return to_utc(local, rng=rng)


# --- time zone ---------------------------------------------------------------------------------

_ZONE_START = int(datetime(YEAR - 1, 12, 1, tzinfo=UTC).timestamp())
_ZONE_HOURS = 24 * (366 + 31 + 90)


def _offset_table() -> np.ndarray:
    """UTC offset in seconds of every UTC hour from December before to March after the year."""
    zone = ZoneInfo(TZ)
    start = datetime.fromtimestamp(_ZONE_START, UTC)
    offsets = [(start + timedelta(hours=h)).astimezone(zone).utcoffset() for h in range(_ZONE_HOURS)]
    return np.array([int(o.total_seconds()) if o is not None else 0 for o in offsets], dtype=np.int64)


_OFFSETS = _offset_table()


def utc_offset(utc_s: np.ndarray) -> np.ndarray:
    """Offset of Europe/Paris at each UTC epoch second (its changes fall on whole UTC hours)."""
    hour = (utc_s - _ZONE_START) // 3600
    if hour.size and (hour.min() < 0 or hour.max() >= _ZONE_HOURS):
        raise ValueError("a time outside the generator's years")
    return _OFFSETS[hour]


def to_utc(local_s: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
    """UTC epoch seconds of Paris wall-clock times (epoch seconds of the naive local time).

    A time of the repeated autumn hour is either of its two instants, at random; a time of the
    missing spring hour is read with the winter offset (02:30 becomes 03:30+02:00), as zoneinfo
    does with ``fold=0``.
    """
    candidates = np.unique(_OFFSETS)
    valid = np.stack([utc_offset(local_s - off) == off for off in candidates])
    pick = np.argmax(valid, axis=0)
    ambiguous = valid.sum(axis=0) > 1
    pick[ambiguous] = rng.integers(0, len(candidates), size=int(ambiguous.sum()))
    pick[~valid.any(axis=0)] = int(np.argmin(candidates))  # the gap: winter offset
    return local_s - candidates[pick]


# --- outcomes ----------------------------------------------------------------------------------


def _column(name: str) -> np.ndarray:
    return np.array([getattr(PROFILES[c], name) for c in CHANNELS])


def _lognormal(median: np.ndarray, *, rng: np.random.Generator, sigma: float = 0.6) -> np.ndarray:
    return np.rint(median * rng.lognormal(0.0, sigma, size=median.size)).astype(np.int64)


def _outcomes(
    data: dict[str, np.ndarray], *, rng: np.random.Generator, abandons_without_end: bool
) -> dict[str, np.ndarray]:
    ch = data["channel"].astype(np.intp)
    n = ch.size
    u = rng.random(n)
    abandoned = u < _column("p_abandon")[ch]
    unhandled = ~abandoned & (u < _column("p_abandon")[ch] + _column("p_unhandled")[ch])
    answered = ~abandoned & ~unhandled
    arrived = data["arrived"]

    wait = np.floor(rng.exponential(1.0, size=n) * _column("wait_mean_s")[ch]).astype(np.int64)
    wait[rng.random(n) < _column("p_no_wait")[ch]] = 0
    abandon_wait = np.floor(rng.exponential(1.0, size=n) * _column("abandon_wait_mean_s")[ch]).astype(
        np.int64
    )

    talk = np.maximum(_lognormal(_column("talk_median_s")[ch], rng=rng), 5)
    hold = np.where(
        rng.random(n) < _column("p_hold")[ch], _lognormal(_column("hold_median_s")[ch], rng=rng), 0
    )
    wrap = _lognormal(_column("wrap_median_s")[ch], rng=rng)
    answered_at = np.where(answered, arrived + wait, 0)
    ended_at = np.where(answered, answered_at + talk + hold, np.where(abandoned, arrived + abandon_wait, 0))
    if abandons_without_end:
        ended_at[abandoned & (rng.random(n) < _column("p_abandon_no_end")[ch])] = 0
    talk = np.where(answered & (rng.random(n) >= P_NO_TALK), talk, -1)
    hold = np.where(answered & (rng.random(n) >= P_NO_HOLD), hold, -1)
    wrap = np.where(answered & (rng.random(n) >= P_NO_WRAP), wrap, -1)

    site = data["site"].astype(np.int64)
    first_agent = np.array([0, AGENTS_PER_SITE[0]])[site]
    agent = np.where(
        answered, first_agent + rng.integers(0, 1 << 30, size=n) % np.array(AGENTS_PER_SITE)[site], -1
    )
    customer = np.where(rng.random(n) < _column("p_anonymous")[ch], -1, data["customer"])

    resolved = np.where(
        answered & (rng.random(n) < P_RESOLVED_KNOWN), (rng.random(n) < P_RESOLVED).astype(np.int8), -1
    )
    csat = np.where(answered & (rng.random(n) < P_CSAT), rng.choice(5, size=n, p=CSAT_P) + 1, -1).astype(
        np.int8
    )
    nps = np.where(answered & (rng.random(n) < P_NPS), rng.choice(11, size=n, p=NPS_P), -1).astype(np.int8)
    qa = np.where(
        answered & (rng.random(n) < P_QA), np.round(np.clip(rng.normal(82.0, 9.0, size=n), 0, 100), 1), np.nan
    )
    return {
        "abandoned": abandoned,
        "answered_at": answered_at,
        "ended_at": ended_at,
        "talk": talk,
        "hold": hold,
        "wrap": wrap,
        "agent": agent,
        "customer": customer,
        "resolved": resolved,
        "csat": csat,
        "nps": nps,
        "qa": qa,
    }


# --- text --------------------------------------------------------------------------------------


def _iso(utc_s: np.ndarray, present: np.ndarray) -> pa.Array:
    """ISO 8601 with the Paris offset (``2025-03-30T03:15:00+02:00``); null where not present."""
    offset = utc_offset(np.where(present, utc_s, _ZONE_START))
    local = pa.array(utc_s + offset, pa.int64()).cast(pa.timestamp("s"))
    text = pc.strftime(local, format="%Y-%m-%dT%H:%M:%S")
    signs = pa.array(["+01:00", "+02:00"])
    suffix = signs.take(pa.array(np.where(offset == 7200, 1, 0), mask=~present))
    return pc.binary_join_element_wise(text, suffix, "")


def _ids(
    prefix: pa.Array | str, number: np.ndarray, width: int, present: np.ndarray | None = None
) -> pa.Array:
    digits = pc.utf8_lpad(
        pa.array(number, pa.int64(), mask=None if present is None else ~present).cast(pa.string()), width, "0"
    )
    if isinstance(prefix, str):
        prefix = pa.array([prefix] * len(number), pa.string())
    return pc.binary_join_element_wise(prefix, digits, "")


def _take(values: tuple[str, ...], codes: np.ndarray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(codes.astype(np.int64), mask=codes < 0))


def _ints(values: np.ndarray, kind: pa.DataType) -> pa.Array:
    return pa.array(values, mask=values < 0).cast(kind)


def to_table(data: dict[str, np.ndarray], start: int, stop: int) -> pa.Table:
    """Rows ``start:stop`` as a table of the canonical columns (text, numbers and booleans)."""
    d = {k: v[start:stop] for k, v in data.items()}
    n = stop - start
    agent_names = tuple(f"agt-{i:04d}" for i in range(sum(AGENTS_PER_SITE)))
    columns = {
        "contact_id": _ids(_take(SITE_PREFIX, d["site"]), d["seq"], 10),
        "flow": _take(tuple(f.name for f in FLOWS), d["flow"]),
        "channel": _take(CHANNELS, d["channel"]),
        "site": _take(SITES, d["site"]),
        "arrived_at": _iso(d["arrived"], np.ones(n, dtype=bool)),
        "answered_at": _iso(d["answered_at"], d["answered_at"] > 0),
        "ended_at": _iso(d["ended_at"], d["ended_at"] > 0),
        "abandoned": pa.array(d["abandoned"], pa.bool_()),
        "talk_s": _ints(d["talk"], pa.int32()),
        "hold_s": _ints(d["hold"], pa.int32()),
        "wrap_s": _ints(d["wrap"], pa.int32()),
        "language": _take(("fr", "en"), d["language"]),
        "agent_id": _take(agent_names, d["agent"]),
        "customer_id": _ids("C", d["customer"], 9, d["customer"] >= 0),
        "reason": _take(REASONS, d["reason"]),
        "resolved": pa.array(d["resolved"] == 1, mask=d["resolved"] < 0),
        "csat": _ints(d["csat"], pa.int8()),
        "nps": _ints(d["nps"], pa.int8()),
        "qa_score": pa.array(d["qa"], pa.float64(), from_pandas=True),
        "transcript": pa.nulls(n, pa.string()),
    }
    return pa.table({name: columns[name] for name in COLUMNS})


def write_csv(
    path: Path | str,
    *,
    rows: int,
    seed: int = 7,
    chunk_rows: int = 500_000,
    abandons_without_end: bool = True,
) -> dict[str, float]:
    """Write ``rows`` generated contacts to ``path`` (atomically); return rows, bytes and seconds.

    >>> write_csv("interactions.csv", rows=1_000)  # doctest: +SKIP
    {'rows': 1000, 'bytes': 183456, 'seconds': 0.1}
    """
    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = generate(rows, rng=np.random.default_rng(seed), abandons_without_end=abandons_without_end)
    tmp = path.with_name(path.name + ".tmp")
    options = pacsv.WriteOptions(quoting_style="none", quoting_header="none", batch_size=65_536)
    with pacsv.CSVWriter(tmp, to_table(data, 0, 0).schema, write_options=options) as writer:
        for start in range(0, rows, chunk_rows):
            writer.write_table(to_table(data, start, min(rows, start + chunk_rows)))
    tmp.replace(path)
    return {"rows": rows, "bytes": path.stat().st_size, "seconds": time.perf_counter() - started}
