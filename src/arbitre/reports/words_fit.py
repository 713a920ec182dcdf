"""The words of the model-fit report and of `arbitre fit`, in French and English.

`verdict` says plainly which model fits a flow best and by how much, with the figures written the
language's way; the template reads the rest through `w`.
"""

from __future__ import annotations

from arbitre.fit.results import FlowFit, ModelFit

_PAIRS: dict[str, tuple[str, str]] = {
    "title": ("Ajustement des modèles de dimensionnement", "Staffing models checked against the history"),
    "subtitle": (
        "Patience mesurée sur les attentes, agents vus dans les données, et Erlang C, Erlang A et le "
        "simulateur confrontés aux indicateurs observés, intervalle par intervalle.",
        "Patience measured on the waits, agents seen in the data, and Erlang C, Erlang A and the "
        "simulator against the observed KPIs, interval by interval.",
    ),
    "source": ("Source", "Source"),
    "period": ("Période", "Period"),
    "timezone": ("Fuseau horaire", "Time zone"),
    "interval": ("Intervalle", "Interval"),
    "minutes": ("min", "min"),
    "short_rule": ("Abandons courts", "Short abandons"),
    "short_excluded": ("exclus sous {s} s (règles des indicateurs)", "excluded under {s} s (the KPI rules)"),
    "short_counted": ("comptés comme les autres", "counted as any other"),
    "overview": ("Synthèse par flux", "Overview by flow"),
    "flow": ("Flux", "Flow"),
    "queued": ("Contacts en file", "Queued contacts"),
    "abandoned": ("Abandons", "Abandons"),
    "patience": ("Patience moyenne (IC 95 %)", "Mean patience (95% CI)"),
    "km_median": ("Patience médiane (Kaplan–Meier)", "Median patience (Kaplan–Meier)"),
    "agents": ("Agents vus (moyenne)", "Agents seen (mean)"),
    "best": ("Meilleur modèle", "Best model"),
    "model": ("Modèle", "Model"),
    "mae_sl": ("Écart moyen niveau de service", "Mean error, service level"),
    "bias_sl": ("Biais niveau de service", "Bias, service level"),
    "mae_ab": ("Écart moyen taux d'abandon", "Mean error, abandon rate"),
    "rmse_sl": ("Écart quadratique niveau de service", "RMS error, service level"),
    "rmse_ab": ("Écart quadratique taux d'abandon", "RMS error, abandon rate"),
    "bias_ab": ("Biais taux d'abandon", "Bias, abandon rate"),
    "mae_asa": ("Écart moyen ASA", "Mean error, ASA"),
    "intervals": ("Intervalles comparés", "Intervals compared"),
    "points": ("pts", "pts"),
    "erlang_c": ("Erlang C", "Erlang C"),
    "erlang_a": ("Erlang A", "Erlang A"),
    "simulation": ("Simulation", "Simulation"),
    "observed": ("Observé", "Observed"),
    "predicted": ("Prédit", "Predicted"),
    "service_level": ("Niveau de service", "Service level"),
    "abandon_rate": ("Taux d'abandon", "Abandon rate"),
    "wait_s": ("Attente (s)", "Wait (s)"),
    "survival": ("Part encore en attente", "Share still willing to wait"),
    "km": ("Kaplan–Meier (IC 95 %)", "Kaplan–Meier (95% CI)"),
    "exponential": ("Exponentielle (EMV)", "Exponential (MLE)"),
    "survival_title": ("Patience : courbe de survie", "Patience: survival curve"),
    "scatter_title": ("Prédit contre observé", "Predicted against observed"),
    "bands": ("Patience par tranche horaire", "Patience by hour band"),
    "band": ("Tranche", "Band"),
    "too_few": ("trop peu d'abandons", "too few abandons"),
    "pool": ("Modélisé avec", "Modelled with"),
    "pool_note": (
        "Ces flux partagent leurs agents : les modèles les traitent comme une seule file, avec les "
        "agents et la charge de l'ensemble, et chaque flux est comparé à ses propres indicateurs.",
        "These flows share their agents: the models treat them as one queue, with the agents and the "
        "load of them all, and each flow is compared with its own KPIs.",
    ),
    "model_patience": ("Patience utilisée par Erlang A", "Patience Erlang A used"),
    "occupancy": ("Occupation vue", "Occupancy seen"),
    "skipped": ("Flux non ajustés", "Flows not fitted"),
    "skip.no_queue": (
        "personne n'attend en ligne : planifié comme un stock à traiter ou une campagne d'appels",
        "nobody waits on the line: planned as a backlog or a dialling workload",
    ),
    "skip.no_contact": ("aucun contact en file", "no queued contact"),
    "method": ("Méthode", "Method"),
    "method_text": (
        "La patience est estimée sur toutes les attentes : un appel abandonné montre sa patience, un "
        "appel décroché montre seulement qu'elle était plus longue que son attente (observation "
        "censurée). Estimation exponentielle par maximum de vraisemblance (temps d'attente total ÷ "
        "abandons) et courbe de Kaplan–Meier. Les agents disponibles par intervalle sont déduits des "
        "identifiants d'agents et des durées de traitement. Les écarts sont pondérés par le volume. "
        "Détails et sources : docs/model-fit.md.",
        "Patience is estimated on every wait: an abandoned call shows its patience, an answered call "
        "only that it was longer than its wait (a censored observation). Exponential maximum-"
        "likelihood estimate (total waiting time ÷ abandons) and the Kaplan–Meier curve. The agents "
        "available per interval are inferred from agent ids and handle times. Errors are weighted by "
        "volume. Details and sources: docs/model-fit.md.",
    ),
    "footer": (
        "Produit par Arbitre (arbitre fit) à partir des interactions ; méthode : docs/model-fit.md.",
        "Produced by Arbitre (arbitre fit) from the interactions; method: docs/model-fit.md.",
    ),
    "no_models": (
        "Les données ne nomment pas les agents : la patience est estimée, mais les modèles ne "
        "peuvent pas être confrontés aux intervalles observés.",
        "The records name no agent: patience is estimated, but the models cannot be checked "
        "against the observed intervals.",
    ),
    "verdict": (
        "{best} est le modèle le plus proche des données : d'un intervalle à l'autre, il s'écarte "
        "de {sl} sur le niveau de service et de {ab} sur le taux d'abandon (écart quadratique "
        "moyen ; {others}).",
        "{best} fits best: interval by interval, its service level is off by {sl} and its abandon "
        "rate by {ab} (root mean square; {others}).",
    ),
    "verdict_other": ("{model} : {sl} et {ab}", "{model}: {sl} and {ab}"),
}

LANGS = ("fr", "en")


def w(key: str, lang: str = "fr") -> str:
    """The text of ``key`` in ``lang`` (French when the language is unknown).

    >>> w("best", "en")
    'Best model'
    """
    fr, en = _PAIRS[key]
    return en if lang == "en" else fr


def points(share: float | None, lang: str = "fr") -> str:
    """A difference of shares in percentage points: 0.0493 → "4,9 pts" (fr), "4.9 pts" (en).

    >>> points(0.0493, "fr"), points(-0.012, "en"), points(None)
    ('4,9\\xa0pts', '-1.2 pts', '—')
    """
    if share is None:
        return "—"
    text = f"{100 * share:.1f}"
    return f"{text.replace('.', ',')}\u00a0pts" if lang == "fr" else f"{text} pts"


def verdict(flow: FlowFit, lang: str = "fr") -> str:
    """The best model of ``flow`` said plainly, with its errors and the others'.

    >>> from arbitre.fit.results import ModelFit
    >>> def m(name, sl, ab):
    ...     return ModelFit(model=name, mae_service_level=sl, rmse_service_level=sl, bias_service_level=0.0,
    ...                     mae_abandon_rate=ab, rmse_abandon_rate=ab, bias_abandon_rate=0.0, mae_asa_s=None,
    ...                     bias_asa_s=None, intervals=9, asa_intervals=0)
    >>> f = FlowFit(flow="x", channel="voice_in", queued=9, abandoned=1, short_abandoned=0,
    ...     patience_mle_s=60.0, patience_ci_s=(30.0, 120.0), patience_from_s=5.0, patience_by_band=[],
    ...     kaplan_meier=None, aht_s=100.0, threshold_s=20.0, concurrency=1, pool=["x"],
    ...     model_patience_s=60.0, agents=None, models=[m("erlang_c", 0.2, 0.08), m("erlang_a", 0.1, 0.02)],
    ...     best_model="erlang_a")
    >>> verdict(f, "en")
    'Erlang A fits best: interval by interval, its service level is off by 10.0 pts and its abandon rate by 2.0 pts (root mean square; Erlang C: 20.0 pts and 8.0 pts).'
    """
    if flow.best_model is None:
        return w("no_models", lang)
    winner = flow.model(flow.best_model)
    assert winner is not None
    others = [m for m in flow.models if m.model != flow.best_model]
    return w("verdict", lang).format(
        best=w(winner.model, lang),
        sl=points(winner.rmse_service_level, lang),
        ab=points(winner.rmse_abandon_rate, lang),
        others="; ".join(_other(m, lang) for m in others),
    )


def _other(m: ModelFit, lang: str) -> str:
    return w("verdict_other", lang).format(
        model=w(m.model, lang), sl=points(m.rmse_service_level, lang), ab=points(m.rmse_abandon_rate, lang)
    )
