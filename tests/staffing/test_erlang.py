"""Erlang B, C and A against independent references: textbook sums at 50 digits, the Erlang A
birth–death chain, the tagged caller's wait by uniformisation and by a matrix exponential."""

from __future__ import annotations

import doctest
import math
from pathlib import Path
from typing import Any

import mpmath as mp
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.linalg import expm
from scipy.special import gammaln, logsumexp

import arbitre.staffing
from arbitre.errors import InfeasibleError
from arbitre.staffing import erlang
from arbitre.staffing.erlang import QueueMetrics, erlang_b, erlang_c, evaluate, required_agents
from arbitre.staffing.erlang.special import _half_line

DOCS = Path(__file__).resolve().parents[2] / "docs" / "staffing-models.md"
RTOL = 1e-9


# --------------------------------------------------------------------------------------------
# References, computed without the formulas under test


def mp_erlang_b(n: int, load: float) -> mp.mpf:
    """B(n, a) = (aⁿ/n!) / Σₖ aᵏ/k!, the textbook sum at 50 digits."""
    with mp.workdps(50):
        a = mp.mpf(load)
        term = mp.mpf(1)
        total = mp.mpf(1)
        for k in range(1, n + 1):
            term = term * a / k
            total += term
        return term / total


def mp_erlang_c(n: int, load: float) -> mp.mpf:
    """C(n, a) = (aⁿ/n!)·n/(n−a) / (Σₖ<n aᵏ/k! + (aⁿ/n!)·n/(n−a)), from the sums at 50 digits."""
    with mp.workdps(50):
        a = mp.mpf(load)
        term = mp.mpf(1)
        below = mp.mpf(0)
        for k in range(n):
            below += term
            term = term * a / (k + 1)
        waiting = term * n / (n - a)
        return waiting / (below + waiting)


def mp_erlang_a_chain(n: int, load: float, aht_s: float, patience_s: float) -> tuple[float, float]:
    """(P(wait), P(abandon)) of the M/M/n+M birth–death chain at 40 digits, truncated far out.

    P(wait) is the stationary mass of n or more in the system (PASTA); P(abandon) = θ·E[queue]/λ.
    """
    with mp.workdps(40):
        a = mp.mpf(load)
        mu, theta = 1 / mp.mpf(aht_s), 1 / mp.mpf(patience_s)
        lam = a * mu
        term = mp.mpf(1)
        free = mp.mpf(0)
        for k in range(n):
            free += term
            term = term * a / (k + 1)
        queue = mp.mpf(0)
        queue_len = mp.mpf(0)
        j = 0
        while True:
            queue += term
            queue_len += j * term
            j += 1
            term = term * lam / (n * mu + j * theta)
            if term < queue * mp.mpf(10) ** -45:
                break
        total = free + queue
        return float(queue / total), float(theta * queue_len / total / lam)


def chain_erlang_a(
    n: int, load: float, aht_s: float, patience_s: float, threshold_s: float
) -> dict[str, float]:
    """Erlang A KPIs from the birth–death chain (float64, log space) and uniformisation.

    A caller who finds j in the queue waits for j+1 starts of service, the next one at rate
    nμ + iθ with i callers ahead, while abandoning at rate θ. Uniformised at
    Λ = nμ + (J−1)θ, the start happens at the m-th event of a Poisson process of rate Λ with a
    probability that a plain recursion gives; the m-th event time is Erlang(m, Λ), whose
    E[e^{−θT}], E[T·e^{−θT}] and P(T ≤ t, survives) are elementary (mpmath's incomplete gamma).
    """
    mu, theta = 1.0 / aht_s, 1.0 / patience_s
    lam = load * mu
    k = np.arange(n + 1)
    log_p = k * math.log(load) - gammaln(k + 1.0)
    logs = [float(log_p[-1])]
    j = 0
    while True:
        j += 1
        logs.append(logs[-1] + math.log(lam) - math.log(n * mu + j * theta))
        if logs[-1] < max(logs) - 45.0 and logs[-1] < logs[-2]:
            break
    log_q = np.array(logs)
    log_z = logsumexp(np.concatenate([log_p[:-1], log_q]))
    p_free = float(np.exp(logsumexp(log_p[:-1]) - log_z)) if n > 0 else 0.0
    q = np.exp(log_q - log_z)  # an arrival finds n + j, j = 0, 1, ...
    size = q.size
    ahead = np.arange(size)
    rate = n * mu + (size - 1) * theta
    move = (n * mu + ahead * theta) / rate
    survive = rate / (rate + theta)
    m_max = int(rate * threshold_s + 20.0 * math.sqrt(rate * threshold_s) + 50.0)
    started = np.zeros(size)  # P(service started within m events | j ahead)
    served = np.zeros(size)
    served_in_time = np.zeros(size)
    wait_served = np.zeros(size)
    m = 0
    while True:
        m += 1
        before = started
        started = move * np.concatenate([[1.0], before[:-1]]) + (1.0 - move) * before
        now = (started - before) * survive**m
        served += now
        wait_served += now * m / (rate + theta)
        if m <= m_max:
            in_time = float(mp.gammainc(m, 0, (rate + theta) * threshold_s, regularized=True))
            served_in_time += now * in_time
        elif (1.0 - started[-1]) * survive**m < 1e-22:
            break
    answered = p_free + float((q * served).sum())
    return {
        "p_wait": float(q.sum()),
        "service_level": p_free + float((q * served_in_time).sum()),
        "asa_s": float((q * wait_served).sum()) / answered,
        "abandon_rate": 1.0 - answered,
    }


def expm_served_within(n: int, aht_s: float, patience_s: float, threshold_s: float, ahead: int) -> float:
    """P(answered within t | `ahead` callers queued in front), by the matrix exponential of the
    phase-type generator: phases count down the callers ahead, 'answered' and 'abandoned' absorb."""
    mu, theta = 1.0 / aht_s, 1.0 / patience_s
    phases = ahead + 1
    gen = np.zeros((phases + 2, phases + 2))
    answered, abandoned = phases, phases + 1
    for k in range(phases):
        left = ahead - k
        start = n * mu + left * theta
        gen[k, k + 1 if k + 1 < phases else answered] = start
        gen[k, abandoned] = theta
        gen[k, k] = -(start + theta)
    return float(expm(gen * threshold_s)[0, answered])


def kpis(m: QueueMetrics) -> dict[str, float]:
    return {
        "p_wait": float(m.p_wait[()]),
        "service_level": float(m.service_level[()]),
        "asa_s": float(m.asa_s[()]),
        "abandon_rate": float(m.abandon_rate[()]),
    }


def one(agents: int, load: float, aht_s: float, threshold_s: float, patience_s: float | None) -> QueueMetrics:
    return evaluate(
        agents=agents,
        volume=load * 1800.0 / aht_s,
        interval_s=1800.0,
        aht_s=aht_s,
        threshold_s=threshold_s,
        patience_s=patience_s,
    )


# --------------------------------------------------------------------------------------------
# Erlang B and C


SMALL = [(1, 0.3), (1, 1.0), (2, 1.7), (5, 4.9), (10, 5.0), (17, 16.5), (30, 29.99), (50, 45.0)]
LARGE = [(1000, 990.5), (1000, 999.9), (2000, 1950.0), (5000, 4900.3), (10_000, 9999.5), (10_000, 9800.0)]


@pytest.mark.parametrize(("n", "load"), SMALL + LARGE)
def test_erlang_b_matches_the_textbook_sum(n: int, load: float) -> None:
    assert float(erlang_b(n, load=load)) == pytest.approx(float(mp_erlang_b(n, load)), rel=RTOL)


@pytest.mark.parametrize(("n", "load"), [(n, a) for n, a in SMALL + LARGE if n > a])
def test_erlang_c_matches_the_textbook_sum(n: int, load: float) -> None:
    assert float(erlang_c(n, load=load)) == pytest.approx(float(mp_erlang_c(n, load)), rel=RTOL)


@pytest.mark.parametrize(
    ("n", "load"),
    [
        (1, 10_000.0),
        (30, 700.0),
        (100, 3000.0),
        (600, 1500.0),
        (3000, 2000.0),
        (10_000, 9000.0),
        (10_000, 12_000.0),
    ],
)
def test_erlang_b_stays_exact_far_from_the_agent_count(n: int, load: float) -> None:
    # Both Poisson terms underflow here: the ratio comes from quadrature or from logs.
    assert float(erlang_b(n, load=load)) == pytest.approx(float(mp_erlang_b(n, load)), rel=RTOL)


def test_erlang_b_and_c_broadcast_over_agents_and_loads() -> None:
    n = np.array([[10], [20]])
    load = np.array([5.0, 8.0, 9.5])
    b = erlang_b(n, load=load)
    c = erlang_c(n, load=load)
    assert b.shape == c.shape == (2, 3)
    assert b[1, 2] == pytest.approx(float(mp_erlang_b(20, 9.5)), rel=RTOL)
    assert c[0, 1] == pytest.approx(float(mp_erlang_c(10, 8.0)), rel=RTOL)


def test_erlang_c_is_one_when_the_agents_do_not_exceed_the_load() -> None:
    assert erlang_c([3, 4, 5], load=4.0).tolist() == [1.0, 1.0, pytest.approx(float(mp_erlang_c(5, 4.0)))]


def test_no_load_blocks_nobody_and_no_agent_blocks_everybody() -> None:
    assert erlang_b([0, 1, 50], load=0.0).tolist() == [1.0, 0.0, 0.0]
    assert erlang_b(0, load=3.0).tolist() == 1.0
    assert erlang_c(7, load=0.0).tolist() == 0.0


def test_the_classic_example_matches_erlang_c_at_50_digits() -> None:
    # 360 calls an hour (180 per half hour) of 240 s: 24 Erlangs, answered within 20 s.
    m = evaluate(agents=np.arange(25, 32), volume=180, interval_s=1800, aht_s=240, threshold_s=20)
    for k, n in enumerate(range(25, 32)):
        c = mp_erlang_c(n, 24.0)
        with mp.workdps(50):
            sl = 1 - c * mp.exp(-(n - 24) * mp.mpf(20) / 240)
            asa = c * 240 / (n - 24)
        assert m.p_wait[k] == pytest.approx(float(c), rel=RTOL)
        assert m.service_level[k] == pytest.approx(float(sl), rel=RTOL)
        assert m.asa_s[k] == pytest.approx(float(asa), rel=RTOL)
        assert m.occupancy[k] == pytest.approx(24 / n, rel=1e-15)
    assert m.load_erlangs.tolist() == [24.0] * 7
    assert m.abandon_rate.tolist() == [0.0] * 7
    # 80 % within 20 s: 28 agents give 76.1 %, 29 give 84.0 %.
    assert int(required_agents(volume=180, interval_s=1800, aht_s=240, threshold_s=20, sl=0.8)) == 29


def test_too_few_agents_under_erlang_c_leave_an_unstable_queue() -> None:
    m = evaluate(agents=[0, 23, 24], volume=180, interval_s=1800, aht_s=240, threshold_s=20)
    assert m.p_wait.tolist() == [1.0, 1.0, 1.0]
    assert m.service_level.tolist() == [0.0, 0.0, 0.0]
    assert m.asa_s.tolist() == [math.inf] * 3
    assert m.occupancy.tolist() == [1.0, 1.0, 1.0]


def test_an_interval_without_contacts_is_served_perfectly() -> None:
    for patience in (None, 60.0):
        m = evaluate(agents=[0, 3], volume=0, interval_s=1800, aht_s=240, threshold_s=20, patience_s=patience)
        assert m.p_wait.tolist() == [0.0, 0.0]
        assert m.service_level.tolist() == [1.0, 1.0]
        assert m.asa_s.tolist() == [0.0, 0.0]
        assert m.abandon_rate.tolist() == [0.0, 0.0]
        assert m.occupancy.tolist() == [0.0, 0.0]


def test_evaluate_broadcasts_and_keeps_the_shape() -> None:
    m = evaluate(
        agents=np.array([[28], [30]]),
        volume=np.array([150.0, 180.0]),
        interval_s=1800,
        aht_s=240,
        threshold_s=[[20.0], [30.0]],
    )
    assert m.model == "erlang_c"
    for field in ("agents", "load_erlangs", "p_wait", "service_level", "asa_s", "abandon_rate", "occupancy"):
        assert getattr(m, field).shape == (2, 2), field
    assert m.agents.dtype == np.int64
    assert m.service_level[1, 1] == pytest.approx(
        float(one(30, 24.0, 240, 30, None).service_level), rel=1e-15
    )


# --------------------------------------------------------------------------------------------
# Erlang A


CHAIN_CASES = [
    # n, load, aht_s, patience_s, threshold_s
    (1, 0.5, 180.0, 60.0, 20.0),
    (3, 2.5, 300.0, 30.0, 10.0),
    (10, 12.0, 180.0, 120.0, 20.0),  # load above the agents: stable thanks to abandonment
    (20, 15.0, 300.0, 30.0, 20.0),
    (10, 8.0, 180.0, 1.0, 20.0),  # patience far below the handle time
    (100, 95.0, 240.0, 180.0, 20.0),
    (100, 130.0, 240.0, 90.0, 30.0),
    (200, 150.0, 180.0, 600.0, 60.0),
    (50, 45.0, 180.0, 1e5, 20.0),  # patience long: near Erlang C
    (1000, 980.0, 300.0, 300.0, 20.0),
    (2000, 2100.0, 180.0, 120.0, 20.0),
    (500, 480.0, 180.0, 1e5, 20.0),  # θ small, n large: the incomplete gamma underflows
    (300, 290.0, 200.0, 2e6, 15.0),
]


@pytest.mark.parametrize(("n", "load", "aht_s", "patience_s", "threshold_s"), CHAIN_CASES)
def test_erlang_a_matches_the_birth_death_chain(
    n: int, load: float, aht_s: float, patience_s: float, threshold_s: float
) -> None:
    ref = chain_erlang_a(n, load, aht_s, patience_s, threshold_s)
    got = kpis(one(n, load, aht_s, threshold_s, patience_s))
    for name in ("p_wait", "service_level", "asa_s"):
        assert got[name] == pytest.approx(ref[name], rel=RTOL), name
    p_wait, abandon = mp_erlang_a_chain(n, load, aht_s, patience_s)
    assert got["p_wait"] == pytest.approx(p_wait, rel=RTOL)
    assert got["abandon_rate"] == pytest.approx(abandon, rel=RTOL)
    assert ref["abandon_rate"] == pytest.approx(abandon, rel=1e-7)  # the two references agree
    # occupancy: the carried load, λ(1 − P(ab))·aht, over the agents
    occupancy = float(one(n, load, aht_s, threshold_s, patience_s).occupancy)
    assert occupancy == pytest.approx(load * (1 - abandon) / n, rel=RTOL)


@pytest.mark.parametrize(
    ("n", "load", "aht_s", "patience_s"),
    [
        (5000, 4950.0, 200.0, 400.0),
        (10_000, 10_300.0, 300.0, 60.0),
        (10_000, 9900.0, 300.0, 3e4),
        (100_000, 99_000.0, 300.0, 3000.0),
        # s = nμ/θ ≈ 5e6, 4.5 to 10 standard deviations off x: SciPy's series falls short there
        (2492, 2486.96875, 20.0, 40310.0),
    ],
)
def test_erlang_a_matches_the_chain_at_ten_thousand_agents_and_more(
    n: int, load: float, aht_s: float, patience_s: float
) -> None:
    p_wait, abandon = mp_erlang_a_chain(n, load, aht_s, patience_s)
    got = kpis(one(n, load, aht_s, 20.0, patience_s))
    assert got["p_wait"] == pytest.approx(p_wait, rel=RTOL)
    assert got["abandon_rate"] == pytest.approx(abandon, rel=RTOL)


def mp_erlang_a_service_level(
    n: int, load: float, aht_s: float, patience_s: float, threshold_s: float
) -> float:
    """The service level of docs/staffing-models.md with every sum taken term by term at 30 digits:
    1/B = Σₖ n!/(k!·aⁿ⁻ᵏ), U(s, x) = Σⱼ xʲ/((s+1)⋯(s+j)). It checks the numerics (no SciPy, no
    quadrature), not the derivation, which the chain tests cover."""
    with mp.workdps(30):
        a = mp.mpf(load)
        s = n * mp.mpf(patience_s) / aht_s
        x = a * patience_s / aht_s
        theta_t = mp.mpf(threshold_s) / patience_s

        def u(xx: mp.mpf) -> mp.mpf:
            term, total, j = mp.mpf(1), mp.mpf(0), 0
            while True:
                j += 1
                term = term * xx / (s + j)
                total += term
                if term < total * mp.mpf(10) ** -25:
                    return total

        inv_b, term = mp.mpf(1), mp.mpf(1)
        for j in range(1, n + 1):
            term = term * (n - j + 1) / a
            inv_b += term
        pi = 1 / (inv_b + u(x))
        rho = a / n
        late = pi / rho * u(x * mp.exp(-theta_t)) * mp.exp(-s * theta_t - x * mp.expm1(-theta_t))
        return float(pi * (inv_b - 1) + pi * u(x) / rho - late)


@pytest.mark.parametrize("n", [2490, 2491, 2492, 2493])
def test_erlang_a_service_level_stays_exact_when_patience_dwarfs_the_handle_time(n: int) -> None:
    # Found by the monotonicity property: SciPy's P(s+1, x) was 1 % off at s ≈ 5e6.
    load, aht_s, patience_s, t = 2486.96875, 20.0, 40310.0, 67.0
    got = float(one(n, load, aht_s, t, patience_s).service_level)
    assert got == pytest.approx(mp_erlang_a_service_level(n, load, aht_s, patience_s, t), rel=1e-12)


def test_erlang_a_service_level_matches_a_matrix_exponential() -> None:
    n, load, aht_s, patience_s, t = 4, 3.6, 200.0, 45.0, 25.0
    mu, theta = 1 / aht_s, 1 / patience_s
    # stationary chain, truncated where the queue is negligible
    weights = [load**k / math.factorial(k) for k in range(n + 1)]
    for j in range(1, 80):
        weights.append(weights[-1] * load * mu / (n * mu + j * theta))
    p = np.array(weights) / sum(weights)
    sl = p[:n].sum() + sum(
        p[n + j] * expm_served_within(n, aht_s, patience_s, t, j) for j in range(80) if n + j < p.size
    )
    assert float(one(n, load, aht_s, t, patience_s).service_level) == pytest.approx(sl, rel=RTOL)


def test_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    c = one(520, 500.0, 240.0, 20.0, None)
    for patience, tol in [(1e7, 1e-4), (1e10, 1e-7)]:
        a = one(520, 500.0, 240.0, 20.0, patience)
        assert float(a.p_wait) == pytest.approx(float(c.p_wait), rel=tol)
        assert float(a.service_level) == pytest.approx(float(c.service_level), rel=tol)
        assert float(a.asa_s) == pytest.approx(float(c.asa_s), rel=tol)
        assert 0.0 < float(a.abandon_rate) < tol


def test_erlang_a_stays_finite_and_ordered_across_extremes() -> None:
    n = np.arange(0, 3001, 50)
    for load, patience in [(1500.0, 1e-3), (1500.0, 5.0), (1500.0, 1e8), (0.01, 30.0)]:
        m = evaluate(
            agents=n,
            volume=load * 1800 / 300,
            interval_s=1800,
            aht_s=300,
            threshold_s=20,
            patience_s=patience,
        )
        for v in (m.p_wait, m.service_level, m.abandon_rate, m.occupancy):
            assert np.all((v >= 0) & (v <= 1))
        assert np.all(np.isfinite(m.asa_s[1:])) and m.asa_s[0] == math.inf
        assert np.all(m.service_level <= 1 - m.abandon_rate + 1e-12)


def test_zero_agents_under_erlang_a_answer_nobody() -> None:
    m = one(0, 5.0, 180.0, 20.0, 60.0)
    assert kpis(m) == {"p_wait": 1.0, "service_level": 0.0, "asa_s": math.inf, "abandon_rate": 1.0}
    assert float(m.occupancy) == 1.0


@settings(max_examples=60, deadline=None)
@given(
    load=st.floats(0.05, 3000.0),
    aht_s=st.floats(20.0, 900.0),
    patience_s=st.floats(1.0, 1e5),
    threshold_s=st.floats(0.0, 120.0),
)
def test_erlang_a_kpis_are_monotone_in_the_agents(
    load: float, aht_s: float, patience_s: float, threshold_s: float
) -> None:
    # required_agents relies on it: more agents never do worse on any KPI.
    n = np.arange(0, int(2 * load) + 20)
    m = evaluate(
        agents=n,
        volume=load * 1800 / aht_s,
        interval_s=1800,
        aht_s=aht_s,
        threshold_s=threshold_s,
        patience_s=patience_s,
    )
    tol = 1e-12
    assert np.all(np.diff(m.service_level) >= -tol)
    assert np.all(np.diff(m.p_wait) <= tol)
    assert np.all(np.diff(m.abandon_rate) <= tol)
    assert np.all(np.diff(m.occupancy) <= tol)
    assert np.all(np.diff(m.asa_s[1:]) <= tol * m.asa_s[2:])


@pytest.mark.parametrize(
    ("c", "x", "sign"),
    [
        (0.0, 1.0, 1),
        (1e-3, 1.001, 1),
        (1.0, 101.0, 1),
        (1e4, 1e4, 1),
        (0.0, 1e6, 1),
        (9e5, 1e5, 1),
        (1.0, 0.5, -1),
        (1e-3, 0.999, -1),
        (5.0, 5.0, -1),
        (10.0, 990.0, -1),
        (9.9e5, 1e4, -1),
        (1e3, 1e6, -1),
    ],
)
def test_the_half_line_quadrature_matches_mpmath(c: float, x: float, sign: int) -> None:
    def f(w: mp.mpf) -> mp.mpf:
        psi = mp.exp(-w) - 1 + w if sign < 0 else mp.expm1(w) - w
        return mp.exp(-c * w - x * psi)

    scale = 1 / (c + math.sqrt(x))
    cuts = [0.0] + [scale * k for k in (0.5, 2.0, 8.0, 32.0, 128.0)] + [scale * 1024.0]
    with mp.workdps(30):
        k0 = mp.quad(f, cuts)
        k1 = mp.quad(lambda w: w * f(w), cuts)
        kab = mp.quad(lambda w: -mp.expm1(-w) * f(w), cuts)
    got = _half_line(np.array([c]), np.array([x]), sign)
    assert got.k0[0] == pytest.approx(float(k0), rel=1e-11)
    assert got.k1[0] == pytest.approx(float(k1), rel=1e-11)
    assert got.kab[0] == pytest.approx(float(kab), rel=1e-11)


# --------------------------------------------------------------------------------------------
# The fewest agents


def _meets(m: QueueMetrics, k: int, targets: dict[str, float | None]) -> bool:
    ok = bool(m.agents[k] >= 1)  # an interval with contacts gets an agent
    if m.model == "erlang_c":
        ok &= bool(m.agents[k] > m.load_erlangs[k])
    if targets["sl"] is not None:
        ok &= bool(m.service_level[k] >= targets["sl"])
    if targets["max_asa_s"] is not None:
        ok &= bool(m.asa_s[k] <= targets["max_asa_s"])
    if targets["max_abandon"] is not None:
        ok &= bool(m.abandon_rate[k] <= targets["max_abandon"])
    if targets["max_occupancy"] is not None:
        ok &= bool(m.occupancy[k] <= targets["max_occupancy"])
    return ok


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    volume=st.floats(0.5, 5000.0),
    interval_s=st.sampled_from([900.0, 1800.0, 3600.0]),
    aht_s=st.floats(20.0, 900.0),
    threshold_s=st.floats(0.0, 120.0),
    sl=st.one_of(st.none(), st.floats(0.0, 0.999)),
    max_asa_s=st.one_of(st.none(), st.floats(0.5, 600.0)),
    max_abandon=st.one_of(st.none(), st.floats(0.001, 0.5)),
    max_occupancy=st.one_of(st.none(), st.floats(0.3, 1.0)),
    patience_s=st.one_of(st.none(), st.floats(2.0, 3600.0)),
)
def test_required_agents_is_the_minimum_meeting_every_target(
    volume: float,
    interval_s: float,
    aht_s: float,
    threshold_s: float,
    sl: float | None,
    max_asa_s: float | None,
    max_abandon: float | None,
    max_occupancy: float | None,
    patience_s: float | None,
) -> None:
    targets: dict[str, Any] = {
        "sl": sl,
        "max_asa_s": max_asa_s,
        "max_abandon": max_abandon,
        "max_occupancy": max_occupancy,
    }
    if all(v is None for v in targets.values()):
        targets["sl"] = 0.8
    common: dict[str, Any] = {
        "volume": volume,
        "interval_s": interval_s,
        "aht_s": aht_s,
        "threshold_s": threshold_s,
        "patience_s": patience_s,
    }
    n = int(required_agents(**common, **targets))
    assert n >= 1
    m = evaluate(agents=[n, n - 1], **common)
    assert _meets(m, 0, targets)
    assert not _meets(m, 1, targets)


def test_required_agents_searches_many_rows_at_once_with_their_own_targets() -> None:
    rng = np.random.default_rng(7)
    size = 400
    load = np.exp(rng.uniform(math.log(0.2), math.log(2000.0), size))
    aht = rng.uniform(60.0, 600.0, size)
    volume = load * 1800.0 / aht
    threshold = rng.choice([10.0, 20.0, 60.0], size)
    sl = np.where(rng.random(size) < 0.2, np.nan, rng.uniform(0.5, 0.95, size))
    occ = np.where(np.isnan(sl), 0.9, np.nan)
    for patience in (None, rng.uniform(10.0, 900.0, size)):
        n = required_agents(
            volume=volume,
            interval_s=1800.0,
            aht_s=aht,
            threshold_s=threshold,
            sl=sl,
            max_occupancy=occ,
            patience_s=patience,
        )
        both: dict[str, Any] = {
            "volume": volume,
            "interval_s": 1800.0,
            "aht_s": aht,
            "threshold_s": threshold,
            "patience_s": patience,
        }
        at = evaluate(agents=n, **both)
        below = evaluate(agents=n - 1, **both)
        for k in range(size):
            targets: dict[str, float | None] = {
                "sl": None if np.isnan(sl[k]) else float(sl[k]),
                "max_asa_s": None,
                "max_abandon": None,
                "max_occupancy": None if np.isnan(occ[k]) else float(occ[k]),
            }
            assert _meets(at, k, targets) and not _meets(below, k, targets), k


def test_an_interval_without_contacts_needs_no_agent() -> None:
    n = required_agents(volume=[0.0, 100.0, 0.0], interval_s=1800, aht_s=180, threshold_s=20, sl=0.8)
    assert n.tolist() == [0, 14, 0]


def test_max_abandon_is_always_met_under_erlang_c() -> None:
    common: dict[str, Any] = {"volume": 300.0, "interval_s": 1800.0, "aht_s": 240.0, "threshold_s": 20.0}
    assert int(required_agents(**common, sl=0.8, max_abandon=1e-9)) == int(required_agents(**common, sl=0.8))


def test_abandonment_targets_need_agents_under_erlang_a() -> None:
    common: dict[str, Any] = {
        "volume": 300.0,
        "interval_s": 1800.0,
        "aht_s": 240.0,
        "threshold_s": 20.0,
        "patience_s": 60.0,
    }
    n = int(required_agents(**common, max_abandon=0.01))
    m = evaluate(agents=[n - 1, n], **common)
    assert m.abandon_rate[0] > 0.01 >= m.abandon_rate[1]


def test_a_tiny_occupancy_target_is_met_by_many_agents() -> None:
    n = int(required_agents(volume=180, interval_s=1800, aht_s=240, threshold_s=20, max_occupancy=1e-3))
    assert n == 24_000  # 24 Erlangs at 0.1 % occupancy


def test_the_targets_combine_to_the_most_demanding() -> None:
    common: dict[str, Any] = {"volume": 180.0, "interval_s": 1800.0, "aht_s": 240.0, "threshold_s": 20.0}
    alone = [
        int(required_agents(**common, sl=0.8)),
        int(required_agents(**common, max_asa_s=5.0)),
        int(required_agents(**common, max_occupancy=0.75)),
    ]
    assert int(required_agents(**common, sl=0.8, max_asa_s=5.0, max_occupancy=0.75)) == max(alone)
    assert alone == [29, 31, 32]


def test_a_service_level_of_one_cannot_be_met() -> None:
    with pytest.raises(InfeasibleError, match=r"^row 2: sl=1 cannot be met"):
        required_agents(
            volume=[10.0, 0.0, 10.0, 10.0], interval_s=1800, aht_s=180, threshold_s=0, sl=[0.8, 1.0, 1.0, 1.0]
        )


@pytest.mark.parametrize(
    ("target", "message"),
    [({"max_asa_s": 0.0}, "max_asa_s=0"), ({"max_occupancy": 0.0}, "max_occupancy=0")],
)
def test_zero_limits_cannot_be_met(target: dict[str, float], message: str) -> None:
    with pytest.raises(InfeasibleError, match=f"^row 0: {message} cannot be met"):
        required_agents(volume=10.0, interval_s=1800, aht_s=180, threshold_s=20, **target)  # type: ignore[arg-type]


def test_no_abandonment_at_all_cannot_be_met_under_erlang_a() -> None:
    with pytest.raises(InfeasibleError, match="max_abandon=0 cannot be met"):
        required_agents(
            volume=10.0, interval_s=1800, aht_s=180, threshold_s=20, max_abandon=0.0, patience_s=60
        )


def test_a_target_beyond_max_agents_is_infeasible() -> None:
    # 100 Erlangs: 105 agents are stable but answer too few within 20 s.
    with pytest.raises(InfeasibleError, match=r"^row \(1, 0\): sl not met with max_agents=105 \(load 100 "):
        required_agents(
            volume=[[100.0], [1000.0]], interval_s=1800, aht_s=180, threshold_s=20, sl=0.8, max_agents=105
        )
    with pytest.raises(
        InfeasibleError, match=r"sl and a stable queue \(agents > load\) not met with max_agents=99"
    ):
        required_agents(volume=1000.0, interval_s=1800, aht_s=180, threshold_s=20, sl=0.8, max_agents=99)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"volume": -1.0}, "volume must be ≥ 0"),
        ({"interval_s": 0.0}, "interval_s must be > 0"),
        ({"aht_s": -5.0}, "aht_s must be > 0"),
        ({"threshold_s": -1.0}, "threshold_s must be ≥ 0"),
        ({"sl": 1.5}, "sl must be ≤ 1"),
        ({"sl": -0.1}, "sl must be ≥ 0"),
        ({"max_abandon": 2.0}, "max_abandon must be ≤ 1"),
        ({"patience_s": 0.0}, "patience_s must be > 0"),
        ({"volume": math.nan}, "volume must be a number"),
        ({"volume": "many"}, "volume must be a number"),
        ({"aht_s": math.inf}, "aht_s must be finite"),
        ({"volume": [1.0, 2.0], "aht_s": [1.0, 2.0, 3.0]}, "do not broadcast"),
        ({"max_agents": 0}, "max_agents must be at least 1"),
    ],
)
def test_invalid_inputs_raise_a_one_line_value_error(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "volume": 10.0,
        "interval_s": 1800.0,
        "aht_s": 180.0,
        "threshold_s": 20.0,
        "sl": 0.8,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message) as err:
        required_agents(**args)  # type: ignore[arg-type]
    assert "\n" not in str(err.value)


def test_a_search_without_any_target_is_refused() -> None:
    with pytest.raises(ValueError, match="no target given"):
        required_agents(volume=10.0, interval_s=1800, aht_s=180, threshold_s=20)
    with pytest.raises(ValueError, match="row 1: no target"):
        required_agents(volume=[10.0, 10.0], interval_s=1800, aht_s=180, threshold_s=20, sl=[0.8, math.nan])


@pytest.mark.parametrize("agents", [-1, 2.5, [3, math.nan], "two", True])
def test_agents_must_be_whole_numbers(agents: npt.ArrayLike) -> None:
    with pytest.raises(ValueError, match="agents must be whole numbers"):
        evaluate(agents=agents, volume=10, interval_s=1800, aht_s=180, threshold_s=20)


@pytest.mark.slow
def test_a_million_intervals_are_staffed_in_one_call() -> None:
    rng = np.random.default_rng(2024)
    size = 1_000_000
    load = rng.uniform(1.0, 2000.0, size)
    aht = rng.uniform(120.0, 600.0, size)
    volume = load * 1800.0 / aht
    threshold = rng.choice([10.0, 20.0, 30.0, 60.0], size)
    sl = rng.choice([0.7, 0.8, 0.9], size)
    patience = rng.uniform(30.0, 600.0, size)
    picks = rng.choice(size, 12, replace=False)
    for pat in (None, patience):
        n = required_agents(
            volume=volume, interval_s=1800.0, aht_s=aht, threshold_s=threshold, sl=sl, patience_s=pat
        )
        assert n.shape == (size,) and n.dtype == np.int64
        for k in picks:
            alone = required_agents(
                volume=volume[k],
                interval_s=1800.0,
                aht_s=aht[k],
                threshold_s=threshold[k],
                sl=sl[k],
                patience_s=None if pat is None else pat[k],
            )
            assert int(alone) == n[k]


# --------------------------------------------------------------------------------------------
# The public surface and the documentation


def test_the_staffing_package_exports_the_erlang_api() -> None:
    for name in erlang.__all__:
        assert getattr(arbitre.staffing, name) is getattr(erlang, name)
    assert set(erlang.__all__) <= set(arbitre.staffing.__all__)


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(erlang, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_the_worked_examples_of_the_documentation_run() -> None:
    result = doctest.testfile(str(DOCS), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_a_search_cut_in_blocks_names_the_row_of_the_whole_input() -> None:
    volume = np.full(100_000, 100.0)
    volume[70_123] = 1e6  # needs far more agents than the cap
    with pytest.raises(InfeasibleError, match=r"^row 70123: sl .*not met with max_agents=500"):
        required_agents(volume=volume, interval_s=1800, aht_s=180, threshold_s=20, sl=0.8, max_agents=500)
    volume[70_123] = 100.0
    blocks = required_agents(volume=volume, interval_s=1800, aht_s=180, threshold_s=20, sl=0.8)
    assert np.all(blocks == required_agents(volume=100.0, interval_s=1800, aht_s=180, threshold_s=20, sl=0.8))
