"""The workload of a flow over a reference period: what costing and the decision price.

Built by the decision service from the store (the last twelve months of history, interval by
interval) and handed to the pure engines: contacts and handle time per interval, the hour band
and whether the in-house site is open, language shares, and what the history says of patience
and contact rate. Requirements (agents per interval) are computed from it by
`arbitre.staffing.requirement` — for the in-house team with its targets, for a provider with its
productivity — never from yearly averages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.domain.channels import Channel
from arbitre.domain.targets import StaffingTargets
from arbitre.staffing.workforce import BANDS


@dataclass(frozen=True)
class FlowWorkload:
    """One flow over the reference period (arrays have one value per interval).

    ``band`` indexes `arbitre.staffing.workforce.BANDS` (day, evening, night, weekend);
    ``in_scope`` marks the intervals whose demand the decision covers (the service hours: the
    flow's opening hours unless the decision extends them); ``months`` is the length of the period
    in months (to bring totals to a month).
    """

    flow: str
    channel: Channel
    interval_s: float
    start_s: IntArray  # epoch second of each interval's start
    band: IntArray
    open_: BoolArray  # the in-house site's opening hours
    in_scope: BoolArray
    volume: FloatArray
    aht_s: FloatArray
    talk_s: FloatArray  # mean talk seconds per handled contact (telecom minutes)
    targets: StaffingTargets
    months: float
    languages: dict[str, float] = field(default_factory=dict)  # share of contacts per language
    patience_s: float | None = None
    contact_rate: float | None = None

    def __post_init__(self) -> None:
        n = self.volume.shape
        for name in ("start_s", "band", "open_", "in_scope", "aht_s", "talk_s"):
            if getattr(self, name).shape != n:
                raise ValueError(
                    f"{name} must have one value per interval ({n[0]}), got {getattr(self, name).shape}"
                )
        if self.months <= 0:
            raise ValueError("months must be > 0")

    @property
    def contacts(self) -> float:
        return float(self.volume[self.in_scope].sum())

    def contacts_by_band(self) -> dict[str, float]:
        sums = np.bincount(self.band[self.in_scope], weights=self.volume[self.in_scope], minlength=len(BANDS))
        return {b: float(sums[i]) for i, b in enumerate(BANDS)}

    def only(self, mask: BoolArray) -> FlowWorkload:
        """The same flow with only the intervals of ``mask`` in scope (a band, a split)."""
        return FlowWorkload(
            flow=self.flow,
            channel=self.channel,
            interval_s=self.interval_s,
            start_s=self.start_s,
            band=self.band,
            open_=self.open_,
            in_scope=self.in_scope & mask,
            volume=self.volume,
            aht_s=self.aht_s,
            talk_s=self.talk_s,
            targets=self.targets,
            months=self.months,
            languages=self.languages,
            patience_s=self.patience_s,
            contact_rate=self.contact_rate,
        )

    def language(self, lang: str) -> FlowWorkload:
        """The contacts of one language (a queue of their own: agents who speak it)."""
        share = self.languages.get(lang, 0.0)
        return FlowWorkload(
            flow=self.flow,
            channel=self.channel,
            interval_s=self.interval_s,
            start_s=self.start_s,
            band=self.band,
            open_=self.open_,
            in_scope=self.in_scope,
            volume=self.volume * share,
            aht_s=self.aht_s,
            talk_s=self.talk_s,
            targets=self.targets,
            months=self.months,
            languages={lang: 1.0},
            patience_s=self.patience_s,
            contact_rate=self.contact_rate,
        )
