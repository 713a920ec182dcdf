"""The words of the steering-committee report, in French and English (merged into `i18n`).

Sentences with ``{placeholders}`` are filled by `arbitre.services.copil` with figures already
written the language's way (money, shares, month names).
"""

from __future__ import annotations

_PAIRS: dict[str, tuple[str, str]] = {
    # --- header --------------------------------------------------------------------------
    "gov.title": ("Comité de pilotage", "Steering committee"),
    "gov.subtitle": (
        "Revue mensuelle client–prestataire (ISO 18295-2) : niveaux de service, pénalités et bonus, "
        "volumes, facture, alertes, échéances et actions.",
        "Monthly client–provider review (ISO 18295-2): service levels, credits and bonus, volumes, "
        "invoice, warnings, obligations and actions.",
    ),
    "gov.client": ("Client", "Client"),
    "gov.provider": ("Prestataire", "Provider"),
    "gov.month": ("Mois", "Month"),
    "gov.version": ("version du contrat", "contract version"),
    "gov.complete": ("mois complet", "month complete"),
    "gov.mtd": ("mois en cours : données jusqu'au", "month to date through"),
    "gov.no_data": ("aucune donnée ce mois", "no data this month"),
    "gov.run": ("Exécution", "Run"),
    "gov.by": ("par", "by"),
    "gov.on": ("le", "on"),
    # --- scorecard -----------------------------------------------------------------------
    "gov.scorecard": ("Tableau de bord", "Scorecard"),
    "gov.met": ("tenu", "met"),
    "gov.missed": ("non tenu", "missed"),
    "gov.unmeasured": ("non mesuré", "not measured"),
    "gov.target": ("objectif", "target"),
    "gov.credit": ("pénalité", "credit"),
    "gov.fees": ("Facturation calculée", "Fees"),
    "gov.credits": ("Pénalités", "Credits"),
    "gov.earned_back": ("Pénalités restituées", "Earned back"),
    "gov.bonus": ("Bonus", "Bonus"),
    "gov.net_fees": ("Net à payer", "Net fees"),
    "gov.fees_note": (
        "selon la grille du contrat, sur les unités calculées",
        "at the contract's prices, on the computed units",
    ),
    "gov.net_note": (
        "facturation − pénalités + restitutions + bonus",
        "fees − credits + earned back + bonus",
    ),
    # --- SLA table -----------------------------------------------------------------------
    "gov.slas": ("Niveaux de service", "Service levels"),
    "gov.col.sla": ("SLA", "SLA"),
    "gov.col.kpi": ("Indicateur", "KPI"),
    "gov.col.target": ("Objectif", "Target"),
    "gov.col.window": ("Fenêtre", "Window"),
    "gov.col.windows_met": ("Fenêtres conformes", "Windows met"),
    "gov.col.actual": ("Réalisé", "Actual"),
    "gov.col.month_value": ("Valeur du mois", "Month value"),
    "gov.col.contacts": ("Contacts du périmètre", "Contacts in scope"),
    "gov.col.excluded": ("Contacts exclus", "Contacts excluded"),
    "gov.col.result": ("Résultat", "Result"),
    "gov.col.weight": ("Poids", "Weight"),
    "gov.col.credit_before_cap": ("Avant plafond", "Before cap"),
    "gov.col.credit": ("Pénalité", "Credit"),
    "gov.col.bonus": ("Bonus", "Bonus"),
    "gov.excluded_windows": ("exclues", "excluded"),
    "gov.min_share": ("exigé", "required"),
    "gov.slas_note": (
        "Fenêtre jour ou intervalle : le réalisé est la part des fenêtres conformes, à comparer au minimum exigé ; "
        "la valeur du mois est l'indicateur sur tout le mois. Les contacts des jours et périodes exclus ne comptent pas.",
        "Day or interval window: the actual is the share of windows meeting the target, against the share required; "
        "the month value is the KPI over the whole month. Contacts of excluded days and periods are not counted.",
    ),
    "window.month": ("mois", "month"),
    "window.day": ("jour", "day"),
    "window.interval": ("intervalle", "interval"),
    "windows.day": ("des jours", "of days"),
    "windows.interval": ("des intervalles", "of intervals"),
    # --- trends --------------------------------------------------------------------------
    "gov.trends": ("Tendances", "Trends"),
    "gov.trends_note": (
        "Mois enregistrés, du plus ancien au plus récent. Points verts : tenu ; rouges : non tenu ; trait pointillé : objectif "
        "(pour une fenêtre jour ou intervalle, la part minimale de fenêtres conformes).",
        "Recorded months, oldest first. Green points: met; red: missed; dashed line: target "
        "(for a day or interval window, the share of windows required).",
    ),
    "gov.chart_money": (
        "Facturation, pénalités et net à payer par mois",
        "Fees, credits and net fees by month",
    ),
    "gov.axis_amount": ("Montant", "Amount"),
    "gov.windows_met.day": ("part des jours conformes", "share of days met"),
    "gov.windows_met.interval": ("part des intervalles conformes", "share of intervals met"),
    "gov.series.fees": ("Facturation", "Fees"),
    "gov.series.credits": ("Pénalités", "Credits"),
    "gov.series.net_fees": ("Net à payer", "Net fees"),
    # --- credits -------------------------------------------------------------------------
    "gov.credits_section": ("Pénalités et bonus", "Credits and bonus"),
    "gov.at_risk": ("Montant à risque", "At risk"),
    "gov.cap": ("Plafond des pénalités", "Credits cap"),
    "gov.credits_before_cap": ("Pénalités avant plafond", "Credits before cap"),
    "gov.credits_after_cap": ("Pénalités après plafond", "Credits after cap"),
    "gov.bonus_pool": ("Enveloppe de bonus", "Bonus pool"),
    "gov.earn_back": ("Restitution des pénalités", "Earn-back"),
    "gov.earn_back_none": ("Aucune pénalité en cours de restitution.", "No credit open for earn-back."),
    "gov.earn_back_off": ("Le contrat ne prévoit pas de restitution.", "The contract has no earn-back."),
    "gov.earn_back_rule": (
        "Une pénalité est restituée si le SLA est tenu chacun des {n} mois suivants ; perdue dès qu'il ne l'est pas.",
        "A credit is returned if the SLA is met in each of the next {n} months; forfeited as soon as it is not.",
    ),
    "gov.earn_back_rule_1": (
        "Une pénalité est restituée si le SLA est tenu le mois suivant ; perdue sinon.",
        "A credit is returned if the SLA is met in the next month; forfeited otherwise.",
    ),
    "gov.col.credit_month": ("Mois de la pénalité", "Credit's month"),
    "gov.col.amount": ("Montant", "Amount"),
    "gov.col.status": ("Statut", "Status"),
    "gov.col.decided": ("Décidée en", "Decided in"),
    "gov.col.closes": ("Décidée au plus tard en", "Closes"),
    "gov.this_month": ("ce mois", "this month"),
    "earn.returned": ("restituée", "returned"),
    "earn.pending": ("en attente", "pending"),
    "earn.forfeited": ("perdue", "forfeited"),
    # --- volumes -------------------------------------------------------------------------
    "gov.volumes": ("Volumes et exclusions", "Volumes and exclusions"),
    "gov.col.flow": ("Flux", "Flow"),
    "gov.col.forecast": ("Prévision", "Forecast"),
    "gov.col.band": ("Bande de tolérance", "Band"),
    "gov.col.within": ("Dans la bande", "Within the band"),
    "gov.col.day": ("Jour", "Day"),
    "gov.col.start": ("Début", "Start"),
    "gov.col.end": ("Fin", "End"),
    "gov.col.reason": ("Motif", "Reason"),
    "gov.yes": ("oui", "yes"),
    "gov.no": ("non", "no"),
    "gov.excluded_days": (
        "Jours exclus (volume au-dessus de la bande)",
        "Excluded days (volume above the band)",
    ),
    "gov.no_excluded_day": ("Aucun jour exclu pour volume.", "No day excluded for volume."),
    "gov.periods": ("Périodes exclues d'un commun accord", "Agreed excluded periods"),
    # --- invoice -------------------------------------------------------------------------
    "gov.invoice": ("Contrôle de la facture", "Invoice check"),
    "gov.billed_total": ("Total facturé", "Billed total"),
    "gov.computed_total": ("Total calculé", "Computed total"),
    "gov.difference": ("Écart", "Difference"),
    "gov.flagged": ("écart(s) signalé(s)", "difference(s) flagged"),
    "gov.invoice_file": ("Fichier", "File"),
    "gov.col.item": ("Élément", "Item"),
    "gov.col.billed": ("Facturé", "Billed"),
    "gov.col.computed": ("Calculé", "Computed"),
    "gov.col.share": ("Écart %", "Difference %"),
    "gov.col.flag": ("Contrôle", "Check"),
    "gov.col.note": ("Note", "Note"),
    "flag.ok": ("conforme", "ok"),
    "flag.over": ("surfacturé", "over"),
    "flag.under": ("sous-facturé", "under"),
    "flag.price": ("prix", "price"),
    "flag.unverifiable": ("invérifiable", "unverifiable"),
    "flag.evidence": ("justificatif demandé", "evidence requested"),
    # --- business case -------------------------------------------------------------------
    "gov.bc": ("Dossier de décision et réalité", "Business case versus actual"),
    "gov.bc_note": (
        "Le coût réel est le net à payer du mois ; le coût prévu celui du dossier de décision pour les flux du contrat à l'offre retenue.",
        "The actual cost is the month's net fees; the projected one the business case's for the contract's flows at the chosen offer.",
    ),
    "gov.col.projected": ("Prévu", "Projected"),
    "gov.bc.monthly": ("Coût mensuel", "Monthly cost"),
    "gov.bc.contacts": ("Contacts traités", "Contacts handled"),
    "gov.bc.per_contact": ("Coût par contact", "Cost per contact"),
    "gov.bc.savings": ("Économie par rapport à l'interne", "Savings against in-house"),
    "gov.bc.inhouse": ("Coût interne mensuel de référence", "In-house monthly reference cost"),
    "gov.bc.per_contact_gap": ("Écart du coût par contact", "Cost per contact difference"),
    "gov.bc.decision": ("Décision", "Decision"),
    "gov.bc.offer": ("offre", "offer"),
    # --- warnings and obligations --------------------------------------------------------
    "gov.watch": ("Alertes et échéances", "Early warnings and obligations"),
    "gov.warnings": ("Alertes du mois en cours", "Month-to-date warnings"),
    "gov.col.needed": ("Nécessaire sur le reste du mois", "Needed on the rest of the month"),
    "warn.on_track": ("en bonne voie", "on track"),
    "warn.at_risk": ("à risque", "at risk"),
    "warn.missed": ("manqué", "missed"),
    "gov.obligations": ("Calendrier des obligations", "Obligations calendar"),
    "gov.obligations_note": (
        "Jours restants comptés au {date}, date de l'exécution.",
        "Days left counted from {date}, the run date.",
    ),
    "gov.col.date": ("Date", "Date"),
    "gov.col.kind": ("Nature", "Kind"),
    "gov.col.what": ("Objet", "What"),
    "gov.col.days_left": ("Jours restants", "Days left"),
    "gov.col.severity": ("Urgence", "Severity"),
    "kind.committee": ("comité", "committee"),
    "kind.certification": ("certification", "certification"),
    "kind.notice": ("préavis", "notice"),
    "kind.earn_back": ("restitution", "earn-back"),
    "kind.audit": ("audit", "audit"),
    "kind.contract_end": ("fin de période", "end of term"),
    "severity.info": ("à venir", "upcoming"),
    "severity.soon": ("proche", "soon"),
    "severity.overdue": ("dépassée", "overdue"),
    # --- open actions --------------------------------------------------------------------
    "gov.actions": ("Actions ouvertes", "Open actions"),
    "gov.actions_note": (
        "Déduites des résultats du mois (SLA non tenus, écarts de facture, alertes, échéances, restitutions en attente), non saisies à la main.",
        "Derived from the month's results (missed SLAs, invoice differences, warnings, obligations, pending earn-back), not typed by hand.",
    ),
    "gov.no_action": ("Aucune action ouverte.", "No open action."),
    "gov.col.action": ("Action", "Action"),
    "gov.col.owner": ("Porteur", "Owner"),
    "gov.col.due": ("Échéance", "Due"),
    "owner.provider": ("Prestataire", "Provider"),
    "owner.client": ("Client", "Client"),
    "act.remediation": (
        "Demander au prestataire un plan de remédiation pour {sla} ({kpi}) : {actual} pour un objectif {target} ; pénalité de {credit}.",
        "Remediation plan requested from the provider for {sla} ({kpi}): {actual} against a target of {target}; credit of {credit}.",
    ),
    "act.unmeasured": (
        "Établir pourquoi {sla} ({kpi}) n'a pas pu être mesuré ce mois (aucun contact compté).",
        "Find out why {sla} ({kpi}) could not be measured this month (no contact counted).",
    ),
    "act.dispute": (
        "Contester la ligne de facture « {item} » ({flag}) : facturé {billed}, calculé {computed}, écart {difference} — {note}.",
        "Dispute the invoice line “{item}” ({flag}): billed {billed}, computed {computed}, difference {difference} — {note}.",
    ),
    "act.justify": (
        "Demander au prestataire le justificatif de la ligne de facture « {item} » ({billed} facturé) — {note}.",
        "Ask the provider to support the invoice line “{item}” ({billed} billed) — {note}.",
    ),
    "act.warning": (
        "Alerte sur {sla} ({status}) : {note}.",
        "Warning on {sla} ({status}): {note}.",
    ),
    "act.obligation": ("{kind} ({severity}) : {what}.", "{kind} ({severity}): {what}."),
    "act.earn_back": (
        "Suivi : {sla} doit être tenu {when} pour restituer la pénalité de {credit_month} ({amount}).",
        "Follow-up: {sla} must be met {when} to earn back the credit of {credit_month} ({amount}).",
    ),
    "act.in": ("en {month}", "in {month}"),
    "act.from_to": ("de {first} à {last}", "from {first} to {last}"),
    # --- method --------------------------------------------------------------------------
    "gov.method": ("Comment les chiffres sont calculés", "How the figures are computed"),
    "gov.method_credits": (
        "Montant à risque = {at_risk_share} de la facturation du mois ; chaque SLA non tenu coûte son poids de ce montant ; "
        "les pénalités du mois ne dépassent pas {cap_share} de la facturation (réduites au prorata au-delà). "
        "Net à payer = facturation − pénalités + restitutions + bonus.",
        "At risk = {at_risk_share} of the month's fees; each missed SLA costs its weight of that amount; the month's credits "
        "never exceed {cap_share} of the fees (reduced pro rata above it). Net fees = fees − credits + earned back + bonus.",
    ),
    "gov.method_bonus": (
        "Enveloppe de bonus = {pool_share} de la facturation, partagée entre les SLA qui battent leur objectif de bonus{all_met}.",
        "Bonus pool = {pool_share} of the fees, shared between the SLAs that beat their bonus target{all_met}.",
    ),
    "gov.method_all_met": (
        ", seulement un mois où tous les SLA sont tenus",
        ", only in a month where every SLA is met",
    ),
    "gov.footer": (
        "Produit par Arbitre à partir des interactions du prestataire et du contrat enregistré. Méthode : docs/governance.md ; "
        "définitions des indicateurs : docs/kpis.md. Les montants sont des décimaux exacts arrondis au centime.",
        "Produced by Arbitre from the provider's interactions and the stored contract. Method: docs/governance.md; "
        "KPI definitions: docs/kpis.md. Amounts are exact decimals rounded to the cent.",
    ),
    "def.flows": ("flux", "flows"),
    "def.all_flows": ("tous les flux du contrat", "every flow of the contract"),
    "def.channels": ("canaux", "channels"),
    "def.hours": ("arrivées dans les horaires", "arrivals within the hours"),
    "def.short_abandons": ("abandons de moins de {s} s : {how}", "abandons under {s} s: {how}"),
    "def.short.exclude": ("exclus", "excluded"),
    "def.short.count": ("comptés", "counted"),
    "def.per_window": (
        "calculé par {window} ; tenu si au moins {share} {windows} atteignent l'objectif",
        "computed per {window}; met when at least {share} {windows} reach the target",
    ),
    "def.per_month": ("calculé sur le mois", "computed over the month"),
    "def.interval_mean": ("moyenne des intervalles", "mean of the intervals"),
    # --- KPIs ----------------------------------------------------------------------------
    "kpi.service_level": ("Niveau de service", "Service level"),
    "kpi.abandon_rate": ("Taux d'abandon", "Abandonment rate"),
    "kpi.asa_s": ("Délai moyen de décroché", "Average speed of answer"),
    "kpi.aht_s": ("Durée moyenne de traitement", "Average handling time"),
    "kpi.fcr": ("Résolution au premier contact", "First-contact resolution"),
    "kpi.repeat_rate_7d": ("Taux de recontact à 7 jours", "7-day repeat rate"),
    "kpi.csat": ("Satisfaction (notes 4 et 5)", "Satisfaction (top-2 box)"),
    "kpi.csat_mean": ("Satisfaction moyenne", "Mean satisfaction"),
    "kpi.nps": ("NPS", "NPS"),
    "kpi.qa_score": ("Note qualité", "Quality score"),
    "kpidef.service_level": (
        "contacts traités en {threshold} au plus ÷ (offerts − abandons courts)",
        "contacts answered within {threshold} ÷ (offered − short abandons)",
    ),
    "kpidef.abandon_rate": (
        "(abandons − abandons courts) ÷ (offerts − abandons courts)",
        "(abandoned − short abandons) ÷ (offered − short abandons)",
    ),
    "kpidef.asa_s": ("attente moyenne des contacts traités", "mean wait of the answered contacts"),
    "kpidef.aht_s": (
        "durée moyenne de traitement (conversation + attente + post-traitement) des contacts traités",
        "mean handling time (talk + hold + wrap) of the answered contacts",
    ),
    "kpidef.fcr": (
        "part des contacts traités résolus au premier contact, quand c'est connu",
        "share of the answered contacts resolved, where it is known",
    ),
    "kpidef.repeat_rate_7d": (
        "part des contacts traités suivis d'un autre contact du même client sur le même flux sous 7 jours",
        "share of the answered contacts followed by another of the same customer on the same flow within 7 days",
    ),
    "kpidef.csat": (
        "part des notes 4 et 5 parmi les réponses à l'enquête",
        "share of 4 and 5 among survey answers",
    ),
    "kpidef.csat_mean": ("moyenne des réponses à l'enquête", "mean of the survey answers"),
    "kpidef.nps": (
        "% de 9–10 moins % de 0–6 parmi les réponses",
        "% of 9–10 minus % of 0–6 among the answers",
    ),
    "kpidef.qa_score": ("note qualité moyenne", "mean quality score"),
    "kpidef.any": ("tout délai", "any time"),
    # --- invoice notes and items (the monthly run writes them in English) ----------------
    "note.handled contacts": ("contacts traités", "handled contacts"),
    "note.talk + hold + wrap of handled contacts": (
        "conversation + attente + post-traitement des contacts traités",
        "talk + hold + wrap of handled contacts",
    ),
    "note.the contract's rate with its band premium": (
        "le tarif du contrat avec sa majoration horaire",
        "the contract's rate with its band premium",
    ),
    "note.billed against the contract's price on the computed units": (
        "facturé contre le prix du contrat sur les unités calculées",
        "billed against the contract's price on the computed units",
    ),
    "note.outcomes are not in the interaction records": (
        "les résultats ne figurent pas dans les interactions",
        "outcomes are not in the interaction records",
    ),
    "note.a flow outside the contract": ("un flux hors du contrat", "a flow outside the contract"),
    "note.estimated": (
        "estimé : heures productives ÷ occupation {occupancy} (le temps connecté n'est pas dans les interactions)",
        "estimated: productive hours ÷ occupancy {occupancy} (logged time is not in the records)",
    ),
    "note.volume above the forecast band": ("volume au-dessus de la bande", "volume above the forecast band"),
    "item.total": ("total", "total"),
    "item.all flows": ("tous les flux", "all flows"),
    "item.unit_price": ("prix unitaire, ligne", "unit price, line"),
    "item.lines_for": ("lignes pour", "lines for"),
    "unit.contact": ("contacts", "contacts"),
    "unit.logged_hour": ("heures connectées", "logged hours"),
    "unit.productive_hour": ("heures productives", "productive hours"),
    "unit.outcome": ("résultats", "outcomes"),
    "unit.fee": ("frais", "fee"),
    # --- run date, coverage and charge -------------------------------------------------
    "gov.as_of": ("au {date}", "as of {date}"),
    "gov.recorded": ("enregistrée le {when}", "recorded on {when}"),
    "gov.charge.final": ("Mois complet : net à payer {amount}.", "Month complete: net fees {amount}."),
    "gov.charge.in_progress": (
        "Mois en cours : données jusqu'au {day} ; rien n'est facturé avant que le mois soit terminé et couvert.",
        "Month to date: data through {day}; nothing is charged before the month is over and covered.",
    ),
    "gov.charge.partial": (
        "Provisoire : les interactions du prestataire couvrent {covered} jours sur {days} (manquants : {missing}). "
        "Le mois n'est pas facturé comme complet : les chiffres ne portent que sur les jours couverts, les pénalités "
        "et le bonus sont provisoires et aucune restitution n'est tranchée. Importer les jours manquants, puis arbitrer "
        "le mois à nouveau.",
        "Provisional: the provider's records cover {covered} days of {days} (missing: {missing}). The month is not "
        "charged as complete: the figures cover the days received only, credits and bonus are provisional and no "
        "earn-back is settled. Import the missing days, then referee the month again.",
    ),
    "gov.charge.none": (
        "Aucune interaction du prestataire pour ce mois : rien n'est calculé ni facturé. Demander son export.",
        "No record of the provider for this month: nothing is computed or charged. Ask for its export.",
    ),
    "gov.provisional": ("provisoire", "provisional"),
    "gov.coverage": ("Couverture des données", "Data coverage"),
    "gov.coverage_lead": (
        "Interactions du prestataire par jour et par flux : {covered} jours couverts sur {elapsed} écoulés. "
        "Un jour manque quand un flux dont le contrat prévoit au moins {min} contacts ce jour-là n'en a aucun.",
        "The provider's records per day and flow: {covered} days covered of {elapsed} elapsed. A day is missing "
        "when a flow the contract expects at least {min} contacts on has none.",
    ),
    "gov.coverage.missing": ("manquant", "missing"),
    "gov.coverage.future": ("à venir", "to come"),
    # --- exclusions ------------------------------------------------------------------------
    "gov.rule.month_above_band": (
        "Règle du contrat : un jour au-dessus de sa bande (prévision du jour + {tolerance}) n'est exclu des SLA de son flux "
        "que si le mois de ce flux est lui-même au-dessus de sa bande (prévision du mois + {month_tolerance}).",
        "Contract rule: a day above its band (the day's forecast + {tolerance}) is excluded from its flow's SLAs only "
        "in a month whose volume on the flow is itself above its band (the month's forecast + {month_tolerance}).",
    ),
    "gov.rule.always": (
        "Règle du contrat : tout jour au-dessus de sa bande (prévision du jour + {tolerance}) est exclu des SLA de son flux.",
        "Contract rule: every day above its band (the day's forecast + {tolerance}) is excluded from its flow's SLAs.",
    ),
    "gov.rule.never": (
        "Règle du contrat : aucun jour n'est exclu pour son volume.",
        "Contract rule: no day is excluded for its volume.",
    ),
    "gov.days_above": ("Jours au-dessus de leur bande", "Days above their band"),
    "gov.no_day_above": ("Aucun jour au-dessus de sa bande.", "No day above its band."),
    "gov.col.limit": ("Plafond de la bande", "Top of the band"),
    "gov.col.excluded_day": ("Exclu", "Excluded"),
    "gov.col.why": ("Pourquoi", "Why"),
    "gov.why.month_above": (
        "le mois est au-dessus de sa bande : {actual} contacts pour un plafond de {limit}",
        "the month is above its band: {actual} contacts against a top of {limit}",
    ),
    "gov.why.month_within": (
        "le mois reste dans sa bande : {actual} contacts pour un plafond de {limit}",
        "the month stays within its band: {actual} contacts against a top of {limit}",
    ),
    "gov.why.always": (
        "le contrat exclut tout jour au-dessus de sa bande",
        "the contract excludes every day above its band",
    ),
    "gov.why.never": (
        "le contrat n'exclut aucun jour pour volume",
        "the contract excludes no day for volume",
    ),
    "gov.excluded_summary": (
        "{days} jour(s) exclu(s) : {contacts} contacts.",
        "{days} day(s) excluded: {contacts} contacts.",
    ),
    # --- counted basis -------------------------------------------------------------------
    "gov.col.counted": ("Base de calcul", "Computed over"),
    "basis.contacts": ("contacts", "contacts"),
    "basis.answered": ("contacts traités", "answered contacts"),
    "basis.survey_answers": ("réponses à l'enquête", "survey answers"),
    "basis.evaluations": ("évaluations", "evaluations"),
    "basis.checks": ("contrôles automatiques", "automatic checks"),
    # --- bonus ---------------------------------------------------------------------------
    "gov.bonus_rule": (
        "Bonus : une enveloppe de {pool} de la facturation du mois{cap} ; chaque SLA à objectif de bonus en a une part "
        "fixe, versée s'il atteint cet objectif — {shares} ; une part non gagnée n'est pas versée{all_met}.",
        "Bonus: a pool of {pool} of the month's fees{cap}; each SLA with a bonus target has a fixed share of it, paid "
        "when it reaches that target — {shares}; a share not earned is not paid{all_met}.",
    ),
    "gov.bonus_cap": (", plafonnée à {cap}", ", capped at {cap}"),
    "gov.bonus_share": ("{sla} {share} ({target})", "{sla} {share} ({target})"),
    "gov.bonus_all_met": (
        ", et aucun bonus n'est versé un mois où un SLA n'est pas tenu",
        ", and no bonus is paid in a month with a missed SLA",
    ),
    "gov.bonus_month": ("Ce mois-ci : {items}.", "This month: {items}."),
    "gov.bonus_item": (
        "{sla} {actual} pour {target} : {amount}",
        "{sla} {actual} against {target}: {amount}",
    ),
    "gov.bonus_withheld": (
        " (aucun bonus : un SLA n'est pas tenu)",
        " (no bonus: an SLA is missed)",
    ),
    "gov.bonus_none": ("Le contrat ne prévoit pas de bonus.", "The contract has no bonus."),
    # --- earn-back -------------------------------------------------------------------------
    "earn.to_settle": ("à trancher", "to settle"),
    "gov.earn_back_terms": (
        "Chaque pénalité suit les règles de restitution de la version du contrat qui l'a appliquée.",
        "Each credit follows the earn-back terms of the contract version that charged it.",
    ),
    # --- invoice -------------------------------------------------------------------------
    "gov.evidence": ("Justificatifs demandés", "Evidence requested"),
    "gov.evidence_lead": (
        "Les heures connectées ne figurent pas dans les interactions : l'écart repose sur une estimation (heures "
        "productives ÷ occupation supposée). Il ne se conteste pas, il se prouve : l'export des connexions ACD le tranche.",
        "Logged hours are not in the records: the gap rests on an estimate (productive hours ÷ assumed occupancy). It is "
        "not disputed but proved: the ACD log-in export settles it.",
    ),
    "gov.col.estimate": ("Estimé", "Estimate"),
    "gov.col.measured": ("Heures productives mesurées", "Productive hours measured"),
    "gov.col.implied": ("Occupation impliquée", "Implied occupancy"),
    "gov.col.assumed": ("Occupation supposée", "Assumed occupancy"),
    "gov.col.at_stake": ("En jeu", "At stake"),
    "gov.split": (
        "Sur l'écart de {gap} : {quantities} viennent des quantités facturées (au prix du contrat) et {billing} des prix "
        "et des calculs de la facture.",
        "Of the {gap} difference: {quantities} come from the quantities billed (at the contract's prices) and {billing} "
        "from the invoice's prices and arithmetic.",
    ),
    # --- staffing and handling time ------------------------------------------------------
    "gov.staffing": (
        "Effectifs et durée de traitement du prestataire",
        "The provider's staffing and handling time",
    ),
    "gov.staffing_lead": (
        "Conseillers ayant traité au moins un contact, heures productives mesurées, heures connectées facturées par le "
        "prestataire (sa déclaration des heures de présence) et l'occupation qu'elles impliquent.",
        "Agents who handled at least one contact, productive hours measured, logged hours billed by the provider (its "
        "statement of staffed hours) and the occupancy they imply.",
    ),
    "gov.col.agents": ("Conseillers actifs", "Active agents"),
    "gov.col.handled": ("Contacts traités", "Contacts handled"),
    "gov.col.aht": ("DMT", "AHT"),
    "gov.col.productive": ("Heures productives", "Productive hours"),
    "gov.col.billed_hours": ("Heures connectées facturées", "Logged hours billed"),
    "gov.col.fte": ("ETP (151,67 h/mois)", "FTE (151.67 h/month)"),
    "gov.aht_trend": ("Durée moyenne de traitement par mois", "Average handling time by month"),
    "gov.aht_note": (
        "Moyenne des contacts traités dont la conversation, l'attente et le post-traitement sont connus ; « dossier » : "
        "la durée sur laquelle la décision a été chiffrée.",
        "Mean over the answered contacts whose talk, hold and wrap are known; “business case”: the time the decision "
        "was costed on.",
    ),
    "gov.col.business_case": ("dossier", "business case"),
    # --- business case -------------------------------------------------------------------
    "gov.bc.period": (
        "Volumes du dossier : du {start} au {end}.",
        "The business case's volumes: {start} to {end}.",
    ),
    "gov.bc.by_flow": ("Par flux", "By flow"),
    "gov.col.projected_contacts": ("Contacts prévus", "Contacts projected"),
    "gov.col.actual_contacts": ("Contacts traités", "Contacts handled"),
    "gov.col.projected_aht": ("DMT prévue", "AHT projected"),
    "gov.col.actual_aht": ("DMT réalisée", "AHT actual"),
    # --- contract terms ------------------------------------------------------------------
    "gov.terms": ("Engagements du contrat", "Contract commitments"),
    "gov.terms_lead": (
        "Réversibilité, protection des données, audits et comités, à la date de l'exécution ({date}).",
        "Reversibility, data protection, audits and committees, as of the run date ({date}).",
    ),
    "gov.reversibility": ("Réversibilité", "Reversibility"),
    "gov.reversibility_text": (
        "Préavis de {notice} mois, transition de {transition} mois ; le client est propriétaire de : {assets} ; frais de "
        "sortie : {fee}.",
        "Notice of {notice} months, transition of {transition} months; the client owns: {assets}; exit fee: {fee}.",
    ),
    "gov.reversibility_deadline": (
        "Pour reprendre le service à la fin de la période en cours ({end}), donner le préavis au plus tard le {by} "
        "(dans {days} jours).",
        "To bring the service back at the end of the current term ({end}), give notice by {by} (in {days} days).",
    ),
    "gov.data_protection": ("Protection des données", "Data protection"),
    "gov.dp_role": ("Rôle du prestataire : {role}.", "The provider's role: {role}."),
    "gov.dp_dpa": (
        "Accord de traitement des données signé le {date}.",
        "Data processing agreement signed on {date}.",
    ),
    "gov.dp_no_dpa": (
        "Aucun accord de traitement des données enregistré.",
        "No data processing agreement recorded.",
    ),
    "gov.dp_outside": (
        "Données traitées hors de l'EEE ({country}) : transfert encadré par {mechanism} (RGPD, chapitre V).",
        "Data processed outside the EEA ({country}): the transfer relies on {mechanism} (GDPR chapter V).",
    ),
    "gov.dp_inside": (
        "Données traitées dans l'EEE ({country}).",
        "Data processed within the EEA ({country}).",
    ),
    "gov.col.certification": ("Certification", "Certification"),
    "gov.col.expires": ("Expiration", "Expires"),
    "cert.valid": ("valide", "valid"),
    "cert.expires_soon": ("expire bientôt", "expires soon"),
    "cert.expired": ("expirée", "expired"),
    "gov.audits": ("Audits", "Audits"),
    "gov.audit_text": (
        "{per_year} audits par an, préavis de {notice} jours ; périmètre : {scope}.",
        "{per_year} audits a year, {notice} days' notice; scope: {scope}.",
    ),
    "gov.audit_text_1": (
        "Un audit par an, préavis de {notice} jours ; périmètre : {scope}.",
        "One audit a year, {notice} days' notice; scope: {scope}.",
    ),
    "gov.audit_none": ("Le contrat ne prévoit pas d'audit.", "The contract has no audit right."),
    "gov.audit_deadline": (
        "L'année contractuelle se termine le {end} : dernier jour pour annoncer un audit, le {by} (dans {days} jours).",
        "The contract year ends on {end}: last day to announce an audit, {by} (in {days} days).",
    ),
    "gov.committees": ("Comités", "Committees"),
    "gov.col.committee": ("Comité", "Committee"),
    "gov.col.cadence": ("Fréquence", "Cadence"),
    "gov.col.attendees": ("Participants", "Attendees"),
    "gov.col.next": ("Prochaine réunion", "Next meeting"),
    "cadence.weekly": ("chaque semaine, le {weekday}", "weekly, on {weekday}"),
    "cadence.monthly": ("chaque mois, le {day}", "monthly, on the {day}"),
    "cadence.quarterly": (
        "chaque trimestre, le {day} de janvier, avril, juillet et octobre",
        "quarterly, on the {day} of January, April, July and October",
    ),
    "role.processor": ("sous-traitant (RGPD, article 28)", "processor (GDPR article 28)"),
    "role.joint_controller": (
        "responsable conjoint du traitement (RGPD, article 26)",
        "joint controller (GDPR article 26)",
    ),
    "role.controller": ("responsable du traitement", "controller"),
    "mechanism.standard_contractual_clauses": (
        "les clauses contractuelles types de la Commission européenne",
        "the European Commission's standard contractual clauses",
    ),
    "mechanism.adequacy_decision": ("une décision d'adéquation", "an adequacy decision"),
    "mechanism.binding_corporate_rules": (
        "des règles d'entreprise contraignantes",
        "binding corporate rules",
    ),
    "mechanism.none": ("aucun mécanisme déclaré", "no mechanism stated"),
    "asset.scripts": ("scripts", "scripts"),
    "asset.knowledge_base": ("base de connaissances", "knowledge base"),
    "asset.data": ("données", "data"),
    "asset.tools": ("outils", "tools"),
    "asset.recordings": ("enregistrements", "recordings"),
    "asset.training_material": ("supports de formation", "training material"),
    "scope.quality": ("qualité", "quality"),
    "scope.security": ("sécurité", "security"),
    "scope.data protection": ("protection des données", "data protection"),
    "scope.billing": ("facturation", "billing"),
    "channel.voice_in": ("appels entrants", "inbound calls"),
    "channel.voice_out": ("appels sortants", "outbound calls"),
    "channel.email": ("e-mails", "e-mails"),
    "channel.chat": ("chat", "chat"),
    "channel.social": ("réseaux sociaux", "social media"),
    "channel.backoffice": ("back-office", "back office"),
    "hours.closed": ("fermé", "closed"),
    "weekday.mon": ("lundi", "Monday"),
    "weekday.tue": ("mardi", "Tuesday"),
    "weekday.wed": ("mercredi", "Wednesday"),
    "weekday.thu": ("jeudi", "Thursday"),
    "weekday.fri": ("vendredi", "Friday"),
    "weekday.sat": ("samedi", "Saturday"),
    "weekday.sun": ("dimanche", "Sunday"),
    "band.word.day": ("journée", "day"),
    "band.word.evening": ("soirée", "evening"),
    "band.word.night": ("nuit", "night"),
    "band.word.weekend": ("week-end", "weekend"),
    # --- new actions ---------------------------------------------------------------------
    "act.evidence": (
        "Demander à {provider} l'export des connexions ACD (temps connecté par conseiller et par jour) de {flow} pour "
        "{month} : {billed} h connectées facturées{bands} pour {measured} h productives mesurées, soit une occupation de "
        "{implied} quand le contrat suppose {assumed} ; {at_stake} en jeu aux prix facturés.",
        "Ask {provider} for the ACD log-in export (logged time per agent and day) of {flow} for {month}: {billed} logged "
        "hours billed{bands} for {measured} productive hours measured, an occupancy of {implied} where the contract "
        "assumes {assumed}; {at_stake} at stake at the billed prices.",
    ),
    "act.evidence_records": (
        "Demander à {provider} les interactions manquantes avant de régler la ligne « {item} » : {billed} facturé, "
        "{computed} dans les interactions reçues — {note}.",
        "Ask {provider} for the missing records before paying the line “{item}”: {billed} billed, {computed} in the "
        "records received — {note}.",
    ),
    "act.coverage": (
        "Obtenir de {provider} l'export des interactions manquantes ({missing}), puis arbitrer {month} à nouveau : "
        "d'ici là, le mois n'est pas facturé comme complet.",
        "Get the missing records ({missing}) from {provider}, then referee {month} again: until then the month is not "
        "charged as complete.",
    ),
    "act.no_data": (
        "Obtenir de {provider} l'export des interactions de {month} : aucune n'a été reçue.",
        "Get the records of {month} from {provider}: none has been received.",
    ),
    "act.to_settle": (
        "Trancher la pénalité de {credit_month} sur {sla} ({amount}) : un mois de sa fenêtre de restitution a été "
        "arbitré sous une version du contrat sans ce SLA ; les chiffres ne peuvent pas la décider.",
        "Settle the credit of {credit_month} on {sla} ({amount}): a month of its earn-back window was refereed under a "
        "contract version without this SLA; the figures cannot decide it.",
    ),
    # --- the command line (arbitre govern, arbitre contract) -----------------------------
    "cli.month_to_date": ("mois en cours, données jusqu'au {day}", "month to date, data through {day}"),
    "cli.col.kpi": ("Indicateur", "KPI"),
    "cli.col.target": ("objectif", "target"),
    "cli.col.actual": ("réalisé", "actual"),
    "cli.col.month_value": ("valeur du mois", "month value"),
    "cli.col.counted": ("base de calcul", "computed over"),
    "cli.col.result": ("résultat", "result"),
    "cli.col.credit": ("pénalité", "credit"),
    "cli.col.bonus": ("bonus", "bonus"),
    "cli.money": (
        "Facturation {fees} · à risque {at_risk} · plafond {cap} · pénalités {credits} · restitué {earned_back} · "
        "bonus {bonus} · net {net}",
        "Fees {fees} · at risk {at_risk} · cap {cap} · credits {credits} · earned back {earned_back} · bonus {bonus} "
        "· net {net}",
    ),
    "cli.earn_back": (
        "restitution : pénalité de {month} sur {sla} ({amount}) {status}",
        "earn-back: {sla} credit of {month} ({amount}) {status}",
    ),
    "cli.excluded": ("exclus pour volume : {days}", "excluded for volume: {days}"),
    "cli.above_kept": (
        "au-dessus de leur bande mais comptés (le mois reste dans sa bande) : {days}",
        "above their band but counted (the month stays within its band): {days}",
    ),
    "cli.period": (
        "période exclue : du {start} au {end} — {reason}",
        "excluded period: {start} to {end} — {reason}",
    ),
    "cli.invoice": (
        "Facture : facturé {billed}, calculé {computed} ; {n} écart(s) signalé(s)",
        "Invoice: billed {billed}, computed {computed}; {n} difference(s) flagged",
    ),
    "cli.difference": (
        "{flag} : {item} : facturé {billed}, calculé {computed}{share} — {note}",
        "{flag}: {item}: billed {billed}, computed {computed}{share} — {note}",
    ),
    "cli.sla_warning": ("{status} : {sla} — {note}", "{status}: {sla} — {note}"),
    "cli.obligation": ("{date} ({left}) : {what}", "{date} ({left}): {what}"),
    "cli.today": ("aujourd'hui", "today"),
    "cli.in_days": ("dans {n} jours", "in {n} days"),
    "cli.in_days_1": ("demain", "tomorrow"),
    "cli.overdue_by": ("en retard de {n} jours", "overdue by {n} days"),
    "cli.overdue_by_1": ("en retard d'un jour", "overdue by a day"),
    "cli.business_case": (
        "Dossier de décision : coût par contact prévu {projected}, réalisé {actual}",
        "Business case: cost per contact projected {projected}, actual {actual}",
    ),
    "cli.stored": (
        "{contract} : enregistré en version {version}, en vigueur à partir de {effective}",
        "{contract}: stored as version {version}, in force from {effective}",
    ),
    "cli.unchanged": (
        "{contract} : inchangé (version {version}, en vigueur à partir de {effective})",
        "{contract}: unchanged (version {version}, in force from {effective})",
    ),
    "cli.version": (
        "version {version} — en vigueur à partir de {effective} — {created} par {who} depuis {source}",
        "version {version} — in force from {effective} — {created} by {who} from {source}",
    ),
    "cli.contract": ("{contract} (version {version})", "{contract} (version {version})"),
    # --- months --------------------------------------------------------------------------
    "month.1": ("janvier", "January"),
    "month.2": ("février", "February"),
    "month.3": ("mars", "March"),
    "month.4": ("avril", "April"),
    "month.5": ("mai", "May"),
    "month.6": ("juin", "June"),
    "month.7": ("juillet", "July"),
    "month.8": ("août", "August"),
    "month.9": ("septembre", "September"),
    "month.10": ("octobre", "October"),
    "month.11": ("novembre", "November"),
    "month.12": ("décembre", "December"),
}

GOVERNANCE: dict[str, dict[str, str]] = {k: {"fr": fr, "en": en} for k, (fr, en) in _PAIRS.items()}
