"""Model fit: each flow's staffing model checked against the client's own history.

Pure functions of arrays (no I/O), cut by concept:

- `arbitre.fit.patience`: patience from censored waits — the exponential maximum-likelihood
  estimate and the Kaplan–Meier curve, with confidence intervals;
- `arbitre.fit.agents`: the agents seen per interval, from agent ids and handle times;
- `arbitre.fit.predict`: Erlang C and Erlang A at the agents seen;
- `arbitre.fit.replay`: the history replayed through the queue simulator;
- `arbitre.fit.accuracy`: errors against the observed KPIs, and the best model;
- `arbitre.fit.flows`: all of it per flow (`fit_flows`), typed results in `arbitre.fit.results`.

docs/model-fit.md gives the estimators, their sources and a worked example. The submodules are
imported one by one (``from arbitre.fit.patience import kaplan_meier``): the simulator they use
compiles with Numba, which a command that only reads the results need not load.
"""

from __future__ import annotations
