"""The words of quality monitoring in the reports, in French and English (merged into `i18n`)."""

from __future__ import annotations

_PAIRS: dict[str, tuple[str, str]] = {
    # --- the KPIs, as the SLA tables and definitions name them -----------------------------
    "kpi.qa_auto_score": ("Note qualité automatique", "Automatic quality score"),
    "kpi.qa_auto_critical_rate": (
        "Taux d'erreurs critiques (automatique)",
        "Critical-failure rate (automatic)",
    ),
    "kpi.qa_human_score": ("Note qualité des évaluateurs", "Graders' quality score"),
    "kpi.qa_human_critical_rate": (
        "Taux d'erreurs critiques (évaluateurs)",
        "Critical-failure rate (graders)",
    ),
    "kpidef.qa_auto_score": (
        "note moyenne des contacts contrôlés automatiquement sur la grille qualité, sur les critères fiables",
        "mean score of the contacts checked automatically on the QA grid, over the trusted criteria",
    ),
    "kpidef.qa_auto_critical_rate": (
        "part des contacts contrôlés automatiquement en échec sur un critère critique",
        "share of the contacts checked automatically that fail a critical criterion",
    ),
    "kpidef.qa_human_score": (
        "note moyenne des contacts évalués par les évaluateurs qualité",
        "mean score of the contacts the quality graders evaluated",
    ),
    "kpidef.qa_human_critical_rate": (
        "part des contacts évalués en échec sur un critère critique",
        "share of the contacts evaluated that fail a critical criterion",
    ),
    # --- the quality section of the steering-committee report ----------------------------
    "qa.title": ("Qualité", "Quality"),
    "qa.lead": (
        "Chaque contact transcrit est contrôlé automatiquement sur la grille « {grid} » (version {version}) ; "
        "les évaluateurs en écoutent un échantillon ciblé. Un critère n'entre dans la note automatique que si "
        "son accord avec les évaluateurs (kappa de Cohen) atteint {kappa}.",
        "Every transcribed contact is checked automatically on the grid “{grid}” (version {version}); the "
        "graders review a targeted sample. A criterion counts in the automatic score only when its agreement "
        "with the graders (Cohen's kappa) reaches {kappa}.",
    ),
    "qa.checked": ("Contacts contrôlés", "Contacts checked"),
    "qa.of": ("sur", "of"),
    "qa.auto_score": ("Note automatique", "Automatic score"),
    "qa.human_score": ("Note des évaluateurs", "Graders' score"),
    "qa.critical": ("Erreurs critiques", "Critical failures"),
    "qa.evaluated": ("Contacts évalués", "Contacts evaluated"),
    "qa.criteria": (
        "Critères : contrôle automatique et calibrage",
        "Criteria: automatic check and calibration",
    ),
    "qa.col.criterion": ("Critère", "Criterion"),
    "qa.col.compliance": ("Conformes (auto)", "Compliant (auto)"),
    "qa.col.pairs": ("Contacts comparés", "Contacts compared"),
    "qa.col.kappa": ("Kappa", "Kappa"),
    "qa.col.agreement": ("Accord", "Agreement"),
    "qa.col.status": ("Statut", "Status"),
    "qa.trusted": ("automatique", "automatic"),
    "qa.human_only": ("reste humain", "stays human"),
    "qa.not_automatic": ("évaluateurs seuls", "graders only"),
    "qa.agents": ("Conseillers signalés", "Flagged agents"),
    "qa.agents_note": (
        "Conseillers dont la note automatique est sous le seuil de {pass_score} ou dont le taux d'un critère "
        "est à plus de deux écarts-types du site (test binomial).",
        "Agents whose automatic score is below the pass mark of {pass_score} or whose rate on a criterion is "
        "more than two standard errors off the site's (binomial test).",
    ),
    "qa.col.agent": ("Conseiller", "Agent"),
    "qa.col.contacts": ("Contacts", "Contacts"),
    "qa.col.score": ("Note auto", "Auto score"),
    "qa.col.failing": ("Critères en écart", "Criteria off"),
    "qa.no_agent": ("Aucun conseiller signalé.", "No agent flagged."),
    "qa.graders": ("Alignement des évaluateurs", "Grader alignment"),
    "qa.col.grader": ("Évaluateur", "Grader"),
    "qa.col.leniency": ("Écart de note", "Score gap"),
    "qa.strictest": ("le plus sévère", "strictest"),
    "qa.most_lenient": ("le plus indulgent", "most lenient"),
    "qa.disputes": ("Contestations", "Disputes"),
    "qa.disputes_text": (
        "{open} ouverte(s), {accepted} acceptée(s), {rejected} rejetée(s).",
        "{open} open, {accepted} accepted, {rejected} rejected.",
    ),
    "qa.none": (
        "Aucun contrôle qualité automatique pour ce mois (arbitre qa check).",
        "No automatic quality check for this month (arbitre qa check).",
    ),
    "qa.critical_badge": ("critique", "critical"),
    "qa.reasons": ("Motifs de contact (classifieur)", "Contact reasons (classifier)"),
}

QUALITY: dict[str, dict[str, str]] = {k: {"fr": fr, "en": en} for k, (fr, en) in _PAIRS.items()}
