"""Each flow's recommendation from its qualification and the allocation together.

1. The qualification of a flow (its reasons, `arbitre.decision.qualify`) says which of its blocks
   may go to a provider: all of them (``outsource``), none (``keep``), or those of its scope
   (``hybrid``: some hour bands, some languages). The others are kept in-house: constraints of the
   allocation (`kept_blocks`).
2. The allocation finds the cheapest plan within them (the recommended plan); a second one without
   them (the lowest cost, reasons aside) prices what the reasons cost.
3. Each flow's verdict (`verdicts`) is the plan's recommendation and, where it departs from the
   qualification, why — with the figures: a part the reasons would send out that the plan keeps
   in-house (in-house is cheaper, no offer takes it, or a limit of the frame binds), a split the
   reasons ask for that the blocks cannot make (deferred work is one queue: what arrives in the
   evening is worked the next morning). Where the lowest-cost plan differs, the verdict says what
   following the reasons costs a month.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np
from pydantic import BaseModel, ConfigDict

from arbitre.decision import wording
from arbitre.decision.blocks import ALL
from arbitre.decision.evidence import Direction, Qualification, Recommendation
from arbitre.decision.plan import block_name, flow_allocation
from arbitre.decision.problem import AllocationProblem, Block
from arbitre.decision.program import INTERNAL
from arbitre.decision.thresholds import MOVE_MARGIN
from arbitre.decision.wording import Text


class Verdict(BaseModel):
    """The recommendation of one flow and how it follows from its reasons and the allocation.

    ``recommendation`` is the recommended plan's (keep, outsource, hybrid); ``qualification`` what
    the reasons alone say; ``follows`` whether the two agree; ``why`` (French and English) explains
    any departure with its figures, and what the reasons cost where the lowest-cost plan differs
    (``reasons_cost_per_month``, positive: following them costs that much more a month).
    """

    model_config = ConfigDict(frozen=True)

    flow: str
    recommendation: str
    qualification: str
    follows: bool
    why_fr: str | None
    why_en: str | None
    reasons_cost_per_month: Decimal | None


def may_go_out(q: Qualification, block: Block) -> bool:
    """Whether the qualification lets ``block`` go to a provider.

    A hybrid's scope names hour bands and languages; a block of deferred work or of an outbound
    campaign spans every band (``all``) and cannot follow a split by hour band: it then follows the
    stronger of the reasons to outsource and to keep (`MOVE_MARGIN`, as `qualify.recommend`).
    """
    if q.recommendation is Recommendation.OUTSOURCE:
        return True
    if q.recommendation is Recommendation.KEEP:
        return False
    scope = q.scope
    if block.language is not None and block.language in scope.languages:
        return True
    if block.band in scope.bands:
        return True
    if block.band == ALL and (scope.bands or scope.outside_hours):
        return _lean_out(q)
    return False


def _lean_out(q: Qualification) -> bool:
    o = q.scores.get(Direction.OUTSOURCE, 0.0)
    k = q.scores.get(Direction.KEEP, 0.0)
    return o - k >= MOVE_MARGIN


def kept_blocks(qualifications: Mapping[str, Qualification], blocks: Sequence[Block]) -> frozenset[int]:
    """The blocks the reasons keep in-house (by index), for `AllocationProblem.keep_blocks`."""
    return frozenset(
        i
        for i, b in enumerate(blocks)
        if b.flow in qualifications and not may_go_out(qualifications[b.flow], b)
    )


def verdicts(
    problem: AllocationProblem,
    plan: Sequence[str],
    cheapest: Sequence[str] | None,
    qualifications: Mapping[str, Qualification],
    *,
    currency: str = "EUR",
) -> dict[str, Verdict]:
    """Each flow's verdict from the recommended ``plan`` and the lowest-cost plan ``cheapest``
    (the site of each block of ``problem``)."""
    index = {s: i for i, s in enumerate(problem.sites)}
    site = np.array([index[s] for s in plan], dtype=np.int64)
    low = np.array([index[s] for s in cheapest], dtype=np.int64) if cheapest is not None else None
    per_block = problem.cost[np.arange(len(site)), site] if len(site) else np.zeros(0)
    out = {}
    for flow in problem.flows:
        q = qualifications.get(flow)
        fa = flow_allocation(problem, flow, site, per_block)
        idx = [i for i, b in enumerate(problem.blocks) if b.flow == flow]
        if q is None:
            out[flow] = Verdict(
                flow=flow,
                recommendation=fa.recommendation.value,
                qualification=fa.recommendation.value,
                follows=True,
                why_fr=None,
                why_en=None,
                reasons_cost_per_month=None,
            )
            continue
        parts: list[Text] = []
        if flow in problem.keep_in_house:
            if q.recommendation is not Recommendation.KEEP:
                parts.append(
                    Text(
                        "le cadre de la décision (decision.yaml) garde ce flux en interne, quelles que "
                        "soient les raisons",
                        "the decision frame (decision.yaml) keeps this flow in-house, whatever the reasons",
                    )
                )
        else:
            split = _unsplittable(problem, q, idx)
            if split is not None:
                parts.append(split)
            kept = [i for i in idx if site[i] == INTERNAL and may_go_out(q, problem.blocks[i])]
            if kept and q.recommendation is not Recommendation.KEEP:
                parts.append(_kept(problem, kept, currency))
        extra = None
        if low is not None and any(low[i] != site[i] for i in idx):
            here = float(problem.cost[idx, site[idx]].sum())
            there = float(problem.cost[idx, low[idx]].sum())
            extra = Decimal(str(round(here - there, 2)))
            if here > there:
                parts.append(
                    _price_of_reasons(
                        problem, [i for i in idx if low[i] != site[i]], low, here - there, currency
                    )
                )
        follows = fa.recommendation is q.recommendation
        why = _join(parts)
        out[flow] = Verdict(
            flow=flow,
            recommendation=fa.recommendation.value,
            qualification=q.recommendation.value,
            follows=follows,
            why_fr=None if why is None else why.fr,
            why_en=None if why is None else why.en,
            reasons_cost_per_month=extra,
        )
    return out


def _unsplittable(problem: AllocationProblem, q: Qualification, idx: list[int]) -> Text | None:
    """The split a hybrid asks for, on a flow whose blocks span every hour band."""
    if q.recommendation is not Recommendation.HYBRID:
        return None
    whole = [i for i in idx if problem.blocks[i].band == ALL]
    if not whole or not (q.scope.bands or q.scope.outside_hours):
        return None
    o = q.scores.get(Direction.OUTSOURCE, 0.0)
    k = q.scores.get(Direction.KEEP, 0.0)
    scope = q.scope.describe()
    out = _lean_out(q)
    side = Text(
        f"les raisons d'externaliser (score {_score(o, 'fr')} contre {_score(k, 'fr')} pour garder)",
        f"the reasons to outsource (a score of {_score(o, 'en')} against {_score(k, 'en')} to keep)",
    )
    if not out:
        side = Text(
            f"les raisons de garder (score {_score(k, 'fr')} contre {_score(o, 'fr')} pour externaliser)",
            f"the reasons to keep (a score of {_score(k, 'en')} against {_score(o, 'en')} to outsource)",
        )
    return Text(
        f"les raisons proposent un partage ({scope.fr}) ; mais ce travail est une seule file — ce qui "
        "arrive le soir ou le week-end est traité à l'ouverture suivante — qui ne se partage pas par "
        f"tranche horaire : le flux entier suit {side.fr}",
        f"the reasons propose a split ({scope.en}); but this work is one queue — what arrives in the "
        "evening or at the weekend is worked at the next opening — that cannot be split by hour band: "
        f"the whole flow follows {side.en}",
    )


def _kept(problem: AllocationProblem, kept: list[int], currency: str) -> Text:
    """Why the plan keeps in-house blocks the reasons would let go."""
    fr: list[str] = []
    en: list[str] = []
    eligible = np.isfinite(problem.cost)
    for i in kept:
        name = block_name(problem.blocks[i])
        inside = _money(problem.cost[i, INTERNAL], currency)
        offers = [s for s in range(1, len(problem.sites)) if eligible[i, s]]
        if not offers:
            fr.append(f"{name.fr} : aucune offre ne le prend")
            en.append(f"{name.en}: no offer takes it")
            continue
        best = min(offers, key=lambda s: problem.cost[i, s])
        there = _money(problem.cost[i, best], currency)
        who = problem.sites[best]
        if problem.cost[i, best] >= problem.cost[i, INTERNAL]:
            fr.append(f"{name.fr} : {inside[0]} par mois en interne, {there[0]} chez {who}, la moins chère")
            en.append(f"{name.en}: {inside[1]} a month in-house, {there[1]} at {who}, the cheapest")
        else:
            share = (wording.pct(problem.max_share, "fr"), wording.pct(problem.max_share, "en"))
            fr.append(
                f"{name.fr} : {who} le prendrait pour {there[0]} par mois contre {inside[0]} en interne, "
                f"mais les limites du cadre l'en empêchent (au plus {share[0]} des contacts par "
                "prestataire, capacité des sites, volumes minimaux)"
            )
            en.append(
                f"{name.en}: {who} would take it for {there[1]} a month against {inside[1]} in-house, but "
                f"the frame's limits prevent it (at most {share[1]} of the contacts per provider, site "
                "capacity, minimum volumes)"
            )
    return Text(
        "l'allocation garde en interne ce que les raisons laisseraient partir — " + " ; ".join(fr),
        "the allocation keeps in-house what the reasons would let go — " + "; ".join(en),
    )


def _price_of_reasons(
    problem: AllocationProblem, moved: list[int], low: np.ndarray, extra: float, currency: str
) -> Text:
    where_fr = []
    where_en = []
    for i in moved:
        name = block_name(problem.blocks[i])
        site = problem.sites[int(low[i])]
        where_fr.append(f"{name.fr} {'en interne' if site == 'internal' else 'chez ' + site}")
        where_en.append(f"{name.en} {'in-house' if site == 'internal' else 'at ' + site}")
    cost = _money(extra, currency)
    return Text(
        f"suivre les raisons coûte {cost[0]} par mois de plus que l'allocation la moins chère, qui "
        f"placerait {wording.enumerate_words(where_fr, 'fr')}",
        f"following the reasons costs {cost[1]} a month more than the lowest-cost allocation, which "
        f"would put {wording.enumerate_words(where_en, 'en')}",
    )


def _score(x: float, lang: str) -> str:
    """A score as a whole number when it is one: 6, 6,5 (fr) / 6.5 (en)."""
    text = f"{x:g}"
    return text.replace(".", ",") if lang == "fr" else text


def _money(x: float, currency: str) -> tuple[str, str]:
    value = Decimal(str(round(float(x))))
    return wording.money(value, "fr", currency=currency, digits=0), wording.money(
        value, "en", currency=currency, digits=0
    )


def _join(parts: list[Text]) -> Text | None:
    if not parts:
        return None
    return Text(_capital(" ; ".join(p.fr for p in parts)), _capital("; ".join(p.en for p in parts)))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


__all__ = ["Verdict", "kept_blocks", "may_go_out", "verdicts"]
