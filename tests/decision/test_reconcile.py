"""Each flow's recommendation from its reasons and the allocation together: the reasons bound the
allocation, and every departure of the plan from the reasons is said, with its figures."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np

from arbitre.decision.allocate import allocate
from arbitre.decision.evidence import Direction, Qualification, Recommendation, Scope
from arbitre.decision.problem import AllocationProblem, Block
from arbitre.decision.reconcile import kept_blocks, may_go_out, verdicts
from arbitre.decision.wording import Text

NOTHING = Scope()


def qualification(
    flow: str, rec: Recommendation, *, scope: Scope = NOTHING, o: float = 0, k: float = 0
) -> Qualification:
    return Qualification(
        flow=flow,
        label=flow,
        reasons=(),
        scores={Direction.OUTSOURCE: o, Direction.KEEP: k, Direction.HYBRID: 0.0},
        recommendation=rec,
        scope=scope,
        summary=Text("", ""),
    )


def problem(
    blocks: tuple[Block, ...], cost: list[list[float]], *, max_share: float = 1.0
) -> AllocationProblem:
    n = len(blocks)
    return AllocationProblem(
        blocks=blocks,
        sites=("internal", "bpo"),
        cost=np.array(cost),
        agents=np.ones((n, 2, 4)),
        capacity=np.full((2, 4), np.inf),
        fixed_cost=np.zeros(2),
        min_contacts_per_flow=np.zeros(2),
        max_share=max_share,
    )


SAV = (
    Block("sav", "day", None, 4000.0),
    Block("sav", "evening", None, 1000.0),
    Block("sav", "weekend", None, 800.0),
)


def test_the_reasons_say_which_blocks_may_go_out() -> None:
    evenings = qualification("sav", Recommendation.HYBRID, scope=Scope(bands=("evening",)))
    assert [may_go_out(evenings, b) for b in SAV] == [False, True, False]
    assert kept_blocks({"sav": evenings}, SAV) == frozenset({0, 2})
    assert kept_blocks({"sav": qualification("sav", Recommendation.KEEP)}, SAV) == frozenset({0, 1, 2})
    assert kept_blocks({"sav": qualification("sav", Recommendation.OUTSOURCE)}, SAV) == frozenset()
    english = qualification("intl", Recommendation.HYBRID, scope=Scope(languages=("en",)))
    assert may_go_out(english, Block("intl", "day", "en", 100.0))
    assert not may_go_out(english, Block("intl", "day", "fr", 100.0))


def test_work_that_cannot_be_split_by_band_follows_the_stronger_of_its_reasons() -> None:
    mails = Block("mails", "all", None, 5000.0)
    split = Scope(bands=("evening", "weekend"), outside_hours=True)
    leaning_out = qualification("mails", Recommendation.HYBRID, scope=split, o=5, k=1)
    leaning_in = qualification("mails", Recommendation.HYBRID, scope=split, o=3, k=2)
    assert may_go_out(leaning_out, mails) and not may_go_out(leaning_in, mails)


def test_the_allocation_keeps_in_house_what_the_reasons_keep_and_says_what_that_costs() -> None:
    # The provider is cheaper on every block; the reasons send only the evenings out.
    p = problem(SAV, [[10_000.0, 6_000.0], [3_000.0, 1_500.0], [2_500.0, 1_200.0]])
    q = {"sav": qualification("sav", Recommendation.HYBRID, scope=Scope(bands=("evening",)))}
    bound = replace(p, keep_blocks=kept_blocks(q, p.blocks))
    plan = allocate(bound)
    cheapest = allocate(p)
    assert plan.assignment == ("internal", "bpo", "internal")
    assert cheapest.assignment == ("bpo", "bpo", "bpo")
    (v,) = verdicts(bound, plan.assignment, cheapest.assignment, q).values()
    assert v.recommendation == v.qualification == "hybrid" and v.follows
    # Day and weekend kept by the reasons: 4,000 + 1,300 € a month more than the lowest cost.
    assert v.reasons_cost_per_month == Decimal("5300.0")
    assert v.why_en is not None and "€5,300 a month more than the lowest-cost allocation" in v.why_en
    assert v.why_fr is not None and "5\u202f300\u00a0€ par mois de plus" in v.why_fr


def test_a_part_the_reasons_let_go_that_the_plan_keeps_is_explained_with_its_figures() -> None:
    # The reasons would outsource all of it; in-house is cheaper for the evening.
    p = problem(SAV, [[10_000.0, 6_000.0], [1_000.0, 1_500.0], [2_500.0, 1_200.0]])
    q = {"sav": qualification("sav", Recommendation.OUTSOURCE)}
    plan = allocate(p)
    assert plan.assignment == ("bpo", "internal", "bpo")
    (v,) = verdicts(p, plan.assignment, plan.assignment, q).values()
    assert v.recommendation == "hybrid" and v.qualification == "outsource" and not v.follows
    assert v.why_en == (
        "The allocation keeps in-house what the reasons would let go — the block sav (evening): "
        "€1,000 a month in-house, €1,500 at bpo, the cheapest"
    )
    assert v.why_fr is not None and v.why_fr.startswith("L'allocation garde en interne")


def test_a_split_deferred_work_cannot_follow_is_said_with_the_scores() -> None:
    mails = (Block("mails", "all", None, 5000.0),)
    p = problem(mails, [[20_000.0, 9_000.0]])
    scope = Scope(bands=("evening", "weekend"))
    q = {"mails": qualification("mails", Recommendation.HYBRID, scope=scope, o=5, k=1)}
    plan = allocate(p)
    (v,) = verdicts(p, plan.assignment, None, q).values()
    assert v.recommendation == "outsource" and not v.follows
    assert v.why_en is not None and "cannot be split by hour band" in v.why_en
    assert "a score of 5 against 1 to keep" in v.why_en
    assert v.why_fr is not None and "score 5 contre 1 pour garder" in v.why_fr


def test_a_limit_of_the_frame_that_keeps_a_cheaper_block_in_is_named() -> None:
    # Two flows; the provider may take at most half the contacts: the bigger evening stays in.
    blocks = (Block("a", "day", None, 1000.0), Block("b", "day", None, 1000.0))
    p = problem(blocks, [[5_000.0, 1_000.0], [4_000.0, 2_000.0]], max_share=0.5)
    q = {f: qualification(f, Recommendation.OUTSOURCE) for f in ("a", "b")}
    plan = allocate(p)
    assert plan.assignment == ("bpo", "internal")
    b = verdicts(p, plan.assignment, plan.assignment, q)["b"]
    assert b.why_en is not None and "bpo would take it for €2,000 a month against €4,000 in-house" in b.why_en
    assert "at most 50% of the contacts per provider" in b.why_en
