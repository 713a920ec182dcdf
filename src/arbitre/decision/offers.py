"""One flow at one offer, as a buyer reads a bid: what it takes, at what price per contact, and why.

An offer may take only part of a flow — some languages, some hour bands — and its price per
contact is computed at the flow's real mix of the blocks it takes (each band and language at its
own volume, premiums included), never at its cheapest rate. A minimum monthly fee (or a fixed
fee) belongs to the provider, not to one flow: the price per contact here is the variable part,
what the flow adds to the invoice; what the flow would pay alone is shown beside it, and when the
minimum is what makes that price, it is said.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from arbitre.costing.money import ZERO, cents, ratio
from arbitre.costing.portfolio import combine_offer
from arbitre.costing.pricing import OfferCost, Refusal
from arbitre.decision import wording
from arbitre.decision.blocks import BLOCKING, PricedBlock, variable_per_month
from arbitre.domain.costing import Offer


class Why(BaseModel):
    """Why an offer does not take (all of) a flow: a code and the figures, written by `why_text`.

    ``code``: ``channel``, ``language``, ``flow`` (it does not bid for it), ``hours`` (its hours
    leave ``got`` calls a month unanswered), ``min_contacts`` and ``capacity`` (``limit`` is the
    offer's, ``got`` the flow's).
    """

    model_config = ConfigDict(frozen=True)

    code: str
    got: str
    limit: str = ""


class Refused(BaseModel):
    """A block of the flow the offer does not take, and why."""

    model_config = ConfigDict(frozen=True)

    band: str
    language: str | None
    contacts_per_month: float
    reasons: list[Why]


class FlowOffer(BaseModel):
    """The flow at one offer.

    ``covers`` is the share of the flow's contacts the offer takes (1.0: all of it); the amounts
    concern the blocks it takes. ``variable_per_contact`` is what those contacts add to the
    provider's invoice, per contact, at their real mix; ``standalone_per_month`` what the provider
    would invoice for them alone, with its fixed fee and minimum; ``minimum_top_up`` what the
    minimum adds to that invoice (positive: the volume earns less than the minimum, which then
    makes the price), and ``minimum_dominates`` says so; ``feasible`` that it takes the whole flow
    with no refusal (volume, capacity).
    """

    model_config = ConfigDict(frozen=True)

    offer: str
    covers: float
    contacts_per_month: float
    variable_per_month: Decimal | None
    variable_per_contact: Decimal | None
    standalone_per_month: Decimal | None
    standalone_per_contact: Decimal | None
    fixed_monthly: Decimal
    minimum_monthly: Decimal | None
    minimum_top_up: Decimal
    fte: Decimal | None
    feasible: bool
    refusals: list[Why]
    not_taken: list[Refused]
    minimum_dominates: bool  # the minimum, not the flow's volume, makes what it would pay alone


def flow_offer(offer: Offer, blocks: Sequence[PricedBlock]) -> FlowOffer:
    """The flow of ``blocks`` (all the blocks of one flow) at ``offer``."""
    total = sum(p.block.contacts_per_month for p in blocks)
    taken = [(p, p.offers.get(offer.id)) for p in blocks]
    parts: list[OfferCost] = [oc for _, oc in taken if oc is not None]
    refused = [
        Refused(
            band=p.block.band,
            language=p.block.language,
            contacts_per_month=round(p.block.contacts_per_month, 1),
            reasons=_why_not(p, offer),
        )
        for p, oc in taken
        if oc is None
    ]
    contacts = sum(p.block.contacts_per_month for p, oc in taken if oc is not None)
    fixed = offer.pricing.fixed_monthly or ZERO
    if not parts:
        return FlowOffer(
            offer=offer.id,
            covers=0.0,
            contacts_per_month=0.0,
            variable_per_month=None,
            variable_per_contact=None,
            standalone_per_month=None,
            standalone_per_contact=None,
            fixed_monthly=fixed,
            minimum_monthly=offer.pricing.minimum_monthly,
            minimum_top_up=ZERO,
            fte=None,
            feasible=False,
            refusals=[],
            not_taken=refused,
            minimum_dominates=False,
        )
    alone = combine_offer(parts)
    top_up = alone.invoice.amount("minimum_commitment")
    variable = sum((variable_per_month(oc) for oc in parts), ZERO)
    per_contact = Decimal(str(contacts))
    return FlowOffer(
        offer=offer.id,
        covers=contacts / total if total > 0 else 0.0,
        contacts_per_month=round(contacts, 1),
        variable_per_month=cents(variable),
        variable_per_contact=ratio(variable, per_contact),
        standalone_per_month=cents(alone.per_month),
        standalone_per_contact=ratio(alone.per_month, per_contact),
        fixed_monthly=fixed,
        minimum_monthly=offer.pricing.minimum_monthly,
        minimum_top_up=top_up,
        fte=alone.fte,
        feasible=not refused and alone.feasible,
        refusals=[_why(r) for r in alone.reasons],
        not_taken=refused,
        minimum_dominates=top_up > 0,
    )


# An offer is "the best" for a flow when it takes at least this share of its contacts.
BEST_MIN_COVER = 0.5


def best_offer(candidates: Sequence[FlowOffer]) -> FlowOffer | None:
    """The offer that takes the flow's contacts at the lowest price per contact: among those that
    take at least half of them (`BEST_MIN_COVER`) and refuse nothing of what they take (volume,
    capacity); None when there is none."""
    eligible = [
        c
        for c in candidates
        if c.covers >= BEST_MIN_COVER and not c.refusals and c.variable_per_contact is not None
    ]
    return min(eligible, key=lambda c: (c.variable_per_contact, -c.covers, c.offer), default=None)


def _why_not(p: PricedBlock, offer: Offer) -> list[Why]:
    """Why the offer does not take a block: its refusals, or the calls its hours leave unanswered."""
    quote = p.quotes.get(offer.id)
    if quote is None:
        return []
    out = [_why(r) for r in quote.reasons if r.reason in BLOCKING]
    if not out and quote.unserved.contacts > 0:
        out.append(Why(code="hours", got=f"{quote.unserved.contacts / quote.months:.0f}"))
    return out


def _why(r: Refusal) -> Why:
    if r.reason in ("min_contacts", "capacity"):
        return Why(code=r.reason, got=r.got.split(" ")[0], limit=r.expected.split(" ")[1])
    return Why(code=r.reason, got=r.got)


def why_text(why: Why, lang: str) -> str:
    """A refusal in words.

    >>> why_text(Why(code="language", got="de"), "fr"), why_text(Why(code="hours", got="12"), "en")
    ('ne répond pas en allemand', 'its hours leave 12 calls a month unanswered')
    """
    fr = lang == "fr"
    if why.code == "language":
        names = [wording.language(c.strip()) for c in why.got.split(",")]
        listed = wording.enumerate_words([n.fr if fr else n.en for n in names], lang)
        return f"ne répond pas en {listed}" if fr else f"does not answer in {listed}"
    if why.code == "channel":
        noun = wording.CHANNEL_NOUNS.get(why.got, wording.Text(why.got, why.got))
        return f"ne traite pas les {noun.fr}" if fr else f"does not take {noun.en}"
    if why.code == "flow":
        return "ne répond pas pour ce flux" if fr else "does not bid for this flow"
    if why.code == "hours":
        n = wording.count(float(why.got), lang)
        return (
            f"ses horaires laissent {n} appels par mois sans réponse"
            if fr
            else f"its hours leave {n} calls a month unanswered"
        )
    if why.code == "min_contacts":
        limit, got = wording.count(float(why.limit), lang), wording.count(float(why.got), lang)
        return (
            f"ne prend que les flux d'au moins {limit} contacts par mois ({got} ici)"
            if fr
            else f"takes flows of {limit} contacts a month or more ({got} here)"
        )
    if why.code == "capacity":
        return (
            f"{why.limit} conseillers au plus ; la pointe en demande {why.got}"
            if fr
            else f"{why.limit} agents at most; the peak needs {why.got}"
        )
    return why.code


__all__ = ["BEST_MIN_COVER", "FlowOffer", "Refused", "Why", "best_offer", "flow_offer", "why_text"]
