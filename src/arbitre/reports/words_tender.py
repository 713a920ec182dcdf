"""The words of the tender's documents (specification, report) and of its warnings, in French and English."""

from __future__ import annotations

from collections.abc import Mapping

TENDER: dict[str, dict[str, str]] = {
    # the specification
    "spec.title": {"fr": "Cahier des charges", "en": "Specification"},
    "spec.subtitle": {
        "fr": "Consultation pour l'externalisation de la relation client — volumes mesurés sur l'historique réel",
        "en": "Request for proposals for outsourced customer contact — volumes measured on the real history",
    },
    "spec.buyer": {"fr": "Acheteur", "en": "Buyer"},
    "spec.object": {"fr": "1. Objet et périmètre", "en": "1. Purpose and scope"},
    "spec.object.text": {
        "fr": "L'acheteur confie au titulaire le traitement des flux ci-dessous, sur les plages horaires et dans les langues indiquées, pour {months} mois à partir de {start}.",
        "en": "The buyer entrusts the provider with the flows below, in the hour bands and languages given, for {months} months from {start}.",
    },
    "spec.lots": {"fr": "Lots", "en": "Lots"},
    "spec.bands": {"fr": "Plages horaires confiées", "en": "Hour bands in scope"},
    "spec.languages": {"fr": "Langues", "en": "Languages"},
    "spec.volumes": {"fr": "2. Volumes et activité", "en": "2. Volumes and activity"},
    "spec.volumes.text": {
        "fr": "Volumes mesurés du {start} au {end} ({days} jours) dans les exports de l'acheteur, heure locale ({tz}). Les candidats dimensionnent et chiffrent leur offre sur ces volumes ; l'acheteur compare toutes les offres sur la même prévision de la durée du contrat.",
        "en": "Volumes measured from {start} to {end} ({days} days) in the buyer's exports, local time ({tz}). Bidders size and price their bid on these volumes; the buyer compares every bid on the same forecast of the contract's term.",
    },
    "spec.by_month": {"fr": "Contacts par mois", "en": "Contacts per month"},
    "spec.by_weekday": {
        "fr": "Semaine type : contacts moyens par jour",
        "en": "Average week: mean contacts per day",
    },
    "spec.by_interval": {
        "fr": "Journée type : contacts moyens par intervalle (lundi à vendredi)",
        "en": "Average day: mean contacts per interval (Monday to Friday)",
    },
    "spec.flow.total": {"fr": "Contacts sur la période", "en": "Contacts over the period"},
    "spec.flow.per_day": {"fr": "Contacts par jour", "en": "Contacts per day"},
    "spec.flow.channel": {"fr": "Canal", "en": "Channel"},
    "spec.flow.hours": {"fr": "Horaires d'ouverture actuels", "en": "Current opening hours"},
    "spec.closed": {"fr": "fermé", "en": "closed"},
    "spec.flow.outside": {"fr": "Part arrivant hors horaires", "en": "Share arriving outside hours"},
    "spec.flow.bands": {
        "fr": "Répartition jour / soirée / nuit / week-end",
        "en": "Day / evening / night / weekend split",
    },
    "spec.flow.aht": {"fr": "Durée moyenne de traitement (DMT)", "en": "Average handle time (AHT)"},
    "spec.flow.aht_pct": {
        "fr": "DMT médiane / 80e / 90e centile",
        "en": "Handle time median / 80th / 90th percentile",
    },
    "spec.flow.peaks": {
        "fr": "Pics (max / moyenne) : intervalle, jour, mois",
        "en": "Peaks (max / mean): interval, day, month",
    },
    "spec.flow.peak_months": {"fr": "Mois de pic (saisonnalité)", "en": "Peak months (seasonality)"},
    "spec.flow.peak_days": {"fr": "Jours de pic", "en": "Peak days"},
    "spec.flow.languages": {"fr": "Langues", "en": "Languages"},
    "spec.forecast": {
        "fr": "Prévision de la durée du contrat (DQE)",
        "en": "Forecast of the contract's term (DQE)",
    },
    "spec.forecast.text": {
        "fr": "Les offres sont comparées sur ces volumes prévisionnels, intervalle par intervalle, au niveau de service exigé.",
        "en": "Bids are compared on these forecast volumes, interval by interval, at the required service level.",
    },
    "spec.service": {"fr": "3. Niveaux de service exigés", "en": "3. Required service levels"},
    "spec.service.required": {"fr": "Niveau exigé", "en": "Required level"},
    "spec.service.sl": {
        "fr": "{sl} des contacts traités en {threshold} s",
        "en": "{sl} of contacts handled within {threshold} s",
    },
    "spec.service.deadline": {"fr": "réponse sous {hours} h", "en": "a reply within {hours} h"},
    "spec.service.abandon": {"fr": "abandons au plus {share}", "en": "abandons at most {share}"},
    "spec.service.asa": {
        "fr": "temps moyen d'attente au plus {asa} s",
        "en": "average speed of answer at most {asa} s",
    },
    "spec.security": {"fr": "4. Protection des données et sécurité", "en": "4. Data protection and security"},
    "spec.security.processor": {
        "fr": "Le titulaire agit en sous-traitant au sens de l'article 28 du RGPD : contrat de sous-traitance signé avant le démarrage, traitement sur instruction documentée, confidentialité, sécurité (article 32), sous-traitance ultérieure autorisée par écrit, assistance, suppression ou restitution des données en fin de contrat, audits.",
        "en": "The provider acts as a processor under GDPR article 28: a processing agreement signed before the start, processing on documented instructions, confidentiality, security (article 32), sub-processors authorised in writing, assistance, deletion or return of the data at the end, audits.",
    },
    "spec.security.transfers.forbidden": {
        "fr": "Aucun transfert de données personnelles hors de l'Espace économique européen.",
        "en": "No transfer of personal data outside the European Economic Area.",
    },
    "spec.security.transfers.with_safeguards": {
        "fr": "Un transfert hors de l'Espace économique européen n'est admis qu'avec une garantie du chapitre V du RGPD (décision d'adéquation, clauses contractuelles types, règles d'entreprise contraignantes), nommée dans l'offre, pour chaque site.",
        "en": "A transfer outside the European Economic Area is admitted only with a GDPR chapter V safeguard (adequacy decision, standard contractual clauses, binding corporate rules), named in the bid for each site.",
    },
    "spec.security.iso": {
        "fr": "Certification ISO/IEC 27001 en cours de validité pour les sites proposés (certificat joint, date d'expiration dans la grille).",
        "en": "A valid ISO/IEC 27001 certification for the proposed sites (certificate attached, expiry date in the grid).",
    },
    "spec.reversibility": {"fr": "5. Réversibilité", "en": "5. Reversibility"},
    "spec.reversibility.text": {
        "fr": "Préavis de {notice} mois, transition de {transition} mois avec transfert de compétences ; l'acheteur reste propriétaire des scripts, de la base de connaissances et des données.",
        "en": "{notice} months' notice, a {transition}-month transition with transfer of skills; the buyer keeps ownership of the scripts, the knowledge base and the data.",
    },
    "spec.governance": {"fr": "6. Gouvernance et reporting", "en": "6. Governance and reporting"},
    "spec.governance.text": {
        "fr": "Comité de pilotage {committee}. Chaque mois, avant le {day}, le titulaire transmet l'export de toutes les interactions du mois au format {format}, une ligne par contact, avec les colonnes suivantes :",
        "en": "A {committee} steering committee. Each month, before day {day}, the provider sends the export of every interaction of the month as {format}, one row per contact, with the following columns:",
    },
    "spec.committee.monthly": {"fr": "mensuel", "en": "monthly"},
    "spec.committee.quarterly": {"fr": "trimestriel", "en": "quarterly"},
    "spec.column": {"fr": "Colonne", "en": "Column"},
    "spec.required": {"fr": "Obligatoire", "en": "Required"},
    "spec.meaning": {"fr": "Contenu", "en": "Meaning"},
    "spec.yes": {"fr": "oui", "en": "yes"},
    "spec.no": {"fr": "non", "en": "no"},
    "spec.evaluation": {"fr": "7. Jugement des offres", "en": "7. Evaluation of the bids"},
    "spec.evaluation.text": {
        "fr": "Chaque offre est notée sur {max} ; la note finale est la somme pondérée des notes. Le prix retenu est le coût de l'offre sur toute la durée, calculé par l'acheteur sur les volumes prévisionnels (DQE) au niveau de service exigé, avec les hypothèses de productivité du candidat ; il est noté par la méthode « {formula} ». Une offre anormalement basse fait l'objet d'une demande de justification, jamais d'une exclusion automatique.",
        "en": "Each bid is graded out of {max}; the final grade is the weighted sum of the grades. The price is the bid's cost over the whole term, computed by the buyer on the forecast volumes (DQE) at the required service level with the bidder's productivity assumptions; it is scored by the « {formula} » method. An abnormally low bid is asked for a justification, never excluded automatically.",
    },
    "spec.criterion": {"fr": "Critère", "en": "Criterion"},
    "spec.weight": {"fr": "Poids", "en": "Weight"},
    "spec.price": {"fr": "Prix (coût sur la durée)", "en": "Price (cost over the term)"},
    "spec.timetable": {"fr": "8. Calendrier", "en": "8. Timetable"},
    "spec.published": {"fr": "Publication", "en": "Published"},
    "spec.questions_until": {"fr": "Questions jusqu'au", "en": "Questions until"},
    "spec.bids_due": {"fr": "Remise des offres (scellées jusque-là)", "en": "Bids due (sealed until then)"},
    "spec.award": {"fr": "Attribution", "en": "Award"},
    "spec.start": {"fr": "Démarrage", "en": "Start"},
    "spec.grid": {
        "fr": "Les candidats répondent dans la grille jointe ({file}) : prix par flux et modèle de prix, hypothèses de productivité, capacité de montée en charge, sites, certifications, réponses techniques.",
        "en": "Bidders answer in the attached grid ({file}): prices per flow and pricing model, productivity assumptions, ramp-up capacity, sites, certifications, technical answers.",
    },
    "formula.classique": {"fr": "classique (N × Pmin / P)", "en": "classique (N × Pmin / P)"},
    "formula.lineaire": {
        "fr": "linéaire (N × (Pmax − P) / (Pmax − Pmin))",
        "en": "linear (N × (Pmax − P) / (Pmax − Pmin))",
    },
    "formula.moyenne": {
        "fr": "moyenne (N × (1 − P / (2 × Pmoy)))",
        "en": "mean-based (N × (1 − P / (2 × Pmean)))",
    },
    # the report
    "rep.title": {"fr": "Rapport d'analyse des offres", "en": "Bid evaluation report"},
    "rep.subtitle": {
        "fr": "Étape 5 de la méthode : offres chiffrées sur les mêmes volumes, notation pondérée, sensibilité, alertes.",
        "en": "Step 5 of the method: bids priced on the same volumes, weighted scoring, sensitivity, flags.",
    },
    "rep.sealed": {
        "fr": "Les offres sont scellées jusqu'au {due} : seule l'évaluation technique est présentée.",
        "en": "The bids are sealed until {due}: only the technical evaluation is shown.",
    },
    "rep.recommendation": {"fr": "Recommandation", "en": "Recommendation"},
    "rep.recommended": {
        "fr": "Lot {lot} : attribuer à {provider} (note {total} sur {max}, coût sur la durée {cost}).",
        "en": "Lot {lot}: award to {provider} (grade {total} out of {max}, cost over the term {cost}).",
    },
    "rep.no_winner": {
        "fr": "Lot {lot} : pas de lauréat unique à ce stade.",
        "en": "Lot {lot}: no single winner at this stage.",
    },
    "rep.comparison": {
        "fr": "Comparaison des offres sur les mêmes volumes",
        "en": "Bids compared on the same volumes",
    },
    "rep.provider": {"fr": "Candidat", "en": "Bidder"},
    "rep.term_total": {"fr": "Coût sur la durée", "en": "Cost over the term"},
    "rep.annual": {"fr": "Coût annuel", "en": "Annual cost"},
    "rep.per_contact": {"fr": "Coût par contact", "en": "Cost per contact"},
    "rep.one_off": {"fr": "Dont frais ponctuels", "en": "Of which one-off fees"},
    "rep.flags": {"fr": "Alertes", "en": "Flags"},
    "rep.assumptions": {"fr": "Hypothèses de chaque offre", "en": "Each bid's assumptions"},
    "rep.flow": {"fr": "Flux", "en": "Flow"},
    "rep.model": {"fr": "Modèle de prix", "en": "Pricing model"},
    "rep.aht": {"fr": "DMT (s) / historique", "en": "AHT (s) / history"},
    "rep.occupancy": {"fr": "Occupation", "en": "Occupancy"},
    "rep.shrinkage": {"fr": "Indisponibilité", "en": "Shrinkage"},
    "rep.hours": {"fr": "Heures productives", "en": "Productive hours"},
    "rep.fte": {"fr": "ETP", "en": "FTE"},
    "rep.peak": {"fr": "Agents au pic", "en": "Peak agents"},
    "rep.lot": {"fr": "Lot", "en": "Lot"},
    "rep.minimum": {"fr": "minimum atteint", "en": "minimum applies"},
    "model.per_productive_hour": {"fr": "par heure productive", "en": "per productive hour"},
    "model.per_logged_hour": {"fr": "par heure connectée", "en": "per logged hour"},
    "model.per_contact": {"fr": "par contact", "en": "per contact"},
    "model.per_outcome": {"fr": "au résultat", "en": "per outcome"},
    "model.fixed_monthly": {"fr": "forfait mensuel", "en": "monthly flat fee"},
    "model.fixed_plus_variable": {"fr": "forfait + variable", "en": "flat fee + variable"},
    "src.tender_file": {"fr": "Fichier d'appel d'offres", "en": "Tender file"},
    "src.price": {"fr": "Poids et méthode de notation du prix", "en": "Price weight and formula"},
    "src.criterion": {"fr": "Critère technique (poids)", "en": "Technical criterion (weight)"},
    "src.abnormally_low": {
        "fr": "Seuils d'offre anormalement basse (sous la moyenne des autres · sous le coût interne)",
        "en": "Abnormally low thresholds (below the others' mean · below in-house)",
    },
    "src.dqe": {
        "fr": "Volumes de comparaison : prévision de la durée (début + mois) depuis l'historique",
        "en": "Comparison volumes: forecast of the term (start + months) from the history",
    },
    "src.inhouse": {"fr": "Coût interne des mêmes volumes", "en": "In-house cost of the same volumes"},
    "rep.scores": {"fr": "Notes et classement", "en": "Scores and ranking"},
    "rep.price_score": {"fr": "Note prix", "en": "Price score"},
    "rep.technical_score": {"fr": "Note technique", "en": "Technical score"},
    "rep.total": {"fr": "Note finale", "en": "Total"},
    "rep.rank": {"fr": "Rang", "en": "Rank"},
    "rep.technical": {
        "fr": "Évaluation technique (notes individuelles et consensus)",
        "en": "Technical evaluation (individual grades and consensus)",
    },
    "rep.criterion": {"fr": "Critère", "en": "Criterion"},
    "rep.consensus": {"fr": "Consensus", "en": "Consensus"},
    "rep.spread": {"fr": "Écart", "en": "Spread"},
    "rep.agreed": {"fr": "arrêté en réunion", "en": "agreed in meeting"},
    "rep.mean": {"fr": "moyenne", "en": "mean"},
    "rep.discuss": {"fr": "à discuter", "en": "to discuss"},
    "rep.sensitivity": {"fr": "Sensibilité du classement", "en": "Sensitivity of the ranking"},
    "rep.by_formula": {
        "fr": "Classement selon chaque méthode de notation du prix",
        "en": "Ranking under each price formula",
    },
    "rep.by_weights": {"fr": "Poids du prix déplacé de ±10 points", "en": "Price weight moved ±10 points"},
    "rep.removals": {
        "fr": "Le lauréat reste-t-il le même si une autre offre est retirée ?",
        "en": "Is the winner the same when another bid is removed?",
    },
    "rep.removed": {"fr": "Offre retirée", "en": "Bid removed"},
    "rep.winner": {"fr": "Lauréat", "en": "Winner"},
    "rep.same": {"fr": "Même lauréat", "en": "Same winner"},
    "rep.price_weight": {"fr": "Poids du prix", "en": "Price weight"},
    "rep.order": {"fr": "Classement", "en": "Order"},
    "rep.formula": {"fr": "Méthode", "en": "Formula"},
    "rep.warnings": {"fr": "Points d'attention", "en": "Warnings"},
    "rep.unranked": {"fr": "Offres non classées", "en": "Bids not ranked"},
    "rep.unranked.infeasible": {
        "fr": "ne couvre pas le besoin (capacité, langue, canal)",
        "en": "does not cover the need (capacity, language, channel)",
    },
    "rep.unranked.no_cost": {"fr": "coût nul sur ces volumes", "en": "no cost on these volumes"},
    "rep.unranked.incomplete_evaluation": {
        "fr": "évaluation technique incomplète",
        "en": "technical evaluation incomplete",
    },
    "rep.inhouse": {"fr": "Coût interne des mêmes volumes", "en": "In-house cost of the same volumes"},
    "rep.dqe": {"fr": "Volumes de comparaison (DQE)", "en": "Comparison volumes (DQE)"},
    "rep.contacts_term": {"fr": "Contacts sur la durée", "en": "Contacts over the term"},
    "rep.contacts_month": {"fr": "Contacts par mois", "en": "Contacts per month"},
    "rep.forecast_model": {"fr": "Modèle de prévision", "en": "Forecast model"},
    "rep.inputs": {"fr": "Données d'entrée et sources", "en": "Inputs and sources"},
    "rep.what": {"fr": "Donnée", "en": "Input"},
    "rep.value": {"fr": "Valeur", "en": "Value"},
    "rep.source": {"fr": "Source", "en": "Source"},
    "rep.method": {
        "fr": "Méthode : chaque offre est dimensionnée intervalle par intervalle par le moteur de dimensionnement (Erlang) avec sa propre DMT, son occupation et son indisponibilité, au niveau de service exigé, puis facturée selon sa grille de prix (minimums, paliers, majorations) ; le coût sur la durée est le mois moyen de la durée × le nombre de mois, plus les frais ponctuels.",
        "en": "Method: each bid is sized interval by interval by the staffing engine (Erlang) with its own AHT, occupancy and shrinkage at the required service level, then invoiced by its price schedule (minimums, tiers, premiums); the cost over the term is the term's average month × its months, plus one-off fees.",
    },
    "rep.footer": {
        "fr": "Produit par Arbitre à partir du fichier d'appel d'offres, des grilles des candidats et des interactions de l'espace de travail ; méthodes : docs/tender.md.",
        "en": "Produced by Arbitre from the tender file, the bidders' grids and the workspace's interactions; methods: docs/tender.md.",
    },
}

_WARNINGS: dict[str, dict[str, str]] = {
    "tie": {"fr": "Égalité en tête entre {providers}.", "en": "Tie for first place between {providers}."},
    "rank_reversal": {
        "fr": "Inversion de classement : sans l'offre de {removed}, le lauréat serait {new_winner} et non {winner}. La méthode de notation du prix dépend d'une offre qui ne gagne pas.",
        "en": "Rank reversal: without {removed}'s bid the winner would be {new_winner}, not {winner}. The price formula depends on a bid that does not win.",
    },
    "formula_changes_winner": {
        "fr": "Avec la méthode {formula}, le lauréat serait {new_winner} et non {winner}.",
        "en": "Under the {formula} formula the winner would be {new_winner}, not {winner}.",
    },
    "weights_change_winner": {
        "fr": "Avec le poids du prix déplacé de {points} points ({price_weight}), le lauréat serait {new_winner} et non {winner}.",
        "en": "With the price weight moved {points} points ({price_weight}), the winner would be {new_winner}, not {winner}.",
    },
    "linear_two_bids": {
        "fr": "Méthode linéaire avec deux offres : la plus chère obtient 0 point quel que soit l'écart de prix.",
        "en": "Linear formula with two bids: the dearer one scores 0 whatever the price gap.",
    },
}

_FLAGS: dict[str, dict[str, str]] = {
    "below_mean_of_others": {
        "fr": "offre anormalement basse ? {share} sous la moyenne des autres offres ({reference}) : demander une justification",
        "en": "abnormally low? {share} below the mean of the other bids ({reference}): ask for a justification",
    },
    "below_inhouse": {
        "fr": "offre anormalement basse ? {share} sous le coût interne des mêmes volumes ({reference}) : demander une justification",
        "en": "abnormally low? {share} below the in-house cost of the same volumes ({reference}): ask for a justification",
    },
}


def warning_text(code: str, params: Mapping[str, str], lang: str = "en") -> str:
    """A ranking warning in words (`arbitre.tender.scoring.Warning`).

    >>> warning_text("linear_two_bids", {}, "en")
    'Linear formula with two bids: the dearer one scores 0 whatever the price gap.'
    """
    entry = _WARNINGS.get(code)
    if entry is None:
        return code
    return (entry.get(lang) or entry["fr"]).format(**params)


def flag_text(code: str, *, share: str, reference: str, lang: str = "en") -> str:
    """An abnormally-low flag in words."""
    entry = _FLAGS[code]
    return (entry.get(lang) or entry["fr"]).format(share=share, reference=reference)


__all__ = ["TENDER", "flag_text", "warning_text"]
