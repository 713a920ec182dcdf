"""The workload of a flow over a reference period: what costing and the decision price.

Built by the decision service from the store (the last twelve months of history, interval by
interval) and handed to the pure engines: contacts and handle time per interval, the hour band
and when the flow is served, language shares, and what the history says of patience and contact
rate. Requirements (agents per interval) are computed from it by
`arbitre.staffing.requirement` — for the in-house team with its targets, for a provider with its
productivity — never from yearly averages.

All the work, once: every contact of the history is in ``volume``. Deferred work (e-mail,
back-office, social messages) arriving while the flow is closed is handled at the next opening —
it is workload, in scope, and the backlog plan carries it to the opening against a deadline
counted in opening hours. A call or a chat arriving while closed cannot wait for the opening: it
is unserved demand, out of scope, reported with its volume and hours (`WorkloadCount`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.domain.channels import Channel
from arbitre.domain.targets import StaffingTargets
from arbitre.staffing.workforce import BANDS

Treatment = Literal["deferred", "unserved"]


class WorkloadCount(BaseModel):
    """What the decision counts of a flow, per average month, and what it leaves out and why.

    ``contacts_per_month`` is the workload priced: every contact for deferred work, the calls and
    chats arriving within the service hours for real-time channels. ``arriving_closed_per_month``
    are the contacts arriving while the flow is not served: ``treatment`` ``deferred`` (counted,
    handled at the next opening: ``waiting_at_opening`` contacts wait at an opening on average)
    or ``unserved`` (not counted: ``unserved_by_band`` says when they come).
    """

    model_config = ConfigDict(frozen=True)

    flow: str
    channel: Channel
    contacts_per_month: float
    arriving_open_per_month: float
    arriving_closed_per_month: float
    treatment: Treatment | None
    waiting_at_opening: float | None
    unserved_per_month: float
    unserved_by_band: dict[str, float]


@dataclass(frozen=True)
class FlowWorkload:
    """One flow over the reference period (arrays have one value per interval).

    ``band`` indexes `arbitre.staffing.workforce.BANDS` (day, evening, night, weekend);
    ``open_`` marks the intervals in which the flow is served (its service hours: the opening
    hours unless the decision changes them) — the in-house team works then; ``in_scope`` the
    intervals whose arrivals are workload (`scope_of`): the service hours for calls and chats,
    every interval for deferred work; ``months`` is the length of the period in months (to bring
    totals to a month).
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
    hours: dict[str, str] = field(default_factory=dict)  # the service hours, as in settings (for people)

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

    def count(self) -> WorkloadCount:
        """What is counted, per average month: the workload, and the contacts arriving while closed."""
        m = self.months
        closed = ~self.open_
        treatment: Treatment | None = None
        if self.channel is not Channel.VOICE_OUT:
            treatment = "unserved" if self.channel.realtime else "deferred"
        unserved = self.volume * ~self.in_scope
        by_band = np.bincount(self.band, weights=unserved, minlength=len(BANDS))
        waiting = None
        if treatment == "deferred":
            # Openings: an open interval after a closed one (the first interval counts if open).
            openings = int(np.sum(self.open_ & np.concatenate(([True], closed[:-1]))))
            waiting = float((self.volume * closed).sum() / openings) if openings else None
        return WorkloadCount(
            flow=self.flow,
            channel=self.channel,
            contacts_per_month=self.contacts / m,
            arriving_open_per_month=float((self.volume * self.open_).sum()) / m,
            arriving_closed_per_month=float((self.volume * closed).sum()) / m,
            treatment=treatment,
            waiting_at_opening=waiting,
            unserved_per_month=float(unserved.sum()) / m,
            unserved_by_band={b: float(by_band[i]) / m for i, b in enumerate(BANDS)},
        )

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
            hours=self.hours,
        )

    @property
    def realtime(self) -> bool:
        """Calls and chats: answered while the customer waits (sized per interval, by band)."""
        return self.channel.realtime

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
            hours=self.hours,
        )


def scope_of(channel: Channel, served: BoolArray) -> BoolArray:
    """The intervals whose arrivals are workload: the served ones for calls, chats and outbound
    calls (nobody answers a call while closed), all of them for deferred work (it waits for the
    next opening).

    >>> scope_of(Channel.EMAIL, np.array([True, False])).tolist(), scope_of(Channel.VOICE_IN, np.array([True, False])).tolist()
    ([True, True], [True, False])
    """
    if channel.realtime:
        return np.asarray(served, dtype=bool)
    return np.ones(np.shape(served), dtype=bool)
