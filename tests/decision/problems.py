"""Random allocation problems of the size the decision must solve (issue 4: 50 flows × 4 bands ×
languages, 336 weekly half-hours, 5 sites), built from a seed: a company with fifty flows, an
in-house team sized for its daytime demand, and four offers (onshore, two nearshore, offshore)."""

from __future__ import annotations

import numpy as np

from arbitre.decision import AllocationProblem, Block
from arbitre.domain.settings import HourBands
from arbitre.staffing.workforce import BANDS

INTERVALS = 336  # half-hours of a week, Monday 00:00 first
WEEKS_PER_MONTH = 52 / 12
OCCUPANCY = 0.85
# In-house price of a 5-minute contact by band: premiums for evenings, nights and weekends.
INTERNAL_RATE = {"day": 3.2, "evening": 4.0, "night": 4.8, "weekend": 4.2}
# The in-house team of today, as a share of the agents the in-house plan would need: sized for
# the daytime, thinner in the evening and at the weekend, a skeleton at night.
INTERNAL_COVER = {"day": 1.0, "evening": 0.5, "night": 0.25, "weekend": 0.5}
# Providers' band premiums, lower than in-house ones (round-the-clock teams).
OFFER_PREMIUM = {"day": 0.0, "evening": 0.05, "night": 0.15, "weekend": 0.10}
# Offers: id, price against in-house daytime, languages, works nights, handle-time factor,
# agents on line at once, fixed monthly cost (fee and governance), smallest flow it takes.
OFFERS = (
    ("fr-onshore", 0.95, {"fr", "en", "de"}, True, 1.00, 80.0, 6_000.0, 500.0),
    ("ma-nearshore", 0.72, {"fr", "en"}, False, 1.08, 70.0, 5_000.0, 1_000.0),
    ("mg-offshore", 0.55, {"fr"}, True, 1.15, 60.0, 4_000.0, 2_000.0),
    ("pt-nearshore", 0.78, {"fr", "en", "de"}, False, 1.05, 40.0, 3_000.0, 800.0),
)


def band_of_interval() -> np.ndarray:
    masks = HourBands().minute_masks()
    starts = np.arange(INTERVALS) * 30
    out = np.zeros(INTERVALS, dtype=np.int64)
    for i, name in enumerate(BANDS):
        out[masks[name][starts]] = i
    return out


def random_problem(
    rng: np.random.Generator,
    *,
    flows: int = 50,
    keep: int = 5,
    max_share: float = 0.4,
    capacity_scale: float = 1.0,
) -> AllocationProblem:
    """A random problem; ``capacity_scale`` multiplies the offers' capacities."""
    band = band_of_interval()
    hour = (np.arange(INTERVALS) % 48) / 2
    sites = ("internal", *(o[0] for o in OFFERS))
    blocks: list[Block] = []
    cost_rows: list[list[float]] = []
    agent_rows: list[np.ndarray] = []
    for f in range(flows):
        contacts = float(np.clip(rng.lognormal(np.log(4_000), 0.9), 300, 40_000))
        aht_s = float(rng.uniform(180, 720))
        langs: dict[str | None, float]
        kind = rng.random()
        if kind < 0.7:
            langs = {None: 1.0}
        elif kind < 0.9:
            langs = {"fr": 0.8, "en": 0.2}
        else:
            langs = {"fr": 0.7, "en": 0.2, "de": 0.1}
        shares = rng.dirichlet([14, 2.5, 0.6, 3])
        # complex flows cost providers more (training, longer handling): in-house competes there
        complexity = rng.random()
        hard_skill = rng.random() < 0.2  # a skill the offshore site lacks
        # each flow its own day: a main hump in the morning or early afternoon, a second later
        peak = rng.uniform(9.5, 14.5)
        shape = (
            0.3
            + np.exp(-(((hour - peak) / rng.uniform(2, 4)) ** 2))
            + rng.uniform(0.2, 0.8) * np.exp(-(((hour - peak - rng.uniform(3, 6)) / 2) ** 2))
        )
        for b, name in enumerate(BANDS):
            weights = shape * (band == b)
            weights = weights / weights.sum()
            for lang, lang_share in langs.items():
                c = contacts * shares[b] * lang_share
                erlangs = c / WEEKS_PER_MONTH * weights * aht_s / 1800
                blocks.append(Block(f"flow{f:02d}", name, lang, c))
                row = [c * INTERNAL_RATE[name] * aht_s / 300]
                agents = [erlangs / OCCUPANCY]
                for _, factor, speaks, nights, aht_factor, *_ in OFFERS:
                    ok = (lang is None or lang in speaks) and (nights or name != "night")
                    ok = ok and not (hard_skill and factor < 0.6)
                    price = INTERNAL_RATE["day"] * factor * (1 + OFFER_PREMIUM[name]) * (1 + 0.6 * complexity)
                    noise = rng.uniform(0.95, 1.05)
                    row.append(c * price * aht_factor * aht_s / 300 * noise if ok else np.inf)
                    agents.append(erlangs * aht_factor * (1 + 0.3 * complexity) / OCCUPANCY)
                cost_rows.append(row)
                agent_rows.append(np.stack(agents))
    agents_all = np.stack(agent_rows)
    cover = np.array([INTERNAL_COVER[name] for name in BANDS])[band]
    internal = cover * agents_all[:, 0, :].sum(axis=0) + 1.0
    offers = [np.full(INTERVALS, o[5] * capacity_scale) for o in OFFERS]
    flow_ids = list(dict.fromkeys(b.flow for b in blocks))
    totals = {fl: sum(b.contacts_per_month for b in blocks if b.flow == fl) for fl in flow_ids}
    kept = frozenset(sorted(flow_ids, key=lambda fl: totals[fl])[:keep])  # the smallest flows
    return AllocationProblem(
        blocks=tuple(blocks),
        sites=sites,
        cost=np.array(cost_rows),
        agents=agents_all,
        capacity=np.vstack([internal, *offers]),
        fixed_cost=np.array([0.0, *(o[6] for o in OFFERS)]),
        min_contacts_per_flow=np.array([0.0, *(o[7] for o in OFFERS)]),
        max_share=max_share,
        keep_in_house=kept,
    )
