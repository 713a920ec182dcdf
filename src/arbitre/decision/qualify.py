"""Qualification of one flow: keep it in-house, outsource it, or split it — with reasons.

Step 4 of the method (docs/decision.md). Three sets of rules read the evidence of a flow
(`FlowEvidence`) and each gives reasons that quote it:

- the **economic logic** of seed 003 — hours the team cannot cover profitably (evenings, nights,
  weekends) and demand outside opening hours, recurring peaks too costly to cover, large volumes
  of highly scripted tasks — and the price gap to the best offer;
- the **competence logic** of seed 003 — foreign languages the team lacks, pointed technical
  expertise, sensitive missions outside the core business — and its **keep-in-house rules**:
  unique know-how hard to transfer, volumes too small or too uncertain to interest a provider;
- the **six-criteria grid** of seed 004 — volume, complexity, customer experience as a
  differentiator, budget, channels to cover, operational maturity — every criterion always
  assessed, so a director sees all six.

Each reason points to ``outsource``, ``keep`` or ``hybrid`` (part of the flow: some bands, some
languages, the overflow) with a weight; the scores add the weights per direction and
`recommend` turns them into a recommendation. The rules are in `arbitre.decision.logics` and
`arbitre.decision.grid`, their thresholds in `arbitre.decision.thresholds`.
"""

from __future__ import annotations

from arbitre.decision.evidence import (
    Direction,
    FlowEvidence,
    Qualification,
    Recommendation,
    Scope,
)
from arbitre.decision.grid import CRITERIA
from arbitre.decision.logics import RULES
from arbitre.decision.thresholds import MOVE_MARGIN
from arbitre.decision.wording import Text


def qualify(evidence: FlowEvidence) -> Qualification:
    """Qualify one flow: its reasons, a score per direction and a recommendation.

    Example: a flow of 3,000 calls a month, 41 % of them in the evening, at night or at the
    weekend, is split: evenings and weekends go to a provider.

    >>> from arbitre.domain.channels import Channel
    >>> q = qualify(FlowEvidence(flow="sav", label="SAV", channel=Channel.VOICE_IN,
    ...     contacts_per_month=3_000, aht_s=300, outside_hours_share=0.05,
    ...     band_shares={"evening": 0.20, "night": 0.02, "weekend": 0.19}))
    >>> q.recommendation.value, q.scope.bands
    ('hybrid', ('evening', 'weekend'))
    >>> print(q.reasons[0].en)
    41% of calls arrive after 19:00 or at the weekend (evening 20%, night 2%, weekend 19%): hours paid at a premium in-house that a provider covers with round-the-clock teams
    """
    reasons = tuple(r for rule in RULES if (r := rule(evidence)) is not None) + tuple(
        criterion(evidence) for criterion in CRITERIA
    )
    scores = {
        d: sum(r.weight for r in reasons if r.direction is d)
        for d in (Direction.OUTSOURCE, Direction.KEEP, Direction.HYBRID)
    }
    recommendation = recommend(scores)
    scope = Scope()
    if recommendation is Recommendation.HYBRID:
        for r in reasons:
            if r.direction is Direction.HYBRID:
                scope = scope | r.scope
    return Qualification(
        flow=evidence.flow,
        label=evidence.label,
        reasons=reasons,
        scores=scores,
        recommendation=recommendation,
        scope=scope,
        summary=_summary(recommendation, scope),
    )


def recommend(scores: dict[Direction, float]) -> Recommendation:
    """The recommendation from the scores (O outsource, K keep, H hybrid):

    - outsource the whole flow when the reasons for it alone beat those for keeping it by
      `MOVE_MARGIN` and beat those for a split;
    - otherwise split it when there are reasons for a split and, with the reasons for
      outsourcing, they beat those for keeping it by `MOVE_MARGIN`;
    - otherwise keep it: the status quo costs no transition.

    >>> recommend({Direction.OUTSOURCE: 2, Direction.KEEP: 1, Direction.HYBRID: 3}).value
    'hybrid'
    >>> recommend({Direction.OUTSOURCE: 2, Direction.KEEP: 1, Direction.HYBRID: 0}).value
    'keep'
    """
    o = scores.get(Direction.OUTSOURCE, 0.0)
    k = scores.get(Direction.KEEP, 0.0)
    h = scores.get(Direction.HYBRID, 0.0)
    if o - k >= MOVE_MARGIN and o > h:
        return Recommendation.OUTSOURCE
    if h > 0 and o + h - k >= MOVE_MARGIN:
        return Recommendation.HYBRID
    return Recommendation.KEEP


def _summary(recommendation: Recommendation, scope: Scope) -> Text:
    if recommendation is Recommendation.KEEP:
        return Text("Garder le flux en interne", "Keep the flow in-house")
    if recommendation is Recommendation.OUTSOURCE:
        return Text("Externaliser tout le flux", "Outsource the whole flow")
    what = scope.describe()
    return Text(
        f"Hybride : à un prestataire {what.fr} ; le reste en interne",
        f"Hybrid: to a provider {what.en}; the rest in-house",
    )
