"""What the qualification of a flow reads (`FlowEvidence`) and what it answers (`Reason`, `Qualification`).

The decision service gathers the evidence from the workspace — the mapping (volumes, hours,
peaks, languages), the KPIs of the last months (service level, abandonment), the costing engine
(cost per contact in-house and at the best offer), the settings (channels and languages covered)
and `decision.yaml` (the `FlowProfile`: what only people know of a flow) — and hands it to
`arbitre.decision.qualify.qualify`, which returns reasons that quote it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from arbitre.decision import wording
from arbitre.decision.wording import Kind, Text
from arbitre.domain.channels import Channel
from arbitre.domain.costing import FlowProfile
from arbitre.errors import InputError
from arbitre.staffing.workforce import BANDS


class Direction(StrEnum):
    """Where a reason points."""

    OUTSOURCE = "outsource"  # the whole flow to a provider
    KEEP = "keep"  # the whole flow in-house
    HYBRID = "hybrid"  # part of it (some bands, some languages, the overflow) to a provider
    NEUTRAL = "neutral"  # a grid criterion assessed that sits between the two columns of the grid


class Logic(StrEnum):
    """Which part of the method a reason comes from (seeds 003 and 004)."""

    ECONOMIC = "economic"  # seed 003: hours, peaks, large scripted volumes (and the price gap)
    COMPETENCE = "competence"  # seed 003: languages, pointed expertise, sensitive missions
    KEEP_IN_HOUSE = "keep_in_house"  # seed 003: unique know-how, volume too small or too uncertain
    GRID = "grid"  # seed 004: the six criteria


class Recommendation(StrEnum):
    KEEP = "keep"
    OUTSOURCE = "outsource"
    HYBRID = "hybrid"


Budget = Literal["constrained", "comfortable"]


@dataclass(frozen=True, kw_only=True)
class FlowEvidence:
    """Everything the qualification of one flow reads, as measured over the reference period.

    Shares are fractions (0.41, not 41). ``band_shares`` gives the share of contacts in each hour
    band of `arbitre.staffing.workforce.BANDS` (a missing band is 0; ``day`` defaults to what the
    others leave); ``evening_start`` is the start of the evening band (`HourBands.evening`), quoted
    in the reasons. Peak ratios are the busiest interval, day and month over the average one;
    ``peak_days`` are weekday keys (``mon``…) or ISO dates, ``peak_months`` month numbers (1–12).
    ``languages`` gives the share of contacts per language code; ``team_languages`` the languages
    the in-house team masters. ``inhouse_cost_per_contact`` and ``offer_cost_per_contact`` come
    from the costing engine (the best offer, ``best_offer``; None when there is none yet): the
    offer's price is what the flow adds to its invoice per contact, at the flow's real mix of
    bands and languages, for the ``offer_covers`` share of the contacts it takes; when its minimum
    monthly fee would make the price of a contract for this flow alone, ``offer_minimum`` is that
    fee and ``offer_standalone_per_contact`` that price. ``offer_savings_share`` is 1 − offer ÷
    in-house when given, else computed from the two costs. ``outside_hours_per_month`` counts the
    contacts arriving while the flow is closed.
    ``company_channels`` and ``company_languages`` count what the company as a whole covers;
    ``seven_days`` says whether demand comes every day of the week. ``forecast_error`` is the
    relative error of the monthly forecast over its backtest (None: not measured).
    """

    flow: str
    label: str
    channel: Channel
    contacts_per_month: float
    aht_s: float
    outside_hours_share: float
    band_shares: Mapping[str, float]
    peak_ratio_interval: float = 1.0
    peak_ratio_day: float = 1.0
    peak_ratio_month: float = 1.0
    peak_days: tuple[str, ...] = ()
    peak_months: tuple[int, ...] = ()
    languages: Mapping[str, float] = field(default_factory=lambda: {"fr": 1.0})
    team_languages: frozenset[str] = frozenset({"fr"})
    service_level: float | None = None
    service_level_target: float | None = None
    abandon_rate: float | None = None
    inhouse_cost_per_contact: Decimal | None = None
    offer_cost_per_contact: Decimal | None = None
    offer_savings_share: float | None = None
    best_offer: str | None = None
    offer_covers: float = 1.0
    offer_minimum: Decimal | None = None
    offer_standalone_per_contact: Decimal | None = None
    outside_hours_per_month: float | None = None
    company_channels: int = 1
    company_languages: int = 1
    seven_days: bool = False
    profile: FlowProfile = field(default_factory=FlowProfile)
    budget: Budget = "constrained"
    forecast_error: float | None = None
    evening_start: str = "19:00"
    currency: str = "EUR"

    def __post_init__(self) -> None:
        where = f"flows.{self.flow}"
        _at_least(self.contacts_per_month, 0.0, f"{where}.contacts_per_month")
        _at_least(self.aht_s, 0.0, f"{where}.aht_s")
        for name in ("outside_hours_share", "service_level", "service_level_target", "abandon_rate"):
            value = getattr(self, name)
            if value is not None:
                _share(value, f"{where}.{name}")
        for name in ("peak_ratio_interval", "peak_ratio_day", "peak_ratio_month"):
            _at_least(getattr(self, name), 1.0, f"{where}.{name}")
        unknown = sorted(set(self.band_shares) - set(BANDS))
        if unknown:
            raise InputError(
                field=f"{where}.band_shares", expected=f"bands among {list(BANDS)}", got=unknown[0]
            )
        for band, value in self.band_shares.items():
            _share(value, f"{where}.band_shares.{band}")
        if sum(self.band_shares.values()) > 1 + 1e-6:
            raise InputError(
                field=f"{where}.band_shares",
                expected="shares summing to at most 1",
                got=sum(self.band_shares.values()),
            )
        for lang, value in self.languages.items():
            _share(value, f"{where}.languages.{lang}")
        if sum(self.languages.values()) > 1 + 1e-6:
            raise InputError(
                field=f"{where}.languages",
                expected="shares summing to at most 1",
                got=sum(self.languages.values()),
            )
        bad_months = [m for m in self.peak_months if not 1 <= m <= 12]
        if bad_months:
            raise InputError(field=f"{where}.peak_months", expected="month numbers 1–12", got=bad_months[0])
        for name in ("company_channels", "company_languages"):
            if getattr(self, name) < 1:
                raise InputError(field=f"{where}.{name}", expected="at least 1", got=getattr(self, name))
        if self.forecast_error is not None:
            _at_least(self.forecast_error, 0.0, f"{where}.forecast_error")

    def band_share(self, band: str) -> float:
        """Share of contacts in ``band``; the day band takes what the others leave when not given."""
        if band == "day" and "day" not in self.band_shares:
            return max(0.0, 1.0 - sum(v for k, v in self.band_shares.items() if k != "day"))
        return float(self.band_shares.get(band, 0.0))

    @property
    def savings_share(self) -> float | None:
        """Share of the in-house cost per contact the best offer saves (negative: it costs more)."""
        if self.offer_savings_share is not None:
            return self.offer_savings_share
        if self.offer_cost_per_contact is None or not self.inhouse_cost_per_contact:
            return None
        return float(1 - self.offer_cost_per_contact / self.inhouse_cost_per_contact)

    @property
    def workload_h(self) -> float:
        """Hours of handling a month: contacts × mean handle time."""
        return self.contacts_per_month * self.aht_s / 3600.0


def _share(value: float, field_: str) -> None:
    if not 0.0 <= value <= 1.0:
        raise InputError(field=field_, expected="a fraction between 0 and 1", got=value)


def _at_least(value: float, low: float, field_: str) -> None:
    if not value >= low:  # also rejects NaN
        raise InputError(field=field_, expected=f"a number ≥ {low:g}", got=value)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One measured or declared fact a reason rests on, and how to write it.

    >>> e = Evidence("evening_share", 0.41, Kind.SHARE)
    >>> e.text("fr") == "41\u202f%", e.text("en")
    (True, '41%')
    """

    name: str
    value: float | int | Decimal | str | bool
    kind: Kind
    currency: str = "EUR"

    def text(self, lang: str) -> str:
        """The value as the reason's sentence in ``lang`` quotes it."""
        v = self.value
        if self.kind is Kind.SHARE:
            return wording.pct(float(v), lang)
        if self.kind is Kind.COUNT:
            return wording.count(float(v), lang)
        if self.kind is Kind.NUMBER:
            return str(int(v))
        if self.kind is Kind.HOURS:
            return wording.hours(float(v), lang)
        if self.kind is Kind.DURATION:
            return wording.duration(float(v))
        if self.kind is Kind.MONEY:
            amount = v if isinstance(v, Decimal) else Decimal(str(v))
            return wording.money(amount, lang, currency=self.currency, digits=2 if abs(amount) < 1000 else 0)
        if self.kind is Kind.RATIO:
            return wording.ratio(float(v), lang)
        if self.kind is Kind.LEVEL:
            level = wording.LEVELS[str(v)]
            return level.fr if lang == "fr" else level.en
        if self.kind is Kind.FLAG:
            return ("oui" if v else "non") if lang == "fr" else ("yes" if v else "no")
        return str(v)

    @property
    def numeric(self) -> bool:
        """Whether the value is a number (a sentence must quote it)."""
        return self.kind in (
            Kind.SHARE,
            Kind.COUNT,
            Kind.NUMBER,
            Kind.HOURS,
            Kind.DURATION,
            Kind.MONEY,
            Kind.RATIO,
        )


@dataclass(frozen=True, slots=True)
class Scope:
    """The part of a flow a hybrid arrangement hands to a provider."""

    bands: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    overflow: bool = False  # the peaks above what the in-house team is staffed for
    outside_hours: bool = False  # the demand outside the in-house opening hours

    def __or__(self, other: Scope) -> Scope:
        return Scope(
            bands=tuple(b for b in BANDS if b in self.bands or b in other.bands),
            languages=tuple(dict.fromkeys(self.languages + other.languages)),
            overflow=self.overflow or other.overflow,
            outside_hours=self.outside_hours or other.outside_hours,
        )

    @property
    def empty(self) -> bool:
        return not (self.bands or self.languages or self.overflow or self.outside_hours)

    def describe(self) -> Text:
        """Words for the scope: ``"le soir et le week-end, ainsi que les contacts en anglais"``.

        >>> print(Scope(bands=("evening", "weekend"), languages=("en",)).describe().en)
        evenings and weekends, as well as contacts in English
        """
        fr: list[str] = []
        en: list[str] = []
        if self.bands:
            fr.append(wording.enumerate_words([_BANDS_WITH_ARTICLE[b].fr for b in self.bands], "fr"))
            en.append(wording.enumerate_words([_BANDS_WITH_ARTICLE[b].en for b in self.bands], "en"))
        if self.outside_hours:
            fr.append("les heures hors ouverture")
            en.append("the hours outside opening")
        if self.languages:
            fr.append(
                "les contacts en "
                + wording.enumerate_words([wording.language(code).fr for code in self.languages], "fr")
            )
            en.append(
                "contacts in "
                + wording.enumerate_words([wording.language(code).en for code in self.languages], "en")
            )
        if self.overflow:
            fr.append("le débordement aux pics")
            en.append("the overflow at peaks")
        return Text(_join(fr, ", ainsi que "), _join(en, ", as well as "))


_BANDS_WITH_ARTICLE = {
    "day": Text("la journée", "daytime"),
    "evening": Text("le soir", "evenings"),
    "night": Text("la nuit", "nights"),
    "weekend": Text("le week-end", "weekends"),
}


def _join(parts: list[str], last: str) -> str:
    """Parts of a scope, each already a list: ``a, b, as well as c``."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + last + parts[-1]


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason of a qualification, with the evidence it quotes in both languages.

    ``criterion`` names what is assessed (``hours``, ``peaks``, ``languages``… and the six of the
    grid: ``volume``, ``complexity``, ``cx_differentiator``, ``budget``, ``channels``,
    ``maturity``); ``code`` the rule that fired (``unsociable_hours``…); ``weight`` how much it
    counts towards ``direction``; ``scope`` what a hybrid would hand over when the reason concerns
    only part of the flow.
    """

    code: str
    criterion: str
    logic: Logic
    direction: Direction
    weight: float
    evidence: tuple[Evidence, ...]
    fr: str
    en: str
    scope: Scope = Scope()


@dataclass(frozen=True, slots=True)
class Qualification:
    """The qualification of one flow: its reasons, a score per direction, a recommendation.

    ``scores`` sums the weights of the reasons pointing to each of ``outsource``, ``keep`` and
    ``hybrid``; ``scope`` is what goes to a provider under a hybrid recommendation (empty
    otherwise); ``summary`` says the recommendation in a sentence.
    """

    flow: str
    label: str
    reasons: tuple[Reason, ...]
    scores: Mapping[Direction, float]
    recommendation: Recommendation
    scope: Scope
    summary: Text

    def by_criterion(self, criterion: str) -> tuple[Reason, ...]:
        """The reasons that assess ``criterion``."""
        return tuple(r for r in self.reasons if r.criterion == criterion)
