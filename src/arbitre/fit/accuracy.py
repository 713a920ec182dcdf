"""How far each model's predictions fall from what the KPI engine observed, and which fits best.

Per flow and model, over the intervals compared (contacts offered and agents seen):

- mean absolute error, Σ wᵢ·|predictedᵢ − observedᵢ| / Σ wᵢ, root mean square error,
  √(Σ wᵢ·(predictedᵢ − observedᵢ)² / Σ wᵢ), and bias, Σ wᵢ·(predictedᵢ − observedᵢ) / Σ wᵢ
  (positive: the model predicts more than happened), for the service level, the abandon rate and
  the ASA;
- the weight wᵢ of an interval is its volume (real contacts: offered less short abandons), so a
  busy Monday morning counts more than a quiet night, as it does in the monthly KPIs;
- an ASA the model cannot give (Erlang C with no more agents than load: the queue never
  empties) leaves that interval out of the ASA errors only; ``asa_intervals`` says how many
  remain.

The best model is the one with the smallest sum of the root mean square errors of the service
level and the abandon rate (in points: the figures a contract holds a provider to). The square,
not the absolute value: a quiet half hour with one call ends at 0 % or 100 % abandoned, and the
mean absolute error is smallest for a model that always says 0 % (the typical outcome), the
square error for one that says the right probability (the average outcome).
"""

from __future__ import annotations

import numpy as np

from arbitre._types import FloatArray
from arbitre.fit.results import ModelFit, ModelName


def score(errors: ModelFit) -> float:
    """The ranking criterion: RMSE of service level + RMSE of abandon rate (inf if unknown)."""
    if errors.rmse_service_level is None or errors.rmse_abandon_rate is None:
        return float("inf")
    return errors.rmse_service_level + errors.rmse_abandon_rate


def weighted_errors(
    model: ModelName,
    *,
    weight: FloatArray,
    predicted: tuple[FloatArray, FloatArray, FloatArray],
    observed: tuple[FloatArray, FloatArray, FloatArray],
) -> ModelFit:
    """Volume-weighted MAE, RMSE and bias of (service level, abandon rate, ASA) predictions.

    Intervals where an observed value is missing (NaN: no answered contact for the ASA) are left
    out of that KPI's errors.

    >>> e = weighted_errors("erlang_a", weight=np.array([1.0, 3.0]),
    ...     predicted=(np.array([0.8, 0.9]), np.array([0.1, 0.0]), np.array([10.0, np.inf])),
    ...     observed=(np.array([0.7, 0.9]), np.array([0.05, 0.05]), np.array([12.0, 5.0])))
    >>> round(e.mae_service_level, 4), round(e.bias_abandon_rate, 4), e.mae_asa_s, e.asa_intervals
    (0.025, -0.025, 2.0, 1)
    """
    w = np.asarray(weight, dtype=np.float64)
    out: list[tuple[float | None, float | None, float | None, int]] = []
    for p, o in zip(predicted, observed, strict=True):
        ok = np.isfinite(p) & np.isfinite(o) & (w > 0)
        total = float(w[ok].sum())
        if total <= 0.0:
            out.append((None, None, None, 0))
            continue
        diff = p[ok] - o[ok]
        mae = float(np.sum(w[ok] * np.abs(diff)) / total)
        rmse = float(np.sqrt(np.sum(w[ok] * diff * diff) / total))
        out.append((mae, rmse, float(np.sum(w[ok] * diff) / total), int(ok.sum())))
    (sl_mae, sl_rmse, sl_bias, _), (ab_mae, ab_rmse, ab_bias, _), (asa_mae, _, asa_bias, asa_n) = out
    return ModelFit(
        model=model,
        intervals=int(np.sum(w > 0)),
        mae_service_level=sl_mae,
        rmse_service_level=sl_rmse,
        bias_service_level=sl_bias,
        mae_abandon_rate=ab_mae,
        rmse_abandon_rate=ab_rmse,
        bias_abandon_rate=ab_bias,
        mae_asa_s=asa_mae,
        bias_asa_s=asa_bias,
        asa_intervals=asa_n,
    )


def best(errors: list[ModelFit]) -> ModelFit | None:
    """The model with the smallest `score`; None when no model could be compared.

    Ties go to the simpler model, in the order given (Erlang C, Erlang A, the simulation).
    """
    ranked = [e for e in errors if np.isfinite(score(e))]
    return min(ranked, key=score) if ranked else None
