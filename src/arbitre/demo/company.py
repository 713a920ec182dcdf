"""The demo company as data: Azalée Maison, a French online home-goods retailer.

Azalée Maison sells linen, tableware, decoration and small furniture online across France, and
ships to Belgium, Spain, Germany and the United Kingdom. Its customer service is in-house in Lyon
(site ``internal``) except the English, Spanish and German support, already handled by a
multilingual provider in Barcelona (site ``linguaserv:barcelona``). About 1.5 million contacts a
year over eight flows and every channel; the figures below are the demand of an ordinary year,
the calendar (`arbitre.demo.calendar`) moves them by day.

Units: volumes are contacts per year at scale 1 (repeat contacts included), times in seconds,
hours in Europe/Paris local time, aligned on the half hour (the workspace's interval).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from arbitre.demo.calendar import DemandKind, HolidayCalendar
from arbitre.domain import Channel, FlowSettings, WorkspaceSettings

COMPANY_NAME = "Azalée Maison"
TIMEZONE = "Europe/Paris"

Profile = Literal["voice", "chat", "social", "email", "backoffice", "outbound"]


@dataclass(frozen=True, slots=True)
class Site:
    """Who handles contacts: the company itself or a provider's site.

    ``agent_prefix`` (with ``agent_digits``) and ``contact_format`` (``year`` and a sequence
    number ``seq`` per year) shape the raw identifiers of its systems: the import pseudonymises
    agents, and contact ids are unique per site.
    """

    id: str
    label: str
    holidays: HolidayCalendar
    agent_prefix: str
    agent_digits: int
    contact_format: str


SITES: dict[str, Site] = {
    "internal": Site("internal", "Service client Azalée Maison, Lyon", "fr", "FR", 4, "AZ-{year}-{seq:07d}"),
    "linguaserv:barcelona": Site(
        "linguaserv:barcelona",
        "LinguaServ, Barcelone",
        "es-barcelona",
        "BCN",
        3,
        "LS-BCN-{year}-{seq:08d}",
    ),
}


@dataclass(frozen=True, slots=True)
class HandleTime:
    """Handling components of an answered contact, in seconds.

    Talk (or handling, for written work) and wrap-up are lognormal with the given mean and
    coefficient of variation; hold happens on a share of contacts, exponential when it does.
    """

    talk_mean_s: float
    talk_cv: float
    wrap_mean_s: float
    wrap_cv: float = 0.5
    hold_share: float = 0.0
    hold_mean_s: float = 0.0

    @property
    def mean_s(self) -> float:
        """Expected handle time talk + hold + wrap (the AHT a planner would use)."""
        return self.talk_mean_s + self.hold_share * self.hold_mean_s + self.wrap_mean_s


@dataclass(frozen=True, slots=True)
class Staffing:
    """How the company staffs a flow, per half hour of its opening hours.

    - ``sl`` of contacts answered within ``threshold_s`` is the target the plan is sized for
      (Erlang A with the flow's patience for live channels; deferred work is sized so the day's
      backlog is cleared at ``occupancy``).
    - ``cap_quantile``: the headcount budget is this quantile of the year's requirement, so the
      highest peaks (Black Friday, the first days of the sales) are under-staffed;
      ``peak_boost`` raises the cap on reinforced days (temporary staff).
    - ``lunch_factor``: share of the requirement present from 12:00 to 14:00 (staggered lunches).
    - ``minimum``: agents always present while open.
    """

    threshold_s: float
    sl: float
    cap_quantile: float = 0.9
    peak_boost: float = 1.15
    lunch_factor: float = 0.8
    occupancy: float = 0.85
    minimum: int = 1


@dataclass(frozen=True, slots=True)
class DemoFlow:
    """One flow of the demo company and everything the generator needs to simulate it.

    - ``annual_volume``: contacts per year at scale 1, repeats included.
    - ``season``: the demand kinds that drive the flow and their weights (sum 1).
    - ``weekday_factors``: relative volume Monday…Sunday.
    - ``profile``: intraday shape (``arbitre.demo.arrivals.INTRADAY``).
    - ``patience_mean_s``: mean of the exponential patience; ``math.inf`` for deferred work.
    - ``fcr``: share of answered contacts that close the issue; the others come back.
    - ``callback_share``: share of callers who hear the closed message and call back when open.
    - ``reach_rate``: outbound only, share of attempts that reach the customer.
    - ``closed_message_s``: live channels only, how long a contact outside opening hours lasts
      (the recorded message, the offline chat banner) before it ends, as a uniform range.
    """

    id: str
    label: str
    channel: Channel
    site: str
    opening_hours: tuple[tuple[str, str], ...]
    languages: tuple[tuple[str, float], ...]
    annual_volume: int
    season: tuple[tuple[DemandKind, float], ...]
    weekday_factors: tuple[float, float, float, float, float, float, float]
    profile: Profile
    handle: HandleTime
    staffing: Staffing
    reasons: tuple[tuple[str, float], ...]
    patience_mean_s: float = math.inf
    slots_per_agent: int = 1
    fcr: float = 0.8
    callback_share: float = 0.0
    reach_rate: float | None = None
    closed_message_s: tuple[float, float] | None = None
    survey_share: float = 0.15
    qa_share: float = 0.02
    transcript_share: float = 0.0

    @property
    def hours(self) -> dict[str, str]:
        return dict(self.opening_hours)

    @property
    def live(self) -> bool:
        """Answered while the customer waits: a contact outside opening hours is lost."""
        return self.channel in (Channel.VOICE_IN, Channel.CHAT)


_WEEK_VOICE = (1.25, 1.1, 1.05, 1.0, 1.0, 0.7, 0.35)
_SAV_REASONS = (
    ("suivi de commande", 0.27),
    ("retard de livraison", 0.14),
    ("retour produit", 0.14),
    ("remboursement", 0.12),
    ("produit défectueux", 0.1),
    ("modification de commande", 0.06),
    ("facturation", 0.05),
    ("garantie", 0.04),
    ("compte client", 0.04),
    ("annulation de commande", 0.04),
)

FLOWS: tuple[DemoFlow, ...] = (
    DemoFlow(
        id="sav-voice-fr",
        label="Service après-vente par téléphone",
        channel=Channel.VOICE_IN,
        site="internal",
        opening_hours=(("mon-fri", "08:30-19:00"), ("sat", "09:00-17:00"), ("sun", "closed")),
        languages=(("fr", 1.0),),
        annual_volume=500_000,
        season=(("service", 1.0),),
        weekday_factors=_WEEK_VOICE,
        profile="voice",
        handle=HandleTime(330, 1.15, 45, hold_share=0.18, hold_mean_s=60),
        staffing=Staffing(threshold_s=20, sl=0.8),
        reasons=_SAV_REASONS,
        patience_mean_s=120,
        fcr=0.76,
        callback_share=0.5,
        closed_message_s=(15, 40),
        survey_share=0.12,
    ),
    DemoFlow(
        id="orders-voice-fr",
        label="Commandes par téléphone",
        channel=Channel.VOICE_IN,
        site="internal",
        opening_hours=(("mon-sat", "09:00-19:00"), ("sun", "closed")),
        languages=(("fr", 1.0),),
        annual_volume=200_000,
        season=(("orders", 1.0),),
        weekday_factors=(1.15, 1.05, 1.0, 1.0, 1.05, 0.8, 0.4),
        profile="voice",
        handle=HandleTime(240, 1.15, 30, hold_share=0.1, hold_mean_s=45),
        staffing=Staffing(threshold_s=20, sl=0.8),
        reasons=(
            ("prise de commande", 0.55),
            ("disponibilité produit", 0.15),
            ("conseil produit", 0.14),
            ("modification de commande", 0.08),
            ("moyen de paiement", 0.08),
        ),
        patience_mean_s=150,
        fcr=0.85,
        callback_share=0.45,
        closed_message_s=(15, 40),
        survey_share=0.1,
    ),
    DemoFlow(
        id="sav-email-fr",
        label="Service après-vente par e-mail",
        channel=Channel.EMAIL,
        site="internal",
        opening_hours=(("mon-fri", "08:00-18:00"), ("sat", "09:00-13:00"), ("sun", "closed")),
        languages=(("fr", 1.0),),
        annual_volume=250_000,
        season=(("service", 1.0),),
        weekday_factors=(1.3, 1.1, 1.0, 1.0, 0.95, 0.75, 0.7),
        profile="email",
        handle=HandleTime(330, 0.9, 20),
        staffing=Staffing(threshold_s=86_400, sl=0.8, cap_quantile=0.85, occupancy=0.85),
        reasons=(*_SAV_REASONS[:8], ("réclamation", 0.06), ("modification d'adresse", 0.02)),
        fcr=0.72,
        survey_share=0.18,
        transcript_share=0.008,
    ),
    DemoFlow(
        id="sav-chat-fr",
        label="Chat conseil et service client",
        channel=Channel.CHAT,
        site="internal",
        opening_hours=(("mon-fri", "09:00-20:00"), ("sat", "10:00-18:00"), ("sun", "closed")),
        languages=(("fr", 1.0),),
        annual_volume=200_000,
        season=(("orders", 0.5), ("service", 0.5)),
        weekday_factors=(1.1, 1.05, 1.0, 1.0, 0.95, 0.9, 0.85),
        profile="chat",
        handle=HandleTime(600, 1.05, 30),
        staffing=Staffing(threshold_s=60, sl=0.8),
        reasons=(
            ("conseil produit", 0.25),
            ("suivi de commande", 0.25),
            ("code promo", 0.12),
            ("disponibilité produit", 0.12),
            ("retour produit", 0.12),
            ("livraison", 0.14),
        ),
        patience_mean_s=180,
        slots_per_agent=2,
        fcr=0.8,
        callback_share=0.3,
        closed_message_s=(5, 45),
        survey_share=0.2,
        transcript_share=0.015,
    ),
    DemoFlow(
        id="social-fr",
        label="Réseaux sociaux",
        channel=Channel.SOCIAL,
        site="internal",
        opening_hours=(("mon-fri", "09:00-20:00"), ("sat", "10:00-18:00"), ("sun", "closed")),
        languages=(("fr", 1.0),),
        annual_volume=60_000,
        season=(("service", 0.6), ("orders", 0.4)),
        weekday_factors=(1.1, 1.0, 1.0, 1.0, 1.0, 0.95, 0.95),
        profile="social",
        handle=HandleTime(240, 0.8, 20),
        staffing=Staffing(threshold_s=3600, sl=0.8, occupancy=0.8),
        reasons=(
            ("réclamation publique", 0.3),
            ("suivi de commande", 0.3),
            ("avis produit", 0.15),
            ("question sur une promotion", 0.15),
            ("retour produit", 0.1),
        ),
        fcr=0.74,
        survey_share=0.1,
        transcript_share=0.02,
    ),
    DemoFlow(
        id="claims-backoffice",
        label="Litiges et réclamations (back-office)",
        channel=Channel.BACKOFFICE,
        site="internal",
        opening_hours=(("mon-fri", "08:30-17:30"), ("sat-sun", "closed")),
        languages=(("fr", 1.0),),
        annual_volume=80_000,
        season=(("returns", 1.0),),
        weekday_factors=(1.2, 1.1, 1.05, 1.0, 1.0, 0.3, 0.15),
        profile="backoffice",
        handle=HandleTime(720, 0.8, 60),
        staffing=Staffing(threshold_s=86_400, sl=0.8, cap_quantile=0.85),
        reasons=(
            ("litige transporteur", 0.25),
            ("colis endommagé", 0.2),
            ("colis perdu", 0.15),
            ("remboursement", 0.15),
            ("rétrofacturation bancaire", 0.05),
            ("geste commercial", 0.1),
            ("produit non conforme", 0.1),
        ),
        fcr=0.72,
        survey_share=0.1,
        qa_share=0.03,
    ),
    DemoFlow(
        id="winback-outbound",
        label="Campagne de reconquête (appels sortants)",
        channel=Channel.VOICE_OUT,
        site="internal",
        # Consumer calling hours of the French rules on telephone canvassing (weekdays only).
        opening_hours=(("mon-fri", "10:00-13:00, 14:00-20:00"), ("sat-sun", "closed")),
        languages=(("fr", 1.0),),
        annual_volume=150_000,
        season=(("outbound", 1.0),),
        weekday_factors=(1.0, 1.0, 1.0, 1.0, 0.9, 0.0, 0.0),
        profile="outbound",
        handle=HandleTime(200, 0.8, 40),
        # Outbound does not queue: sized on dialling work, no service-level target.
        staffing=Staffing(threshold_s=0, sl=0.0, cap_quantile=1.0, lunch_factor=1.0),
        reasons=(("reconquête client", 0.8), ("relance offre fidélité", 0.2)),
        fcr=0.85,
        reach_rate=0.35,
        survey_share=0.0,
    ),
    DemoFlow(
        id="support-intl",
        label="Support international (anglais, espagnol, allemand)",
        channel=Channel.VOICE_IN,
        site="linguaserv:barcelona",
        opening_hours=(("mon-fri", "08:00-20:00"), ("sat", "09:00-17:00"), ("sun", "closed")),
        languages=(("en", 0.45), ("es", 0.3), ("de", 0.25)),
        annual_volume=60_000,
        season=(("service", 0.5), ("orders", 0.5)),
        weekday_factors=_WEEK_VOICE,
        profile="voice",
        handle=HandleTime(420, 1.15, 50, hold_share=0.2, hold_mean_s=60),
        staffing=Staffing(threshold_s=20, sl=0.8, cap_quantile=0.97, lunch_factor=0.9, minimum=2),
        reasons=(
            ("suivi de commande", 0.3),
            ("retard de livraison", 0.15),
            ("retour produit", 0.2),
            ("remboursement", 0.15),
            ("droits de douane", 0.1),
            ("produit défectueux", 0.1),
        ),
        patience_mean_s=150,
        fcr=0.78,
        callback_share=0.4,
        closed_message_s=(15, 40),
        survey_share=0.12,
    ),
)

FLOW_BY_ID: dict[str, DemoFlow] = {f.id: f for f in FLOWS}


def demo_settings() -> WorkspaceSettings:
    """The workspace settings of the demo company: Europe/Paris, euros, half-hour intervals,
    and each flow's label, channel, opening hours and languages.

    >>> s = demo_settings()
    >>> s.hours_of("sav-voice-fr").describe()["sat"]
    '09:00-17:00'
    """
    return WorkspaceSettings(
        name=COMPANY_NAME,
        timezone=TIMEZONE,
        currency="EUR",
        interval_min=30,
        opening_hours={"mon-fri": "08:30-19:00", "sat": "09:00-17:00", "sun": "closed"},
        flows={
            f.id: FlowSettings(
                label=f.label,
                channel=f.channel,
                opening_hours=f.hours,
                languages=[lang for lang, _ in f.languages],
            )
            for f in FLOWS
        },
    )
