"""Erlang B, C and A (Palm): what a number of agents delivers, and how many agents targets need.

Analytic queueing models of one interval, vectorised over arrays of intervals (NumPy
broadcasting). Poisson arrivals at rate λ, exponential handle times of mean ``aht_s`` (μ = 1/aht),
``agents`` identical agents (n), first come first served; offered load a = λ/μ Erlangs.

- Erlang C (M/M/n, Erlang 1917): callers wait as long as it takes.
- Erlang A (M/M/n+M, Palm 1943): each caller abandons after an exponential patience of mean
  ``patience_s`` (θ = 1/patience) if not answered by then.

Every formula is written with the regularised incomplete gamma functions and the Poisson
density, taken in log space, so that nothing overflows from 1 agent to 100,000 agents; where the
incomplete gamma functions underflow, the same ratios come from a 40-point Gauss–Legendre rule on
a log-concave integrand. docs/staffing-models.md derives the formulas and gives their sources.

The package is cut by concept:

- `arbitre.staffing.erlang.models`: Erlang B, C and A, what a staffing delivers (`evaluate`,
  `QueueMetrics`) and the validation of the inputs;
- `arbitre.staffing.erlang.special`: the special functions in log space and the quadrature they
  fall back on;
- `arbitre.staffing.erlang.search`: the fewest agents meeting targets (`required_agents`).

>>> m = evaluate(agents=29, volume=180, interval_s=1800, aht_s=240, threshold_s=20)
>>> round(float(m.service_level), 4), round(float(m.asa_s), 2)
(0.8403, 11.63)
>>> int(required_agents(volume=180, interval_s=1800, aht_s=240, threshold_s=20, sl=0.8))
29
"""

from __future__ import annotations

from arbitre.staffing.erlang.models import QueueMetrics, erlang_b, erlang_c, evaluate
from arbitre.staffing.erlang.search import required_agents

__all__ = ["QueueMetrics", "erlang_b", "erlang_c", "evaluate", "required_agents"]
