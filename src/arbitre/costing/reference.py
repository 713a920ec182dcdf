"""Reference hourly rates by service and location (seed 000), and offers drafted from them.

Before a tender, a client still wants to know what outsourcing a flow might cost. Seed 000 gives a
table of hourly rates — « Comparatif des coûts du BPO par service » — offshore and in Western
Europe; ``reference_rates_seed000.yaml`` holds it with its provenance (where it comes from, the
retrieved text, its caveats). `draft_offer` turns a row into an `Offer` at the midpoint of the
range, priced per productive hour, marked ``draft=True`` with a note that says so, to be replaced
by the provider's bid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from arbitre.domain.channels import Channel
from arbitre.domain.costing import Offer, Pricing, PricingModel, Productivity, Shore, Transition
from arbitre.yamlio import load_model

REFERENCE_SEED000 = Path(__file__).with_name("reference_rates_seed000.yaml")

Column = Literal["offshore", "western_europe"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RateRange(_Strict):
    """EUR an hour, from ``min`` to ``max``."""

    min: Decimal = Field(ge=0)
    max: Decimal = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> RateRange:
        if self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self

    @property
    def midpoint(self) -> Decimal:
        return (self.min + self.max) / 2


class ServiceRates(_Strict):
    label_fr: str
    offshore: RateRange
    western_europe: RateRange

    def column(self, name: Column) -> RateRange:
        return self.offshore if name == "offshore" else self.western_europe


class Provenance(_Strict):
    source: str
    title: str
    publisher: str
    section: str
    retrieved_text: str
    example: str
    nearshore: str
    caveats: str


class ReferenceRates(_Strict):
    """A reference rate table and where it comes from."""

    provenance: Provenance
    services: dict[str, ServiceRates]


@cache
def seed000_rates() -> ReferenceRates:
    """The rate table of seed 000.

    >>> r = seed000_rates().services["customer_service_telesales"]
    >>> r.label_fr, r.offshore.min, r.offshore.max, r.western_europe.midpoint
    ('Service client & télévente', Decimal('4'), Decimal('12'), Decimal('32.5'))
    """
    return load_model(REFERENCE_SEED000, ReferenceRates)


def column_for(shore: Shore) -> Column:
    """The table's column for a location: offshore and nearshore read « offshore » (the seed groups
    North Africa with the cheapest locations), onshore reads « Europe de l'Ouest »."""
    return "western_europe" if shore is Shore.ONSHORE else "offshore"


def draft_offer(
    *,
    service: str,
    shore: Shore | str,
    country: str,
    provider: str,
    site: str,
    channels: Sequence[Channel | str],
    languages: Sequence[str],
    id: str | None = None,
    city: str | None = None,
    column: Column | None = None,
    productivity: Productivity | None = None,
    transition: Transition | None = None,
    hours: dict[str, str] | None = None,
    rates: ReferenceRates | None = None,
) -> Offer:
    """An offer drafted at the midpoint of the reference range for ``service`` and ``shore``.

    Priced per productive hour (the seed's « €/h » read as an hour an agent works for the client),
    ``draft=True``, with notes naming the range and the source. ``column`` overrides the column the
    location reads; ``rates`` another table (the seed's by default).

    >>> o = draft_offer(service="customer_service_telesales", shore="offshore", country="MG",
    ...                 provider="Draft Madagascar", site="Antananarivo", channels=["voice_in"],
    ...                 languages=["fr"])
    >>> o.pricing.model.value, o.pricing.rate, o.draft, o.id
    ('per_productive_hour', Decimal('8'), True, 'draft-draft-madagascar-customer_service_telesales')
    """
    table = rates or seed000_rates()
    if service not in table.services:
        raise ValueError(f"unknown service {service!r}: expected one of {', '.join(sorted(table.services))}")
    where = Shore(shore)
    col = column or column_for(where)
    row = table.services[service]
    span = row.column(col)
    rate = span.midpoint
    notes = (
        f"Draft, not a bid: midpoint of {span.min}–{span.max} EUR/h for « {row.label_fr} » "
        f"({'offshore' if col == 'offshore' else 'Europe de l’Ouest'}) in the reference table of "
        f"{table.provenance.source}, section « {table.provenance.section} ». Replace it with the "
        "provider's bid."
    )
    return Offer(
        id=id or f"draft-{_slug(provider)}-{service}",
        provider=provider,
        site=site,
        shore=where,
        country=country,
        city=city,
        channels=[Channel(c) for c in channels],
        languages=list(languages),
        pricing=Pricing(model=PricingModel.PER_PRODUCTIVE_HOUR, rate=rate),
        productivity=productivity or Productivity(),
        transition=transition or Transition(),
        hours=hours,
        draft=True,
        notes=notes,
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "provider"
