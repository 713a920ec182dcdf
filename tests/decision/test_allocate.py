"""Allocation (docs/decision.md): cases solved by hand, brute force on tiny instances, invariants."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arbitre.decision import Allocation, AllocationProblem, Block, all_in_house_cost, allocate
from arbitre.errors import InputError

INF = np.inf


def problem(
    blocks: list[Block],
    sites: tuple[str, ...],
    cost: list[list[float]],
    *,
    agents: np.ndarray | None = None,
    capacity: np.ndarray | None = None,
    fixed: list[float] | None = None,
    min_contacts: list[float] | None = None,
    max_share: float = 1.0,
    keep: frozenset[str] = frozenset(),
) -> AllocationProblem:
    n_b, n_s = len(blocks), len(sites)
    return AllocationProblem(
        blocks=tuple(blocks),
        sites=sites,
        cost=np.array(cost, dtype=float),
        agents=agents if agents is not None else np.ones((n_b, n_s, 1)),
        capacity=capacity if capacity is not None else np.full((n_s, 1), INF),
        fixed_cost=np.array(fixed if fixed is not None else [0.0] * n_s),
        min_contacts_per_flow=np.array(min_contacts if min_contacts is not None else [0.0] * n_s),
        max_share=max_share,
        keep_in_house=keep,
    )


# --- Cases solved by hand ------------------------------------------------------------------------


def test_the_cheapest_site_wins_each_flow() -> None:
    p = problem(
        [Block("a", "day", None, 1000), Block("b", "day", None, 1000)],
        ("internal", "mg"),
        [[100, 80], [100, 120]],
    )
    a = allocate(p)
    assert a.status == "optimal"
    assert a.assignment == ("mg", "internal")
    assert a.cost == pytest.approx(180)
    assert [f.recommendation for f in a.flows] == ["outsource", "keep"]
    assert a.flow("a").summary.en == "All to mg"
    assert a.flow("b").summary.fr == "Tout en interne"


def test_capacity_forces_a_split_of_a_flow_by_language() -> None:
    # Both languages are cheaper at the provider, but it has 4 agents and each block needs 3 at
    # the same half-hour: the block that saves more (fr, 40) goes, the other (en, 30) stays.
    blocks = [Block("sav", "day", "fr", 1000), Block("sav", "day", "en", 800)]
    agents = np.full((2, 2, 2), 3.0)
    capacity = np.array([[INF, INF], [4.0, 4.0]])
    p = problem(blocks, ("internal", "ma"), [[100, 60], [100, 70]], agents=agents, capacity=capacity)
    a = allocate(p)
    assert a.assignment == ("ma", "internal")
    assert a.cost == pytest.approx(160)
    f = a.flow("sav")
    assert (f.recommendation, f.split) == ("hybrid", "language")
    assert f.contacts_by_site == {"ma": 1000, "internal": 800}
    assert f.summary.en == "Hybrid by language: English in-house; French to ma"
    assert f.summary.fr == "Hybride par langue : anglais en interne ; français chez ma"


def test_capacity_counts_only_the_intervals_where_blocks_overlap() -> None:
    # Same agents as above, but the two blocks need them at different half-hours: both fit.
    blocks = [Block("sav", "day", "fr", 1000), Block("sav", "evening", "fr", 800)]
    agents = np.zeros((2, 2, 2))
    agents[0, :, 0] = 3.0
    agents[1, :, 1] = 3.0
    capacity = np.array([[INF, INF], [4.0, 4.0]])
    a = allocate(
        problem(blocks, ("internal", "ma"), [[100, 60], [100, 70]], agents=agents, capacity=capacity)
    )
    assert a.assignment == ("ma", "ma")
    assert a.flow("sav").recommendation == "outsource"


def test_keep_in_house_is_honoured_even_when_dearer() -> None:
    p = problem(
        [Block("vip", "day", None, 1000), Block("sav", "day", None, 1000)],
        ("internal", "mg"),
        [[100, 10], [100, 10]],
        keep=frozenset({"vip"}),
    )
    a = allocate(p)
    assert a.assignment == ("internal", "mg")
    assert a.cost == pytest.approx(110)
    assert a.flow("vip").recommendation == "keep"


def test_max_share_forces_a_second_provider() -> None:
    # Each flow is half the contacts; no provider may take more than 60 %: one flow each.
    # a→p2, b→p1 costs 60 + 50 = 110, a→p1, b→p2 costs 50 + 65 = 115.
    p = problem(
        [Block("a", "day", None, 1000), Block("b", "day", None, 1000)],
        ("internal", "p1", "p2"),
        [[100, 50, 60], [100, 50, 65]],
        max_share=0.6,
    )
    a = allocate(p)
    assert a.assignment == ("p2", "p1")
    assert a.cost == pytest.approx(110)
    assert a.contacts_by_site == {"internal": 0.0, "p1": 1000.0, "p2": 1000.0}
    unconstrained = allocate(problem(list(p.blocks), p.sites, [[100, 50, 60], [100, 50, 65]]))
    assert unconstrained.assignment == ("p1", "p1")


def test_the_max_share_does_not_limit_the_in_house_team() -> None:
    p = problem(
        [Block("a", "day", None, 1000), Block("b", "day", None, 1000)],
        ("internal", "p1"),
        [[10, 50], [10, 50]],
        max_share=0.3,
    )
    assert allocate(p).assignment == ("internal", "internal")


def test_min_contacts_excludes_a_provider_for_a_small_flow() -> None:
    p = problem(
        [Block("small", "day", None, 500), Block("big", "day", None, 5000)],
        ("internal", "mg"),
        [[50, 30], [500, 300]],
        min_contacts=[0, 1000],
    )
    a = allocate(p)
    assert a.assignment == ("internal", "mg")
    assert a.cost == pytest.approx(350)


def test_min_contacts_counts_the_whole_flow_at_the_site_not_each_block() -> None:
    # Two blocks of 600 contacts: neither reaches 1,000 alone, together they do.
    blocks = [Block("f", "day", None, 600), Block("f", "evening", None, 600)]
    p = problem(blocks, ("internal", "mg"), [[50, 30], [50, 30]], min_contacts=[0, 1000])
    assert allocate(p).assignment == ("mg", "mg")
    # the day alone would save 5 (45 + 20 = 65) but is too small; both cost 75, both in-house 70
    p = problem(blocks, ("internal", "mg"), [[50, 45], [20, 30]], min_contacts=[0, 1000])
    assert allocate(p).assignment == ("internal", "internal")
    assert allocate(problem(blocks, ("internal", "mg"), [[50, 45], [20, 30]])).assignment == (
        "mg",
        "internal",
    )


def test_a_fixed_cost_makes_a_provider_not_worth_one_small_block() -> None:
    # one block saves 30 but the provider's fee is 50: 70 + 50 > 100
    one = problem([Block("f", "evening", None, 300)], ("internal", "mg"), [[100, 70]], fixed=[0, 50])
    a = allocate(one)
    assert a.assignment == ("internal",)
    assert (a.cost, a.used) == (100, ("internal",))
    # with a second block saving as much, the fee is worth paying: 70 + 70 + 50 < 200
    two = problem(
        [Block("f", "evening", None, 300), Block("f", "weekend", None, 300)],
        ("internal", "mg"),
        [[100, 70], [100, 70]],
        fixed=[0, 50],
    )
    a = allocate(two)
    assert a.assignment == ("mg", "mg")
    assert (a.variable_cost, a.fixed_cost, a.cost) == (140, 50, 190)


def test_an_ineligible_site_never_takes_the_block() -> None:
    p = problem(
        [Block("f", "night", None, 300), Block("f", "day", None, 300)],
        ("internal", "ma"),
        [[100, INF], [100, 10]],
    )
    a = allocate(p)
    assert a.assignment == ("internal", "ma")
    f = a.flow("f")
    assert (f.recommendation, f.split) == ("hybrid", "band")
    assert f.summary.en == "Hybrid by hour band: night in-house; day to ma"


def test_a_flow_split_between_two_providers_is_outsourced_and_says_how() -> None:
    blocks = [Block("f", "day", "fr", 1000), Block("f", "day", "de", 300)]
    p = problem(blocks, ("internal", "mg", "pt"), [[100, 50, INF], [100, INF, 70]])
    f = allocate(p).flow("f")
    assert (f.recommendation, f.split, f.sites) == ("outsource", "language", ("mg", "pt"))
    assert f.summary.en == "Outsourced by language: French to mg; German to pt"


def test_a_split_by_band_and_language_names_each_block() -> None:
    blocks = [
        Block("f", "day", "fr", 1000),
        Block("f", "day", "en", 300),
        Block("f", "evening", "fr", 200),
        Block("f", "evening", "en", 100),
    ]
    cost = [[100.0, 150.0], [100.0, 50.0], [100.0, 50.0], [100.0, 150.0]]
    f = allocate(problem(blocks, ("internal", "ma"), cost)).flow("f")
    assert f.split == "band_and_language"
    assert (
        f.summary.en
        == "Hybrid by hour band and language: day (French) and evening (English) in-house; day (English) and evening (French) to ma"
    )


def test_no_blocks_is_an_empty_plan() -> None:
    p = AllocationProblem(
        blocks=(),
        sites=("internal",),
        cost=np.zeros((0, 1)),
        agents=np.zeros((0, 1, 1)),
        capacity=np.ones((1, 1)),
        fixed_cost=np.zeros(1),
        min_contacts_per_flow=np.zeros(1),
    )
    a = allocate(p)
    assert (a.status, a.cost, a.assignment, a.flows) == ("optimal", 0.0, (), ())


# --- Infeasible problems come back with a reason -------------------------------------------------


def test_kept_flows_beyond_the_in_house_capacity_come_back_infeasible_with_the_numbers() -> None:
    agents = np.zeros((2, 2, 336))
    agents[:, :, 20] = [[6.0, 6.0], [5.5, 5.5]]  # Monday 10:00, both kept flows
    capacity = np.vstack([np.full(336, 10.0), np.full(336, INF)])
    p = problem(
        [Block("a", "day", None, 1000), Block("b", "day", None, 1000)],
        ("internal", "mg"),
        [[100, 50], [100, 50]],
        agents=agents,
        capacity=capacity,
        keep=frozenset({"a", "b"}),
    )
    a = allocate(p)
    assert (a.status, a.solved, a.assignment, a.cost) == ("infeasible", False, (), None)
    assert a.reason is not None
    assert (
        a.reason.en
        == "The flows kept in-house need 11.50 agents on Monday 10:00; the in-house team has 10.00"
    )
    assert (
        a.reason.fr
        == "Les flux gardés en interne demandent 11,50 agents le lundi 10:00, l'équipe interne en a 10,00"
    )


def test_a_kept_flow_the_team_cannot_take_comes_back_infeasible() -> None:
    p = problem([Block("a", "night", None, 100)], ("internal", "mg"), [[INF, 5]], keep=frozenset({"a"}))
    a = allocate(p)
    assert a.status == "infeasible"
    assert a.reason is not None and "the in-house team cannot take the block a (night)" in a.reason.en


def test_a_block_no_site_can_take_comes_back_infeasible() -> None:
    a = allocate(problem([Block("a", "night", "de", 100)], ("internal", "mg"), [[INF, INF]]))
    assert a.status == "infeasible"
    assert a.reason is not None and a.reason.en == "No site can take the block a (night, German)"


def test_a_max_share_no_plan_can_meet_names_the_constraint_to_lift() -> None:
    # The team cannot take anything, two providers may each take 40 %: 80 % at most is placed.
    p = problem(
        [Block("a", "day", None, 1000), Block("b", "day", None, 1000)],
        ("internal", "p1", "p2"),
        [[INF, 50, 60], [INF, 50, 65]],
        max_share=0.4,
    )
    a = allocate(p)
    assert a.status == "infeasible"
    assert a.relaxations == ("max_share",)
    assert a.reason is not None
    assert a.reason.en == (
        "No plan meets every constraint at once; lifting the maximum share per provider (40%) would allow one"
    )


def test_capacity_and_minimum_volumes_that_conflict_name_both_constraints() -> None:
    # The provider must take the night (the team cannot) but only 500 contacts a month fit in
    # its capacity, while it takes no flow under 1,000.
    agents = np.ones((2, 2, 1))
    p = problem(
        [Block("a", "night", None, 600), Block("a", "day", None, 600)],
        ("internal", "mg"),
        [[INF, 30], [50, 30]],
        agents=agents,
        capacity=np.array([[INF], [1.0]]),
        min_contacts=[0, 1000],
    )
    a = allocate(p)
    assert a.status == "infeasible"
    assert set(a.relaxations) == {"capacity", "min_contacts"}


# --- Brute force: every assignment of tiny instances ---------------------------------------------


def brute_force(p: AllocationProblem) -> float | None:
    """The cheapest feasible assignment by enumeration (None when none is feasible)."""
    n_b, n_s = len(p.blocks), len(p.sites)
    contacts = np.array([b.contacts_per_month for b in p.blocks])
    total = contacts.sum()
    flows = sorted({b.flow for b in p.blocks})
    best: float | None = None
    for assign in itertools.product(range(n_s), repeat=n_b):
        site = np.array(assign)
        if not np.all(np.isfinite(p.cost[np.arange(n_b), site])):
            continue
        if any(b.flow in p.keep_in_house and s != 0 for b, s in zip(p.blocks, site, strict=True)):
            continue
        ok = True
        for s in range(n_s):
            at = site == s
            if np.any(p.agents[at, s, :].sum(axis=0) > p.capacity[s] + 1e-9):
                ok = False
            if s > 0 and contacts[at].sum() > p.max_share * total + 1e-9:
                ok = False
            for f in flows:
                mine = at & np.array([b.flow == f for b in p.blocks])
                if mine.any() and contacts[mine].sum() < p.min_contacts_per_flow[s] - 1e-9:
                    ok = False
        if not ok:
            continue
        used = np.bincount(site, minlength=n_s) > 0
        value = float(p.cost[np.arange(n_b), site].sum() + p.fixed_cost[used].sum())
        best = value if best is None or value < best else best
    return best


def random_tiny(rng: np.random.Generator) -> AllocationProblem:
    n_s = int(rng.integers(2, 4))
    n_f = int(rng.integers(1, 4))
    blocks = []
    for f in range(n_f):
        for band in rng.choice(
            ["day", "evening", "night", "weekend"], size=int(rng.integers(1, 3)), replace=False
        ):
            blocks.append(Block(f"f{f}", str(band), None, float(rng.integers(1, 20) * 100)))
    blocks = blocks[:5]
    n_b, n_i = len(blocks), 3
    cost = rng.integers(10, 100, size=(n_b, n_s)).astype(float)
    cost[rng.random((n_b, n_s)) < 0.2] = INF
    agents = rng.integers(0, 4, size=(n_b, n_s, n_i)).astype(float)
    capacity = rng.integers(2, 9, size=(n_s, n_i)).astype(float)
    capacity[rng.random(n_s) < 0.3] = INF
    fixed = rng.integers(0, 40, size=n_s).astype(float)
    min_contacts = np.where(rng.random(n_s) < 0.4, rng.integers(1, 15, size=n_s) * 100.0, 0.0)
    min_contacts[0] = 0.0
    flows = sorted({b.flow for b in blocks})
    keep = frozenset(f for f in flows if rng.random() < 0.15)
    return AllocationProblem(
        blocks=tuple(blocks),
        sites=("internal", *(f"p{s}" for s in range(1, n_s))),
        cost=cost,
        agents=agents,
        capacity=capacity,
        fixed_cost=fixed,
        min_contacts_per_flow=min_contacts,
        max_share=float(rng.choice([1.0, 0.8, 0.6, 0.4])),
        keep_in_house=keep,
    )


def assert_feasible(p: AllocationProblem, a: Allocation) -> None:
    site = np.array([p.sites.index(s) for s in a.assignment])
    contacts = np.array([b.contacts_per_month for b in p.blocks])
    assert np.all(np.isfinite(p.cost[np.arange(len(site)), site]))
    for s in range(len(p.sites)):
        at = site == s
        assert np.all(p.agents[at, s, :].sum(axis=0) <= p.capacity[s] + 1e-6)
        if s > 0:
            assert contacts[at].sum() <= p.max_share * contacts.sum() + 1e-6


def test_the_optimum_matches_brute_force_on_tiny_random_instances() -> None:
    rng = np.random.default_rng(20240604)
    infeasible = feasible = 0
    for _ in range(150):
        p = random_tiny(rng)
        expected = brute_force(p)
        a = allocate(p)
        if expected is None:
            assert a.status == "infeasible", a
            infeasible += 1
        else:
            assert a.status == "optimal"
            assert a.cost == pytest.approx(expected, rel=1e-9)
            assert_feasible(p, a)
            feasible += 1
    assert infeasible >= 10 and feasible >= 60  # both kinds were exercised


# --- Invariants ----------------------------------------------------------------------------------


@st.composite
def feasible_in_house(draw: st.DrawFn) -> AllocationProblem:
    """Problems where keeping everything in-house is feasible."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    p = random_tiny(rng)
    cost = p.cost.copy()
    cost[:, 0] = rng.integers(10, 100, size=len(p.blocks))
    capacity = p.capacity.copy()
    capacity[0] = INF
    return AllocationProblem(
        blocks=p.blocks,
        sites=p.sites,
        cost=cost,
        agents=p.agents,
        capacity=capacity,
        fixed_cost=p.fixed_cost,
        min_contacts_per_flow=p.min_contacts_per_flow,
        max_share=p.max_share,
        keep_in_house=p.keep_in_house,
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feasible_in_house())
def test_the_plan_never_costs_more_than_all_in_house_when_that_is_feasible(p: AllocationProblem) -> None:
    everything_in_house = float(p.cost[:, 0].sum() + p.fixed_cost[0])
    a = allocate(p)
    assert a.status == "optimal"
    assert a.cost is not None and a.cost <= everything_in_house + 1e-9
    assert all_in_house_cost(p) == pytest.approx(everything_in_house)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_the_summary_of_each_flow_agrees_with_its_blocks(seed: int) -> None:
    p = random_tiny(np.random.default_rng(seed))
    a = allocate(p)
    if not a.solved:
        return
    for f in a.flows:
        sites = {s for b, s in zip(p.blocks, a.assignment, strict=True) if b.flow == f.flow}
        expected = "keep" if sites == {"internal"} else "hybrid" if "internal" in sites else "outsource"
        assert f.recommendation == expected
        assert set(f.sites) == sites
        assert (f.split is None) == (len(sites) == 1)
        assert sum(f.contacts_by_site.values()) == pytest.approx(
            sum(b.contacts_per_month for b in p.blocks if b.flow == f.flow)
        )
    assert a.cost == pytest.approx(sum(f.cost for f in a.flows) + (a.fixed_cost or 0.0))


def test_all_in_house_cost_is_none_when_the_team_cannot_take_everything() -> None:
    p = problem([Block("a", "night", None, 100)], ("internal", "mg"), [[INF, 5]])
    assert all_in_house_cost(p) is None


# --- Input ---------------------------------------------------------------------------------------


def test_arrays_of_the_wrong_shape_are_refused_with_the_field() -> None:
    with pytest.raises(InputError, match="field capacity: expected an array of shape"):
        problem([Block("a", "day", None, 1)], ("internal", "mg"), [[1, 2]], capacity=np.ones((3, 1)))


def test_a_negative_cost_and_a_repeated_block_are_refused() -> None:
    with pytest.raises(InputError, match="field cost"):
        problem([Block("a", "day", None, 1)], ("internal", "mg"), [[-1, 2]])
    with pytest.raises(InputError, match="one block per flow, band and language"):
        problem([Block("a", "day", None, 1), Block("a", "day", None, 2)], ("internal",), [[1], [1]])


def test_a_max_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(InputError, match="max_share"):
        problem([Block("a", "day", None, 1)], ("internal", "mg"), [[1, 2]], max_share=0.0)


def test_a_flow_too_small_for_the_only_site_that_can_take_it_comes_back_infeasible() -> None:
    # The night can only go to the provider, which takes no flow under 1,000 contacts: 600 is all
    # the flow has. Lifting the minimum volumes alone would allow a plan.
    p = problem(
        [Block("a", "night", None, 300), Block("a", "day", None, 300)],
        ("internal", "mg"),
        [[INF, 30], [50, 30]],
        min_contacts=[0, 1000],
    )
    a = allocate(p)
    assert a.status == "infeasible"
    assert a.relaxations == ("min_contacts",)
    assert a.reason is not None and "providers' minimum volumes" in a.reason.en
