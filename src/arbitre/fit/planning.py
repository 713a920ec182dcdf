"""What the plan, the costing and the decision take from a fit: each flow's patience and model.

They size agents with Erlang C or Erlang A (`arbitre.staffing.requirement`); the simulator checks
a plan but does not size one. So the model a flow is planned with is whichever of the two fitted
its history better (smallest root mean square errors of service level and abandon rate), Erlang A with the fitted
patience when the models could not be compared (no agent in the export) and Erlang C when nobody
abandoned. The choice says where it comes from, in words and in figures, for the inputs the plan
and the decision record.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from arbitre.fit.accuracy import score
from arbitre.fit.results import FlowFit, ModelFit


class PlanningPatience(BaseModel):
    """One flow's patience and model for sizing, and their source.

    ``patience_s`` is what the sizing uses: the fitted mean under Erlang A, None under Erlang C;
    ``fitted_patience_s`` and ``patience_ci_s`` the fit's estimate whatever the model;
    ``queued``/``abandoned``: the contacts it rests on; ``errors``: each compared model's root mean
    square error on the abandon rate (a fraction); ``source``: all of it in one sentence.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    flow: str
    model: Literal["erlang_a", "erlang_c"]
    patience_s: float | None
    fitted_patience_s: float | None
    patience_ci_s: tuple[float, float] | None
    queued: int
    abandoned: int
    compared: bool
    errors: dict[str, float]
    source: str


def planning_patience(flow: FlowFit) -> PlanningPatience:
    """The model and patience to size ``flow`` with (module docstring).

    >>> from arbitre.fit.results import ModelFit
    >>> def m(name, ab):
    ...     return ModelFit(model=name, mae_service_level=0.1, rmse_service_level=0.1, bias_service_level=0.0,
    ...                     mae_abandon_rate=ab, rmse_abandon_rate=ab, bias_abandon_rate=0.0, mae_asa_s=None,
    ...                     bias_asa_s=None, intervals=9, asa_intervals=0)
    >>> f = FlowFit(flow="sav", channel="voice_in", queued=19971, abandoned=1569, short_abandoned=53,
    ...     patience_mle_s=441.6, patience_ci_s=(420.3, 464.0), patience_from_s=5.0, patience_by_band=[],
    ...     kaplan_meier=None, aht_s=184.0, threshold_s=20.0, concurrency=1, pool=["sav"],
    ...     model_patience_s=441.6, agents=None, models=[m("erlang_c", 0.079), m("erlang_a", 0.054)],
    ...     best_model="erlang_a")
    >>> p = planning_patience(f)
    >>> p.model, p.patience_s
    ('erlang_a', 441.6)
    >>> p.source
    'fitted from 19,971 queued contacts (1,569 abandons): 442 s, 95 % CI 420–464 s; Erlang A fits better than Erlang C (service level and abandon rate off by 10.0 and 5.4 pts per interval, root mean square, against 10.0 and 7.9)'
    """
    c, a = flow.model("erlang_c"), flow.model("erlang_a")
    compared = c is not None and a is not None
    head = f"fitted from {flow.queued:,} queued contacts ({flow.abandoned:,} abandons)"
    if flow.patience_mle_s is None:
        model: Literal["erlang_a", "erlang_c"] = "erlang_c"
        source = f"no abandon among {flow.queued:,} queued contacts: Erlang C"
    else:
        ci = (
            f", 95 % CI {flow.patience_ci_s[0]:,.0f}–{flow.patience_ci_s[1]:,.0f} s"
            if flow.patience_ci_s
            else ""
        )
        head = f"{head}: {flow.patience_mle_s:,.0f} s{ci}"
        if c is not None and a is not None:
            model = "erlang_c" if score(c) < score(a) else "erlang_a"
            winner, loser = (c, a) if model == "erlang_c" else (a, c)
            source = (
                f"{head}; {_name(winner)} fits better than {_name(loser)} (service level and abandon rate "
                f"off by {_pts(winner.rmse_service_level)} and {_pts(winner.rmse_abandon_rate)} pts per "
                f"interval, root mean square, against {_pts(loser.rmse_service_level)} and "
                f"{_pts(loser.rmse_abandon_rate)})"
            )
        else:
            model = "erlang_a"
            source = f"{head}; the records name no agent, the models could not be compared: Erlang A"
    return PlanningPatience(
        flow=flow.flow,
        model=model,
        patience_s=flow.patience_mle_s if model == "erlang_a" else None,
        fitted_patience_s=flow.patience_mle_s,
        patience_ci_s=flow.patience_ci_s,
        queued=flow.queued,
        abandoned=flow.abandoned,
        compared=compared,
        errors={m.model: m.rmse_abandon_rate for m in flow.models if m.rmse_abandon_rate is not None},
        source=source,
    )


def _name(m: ModelFit) -> str:
    return "Erlang A" if m.model == "erlang_a" else "Erlang C"


def _pts(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.1f}"
