"""The typed results of a model fit: per flow, the patience, the agents seen and each model's errors.

``FitResult`` is what `arbitre.services.fit` returns and what the CLI's ``--json`` prints (the
list of ``flows``), the HTML report draws and the plan and the decision read (`planning_inputs`).
Durations are seconds, shares are fractions.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

ModelName = Literal["erlang_c", "erlang_a", "simulation"]


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BandPatience(_Result):
    """The exponential patience of one hour band; ``patience_mle_s`` is None below the abandons
    the estimate needs (`arbitre.fit.flows.MIN_BAND_ABANDONS`)."""

    band: str
    queued: int
    abandoned: int
    patience_mle_s: float | None
    patience_ci_s: tuple[float, float] | None


class SurvivalPoint(_Result):
    """The Kaplan–Meier curve at one wait: P(patience > time_s) and its confidence band."""

    time_s: float
    survival: float
    ci_low: float
    ci_high: float


class KaplanMeier(_Result):
    """The Kaplan–Meier estimate of the patience distribution, on a grid of waits.

    ``median_s``: None when fewer than half the callers would have hung up by the longest wait;
    ``restricted_mean_s``: the mean patience restricted to ``horizon_s`` (a lower bound of the
    mean when the curve has not fallen to 0).
    """

    median_s: float | None
    restricted_mean_s: float
    horizon_s: float
    curve: list[SurvivalPoint]


class AgentsSummary(_Result):
    """The staffing seen in the records of one flow (`arbitre.fit.agents`).

    ``mean_agents``, ``peak_agents``: the flow's agent-equivalents (its share of multi-skilled
    agents) per interval where some were seen; ``pool_mean_agents``: the agents of the flow's pool
    in those intervals (the models' input); ``occupancy``: the pool's busy time ÷ time on duty.
    """

    intervals_staffed: int
    mean_agents: float
    peak_agents: float
    pool_mean_agents: float
    occupancy: float | None


class ModelFit(_Result):
    """One model's errors against the observed KPIs, volume-weighted (`arbitre.fit.accuracy`)."""

    model: ModelName
    mae_service_level: float | None
    rmse_service_level: float | None
    bias_service_level: float | None
    mae_abandon_rate: float | None
    rmse_abandon_rate: float | None
    bias_abandon_rate: float | None
    mae_asa_s: float | None
    bias_asa_s: float | None
    intervals: int
    asa_intervals: int


class FlowFit(_Result):
    """Everything the fit says of one flow.

    - ``queued``: the flow's real contacts in the sample (queued while agents were seen, short
      abandons left out when the KPI rules exclude them); ``abandoned``: the abandons among them;
      ``short_abandoned``: short abandons left out.
    - ``patience_mle_s``, ``patience_ci_s``: the exponential maximum-likelihood mean patience and
      its confidence interval; ``patience_from_s``: patience counted from this wait (the
      short-abandon threshold when short abandons are excluded, else 0).
    - ``pool``: the flows modelled as one queue with this one (their agents serve them together,
      this flow included); ``model_patience_s``: the patience Erlang A used — the pool's.
    - ``models``: each model's errors; ``best_model``: the one with the smallest root mean square
      errors of service level and abandon rate (None when no interval could be compared: no agent
      ids in the export).
    """

    flow: str
    channel: str
    queued: int
    abandoned: int
    short_abandoned: int
    patience_mle_s: float | None
    patience_ci_s: tuple[float, float] | None
    patience_from_s: float
    patience_by_band: list[BandPatience]
    kaplan_meier: KaplanMeier | None
    aht_s: float | None
    threshold_s: float
    concurrency: int
    pool: list[str]
    model_patience_s: float | None
    agents: AgentsSummary | None
    models: list[ModelFit]
    best_model: ModelName | None

    def model(self, name: str) -> ModelFit | None:
        return next((m for m in self.models if m.model == name), None)


class SkippedFlow(_Result):
    """A flow the fit leaves out, and why: ``no_queue`` (a channel where nobody waits on the line:
    e-mail, back-office, social media, outbound — planned as a backlog or a dialling workload) or
    ``no_contact`` (no contact of a queued channel)."""

    flow: str
    channel: str
    reason: Literal["no_queue", "no_contact"]


class FitResult(_Result):
    """The fit of every queued flow of a workspace or a file."""

    source: str
    timezone: str
    interval_min: int
    period_start: str | None
    period_end: str | None
    short_abandon_s: float
    short_abandons: Literal["exclude", "count"]
    confidence: float
    gap_s: float
    replications: int
    seed: int
    flows: list[FlowFit]
    skipped: list[SkippedFlow]

    def flow(self, name: str) -> FlowFit | None:
        return next((f for f in self.flows if f.flow == name), None)
