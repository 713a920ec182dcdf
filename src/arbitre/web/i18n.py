"""The words of the web app, in French and English: one catalogue, keyed by dotted names.

Pages call ``t("key", name=value)``; a key missing from the catalogue is a bug that a test finds
(every key the templates and pages use is here, in both languages), never a blank on the page.
"""

from __future__ import annotations

from arbitre.web.words_pages import WORDS as PAGE_WORDS
from arbitre.web.words_tender import WORDS as TENDER_WORDS

LANGS = ("fr", "en")

CATALOGUE: dict[str, tuple[str, str]] = {
    # key: (French, English)
    "app.name": ("Arbitre", "Arbitre"),
    "lang.other": ("English", "Français"),
    "nav.overview": ("Vue d'ensemble", "Overview"),
    "nav.imports": ("Imports", "Imports"),
    "nav.portal": ("Mes dépôts", "My uploads"),
    "nav.staffing": ("Dimensionnement", "Staffing"),
    "nav.contracts": ("Contrats", "Contracts"),
    "nav.users": ("Utilisateurs", "Users"),
    "nav.audit": ("Journal d'audit", "Audit log"),
    "nav.logout": ("Se déconnecter", "Log out"),
    "role.admin": ("administrateur client", "client admin"),
    "role.analyst": ("analyste client", "client analyst"),
    "role.provider": ("prestataire", "provider"),
    "role.auditor": ("auditeur", "auditor"),
    "error.401": ("Connexion requise", "Login required"),
    "error.403": ("Accès refusé", "Forbidden"),
    "error.404": ("Introuvable", "Not found"),
    "error.413": ("Fichier trop volumineux", "File too large"),
    "error.422": ("Données refusées", "Input refused"),
    "error.429": ("Trop de tentatives", "Too many attempts"),
    "error.500": ("Erreur inattendue", "Unexpected error"),
    "error.back": ("Retour", "Back"),
    "login.title": ("Connexion", "Log in"),
    "login.intro": (
        "Arbitre : le make-or-buy de la relation client et le pilotage mensuel du prestataire.",
        "Arbitre: make-or-buy for customer contact, and the provider refereed every month.",
    ),
    "login.workspace": ("Espace de travail", "Workspace"),
    "login.username": ("Identifiant", "Username"),
    "login.password": ("Mot de passe", "Password"),
    "login.submit": ("Se connecter", "Log in"),
    "login.failed": (
        "Espace, identifiant ou mot de passe incorrect.",
        "Wrong workspace, username or password.",
    ),
    "login.too_many": (
        "Trop de tentatives échouées : réessayez dans quelques minutes.",
        "Too many failed attempts: try again in a few minutes.",
    ),
    "login.expired": (
        "Le formulaire a expiré : saisissez à nouveau vos identifiants.",
        "The form has expired: enter your credentials again.",
    ),
    "overview.title": ("Vue d'ensemble", "Overview"),
    "overview.intro": ("Fuseau {tz}, devise {currency}.", "Time zone {tz}, currency {currency}."),
    "overview.contacts": ("contacts", "contacts"),
    "overview.months": ("mois", "months"),
    "overview.flows": ("flux", "flows"),
    "overview.sites": ("sites", "sites"),
    "overview.contracts": ("contrats", "contracts"),
    "overview.empty": (
        "Aucune interaction dans l'entrepôt pour l'instant.",
        "No interactions in the store yet.",
    ),
    "overview.by_flow": ("Par flux, canal et site", "By flow, channel and site"),
    "overview.by_month": ("Par mois", "By month"),
    "overview.last_imports": ("Derniers imports", "Latest imports"),
    "imports.title": ("Imports", "Imports"),
    "imports.file": ("Fichier d'interactions", "Interaction file"),
    "imports.mapping": ("Correspondance de colonnes (YAML)", "Column mapping (YAML)"),
    "imports.strict": ("Tout ou rien", "All or nothing"),
    "imports.skip": ("Écarter les lignes invalides", "Skip invalid rows"),
    "imports.submit": ("Importer", "Import"),
    "imports.log": ("Journal des imports", "Import log"),
    "imports.uploads": ("Fichiers déposés dans l'application", "Files uploaded through the app"),
    "imports.none": ("Aucun pour l'instant.", "None yet."),
    "upload.imported": ("{file} importé.", "{file} imported."),
    "upload.received": ("{file} reçu.", "{file} received."),
    "upload.rejected": ("{file} refusé, rien n'a été enregistré.", "{file} refused, nothing was stored."),
    "upload.more_errors": (
        "Les {shown} premières erreurs sont affichées.",
        "The first {shown} errors are shown.",
    ),
    "kind.import": ("import", "import"),
    "kind.provider_month": ("mois du prestataire", "provider's month"),
    "kind.invoice": ("facture", "invoice"),
    "status.imported": ("importé", "imported"),
    "status.received": ("reçu", "received"),
    "status.rejected": ("refusé", "refused"),
    "col.action": ("Action", "Action"),
    "col.after": ("Après", "After"),
    "col.before": ("Avant", "Before"),
    "col.channel": ("Canal", "Channel"),
    "col.column": ("Colonne", "Column"),
    "col.contacts": ("Contacts", "Contacts"),
    "col.contract": ("Contrat", "Contract"),
    "col.detail": ("Détail", "Detail"),
    "col.field": ("Champ", "Field"),
    "col.file": ("Fichier", "File"),
    "col.first": ("Premier", "First"),
    "col.flow": ("Flux", "Flow"),
    "col.flows": ("Flux", "Flows"),
    "col.inserted": ("Ajoutées", "Inserted"),
    "col.ip": ("Adresse", "Address"),
    "col.kind": ("Type", "Kind"),
    "col.last": ("Dernier", "Last"),
    "col.line": ("Ligne", "Line"),
    "col.message": ("Message", "Message"),
    "col.mode": ("Mode", "Mode"),
    "col.month": ("Mois", "Month"),
    "col.name": ("Nom", "Name"),
    "col.provider": ("Prestataire", "Provider"),
    "col.reason": ("Motif", "Reason"),
    "col.rejected": ("Refusées", "Rejected"),
    "col.role": ("Rôle", "Role"),
    "col.rows": ("Lignes", "Rows"),
    "col.site": ("Site", "Site"),
    "col.sites": ("Sites", "Sites"),
    "col.status": ("Statut", "Status"),
    "col.subject": ("Objet", "Subject"),
    "col.target": ("Objet", "Target"),
    "col.term": ("Durée", "Term"),
    "col.title": ("Intitulé", "Title"),
    "col.unchanged": ("Inchangées", "Unchanged"),
    "col.updated": ("Modifiées", "Updated"),
    "col.username": ("Identifiant", "Username"),
    "col.value": ("Valeur", "Value"),
    "col.version": ("Version", "Version"),
    "col.when": ("Quand", "When"),
    "col.who": ("Qui", "Who"),
    "staffing.title": ("Calculateur de dimensionnement", "Staffing calculator"),
    "staffing.intro": (
        "Un intervalle : Erlang C, ou Erlang A avec une patience ; chat avec sa concurrence. "
        "Donnez un objectif (niveau de service ou occupation maximale) ou un nombre d'agents à évaluer.",
        "One interval: Erlang C, or Erlang A with a patience; chat with its concurrency. "
        "Give a target (service level or maximum occupancy) or a number of agents to evaluate.",
    ),
    "staffing.volume": ("Contacts dans l'intervalle", "Contacts in the interval"),
    "staffing.interval": ("Durée de l'intervalle", "Interval length"),
    "staffing.aht": ("Durée moyenne de traitement", "Average handling time"),
    "staffing.sl": ("Niveau de service visé", "Target service level"),
    "staffing.threshold": ("Seuil de réponse", "Answer threshold"),
    "staffing.patience": ("Patience moyenne (Erlang A)", "Mean patience (Erlang A)"),
    "staffing.agents": ("Agents", "Agents"),
    "staffing.max_occupancy": ("Occupation maximale", "Maximum occupancy"),
    "staffing.shrinkage": ("Taux d'absence (shrinkage)", "Shrinkage"),
    "staffing.concurrency": ("Chats simultanés par agent", "Chats per agent"),
    "staffing.channel": ("Canal", "Channel"),
    "staffing.submit": ("Calculer", "Compute"),
    "staffing.service_level": ("Niveau de service", "Service level"),
    "staffing.occupancy": ("Occupation", "Occupancy"),
    "staffing.asa": ("Attente moyenne", "Average speed of answer"),
    "staffing.model": ("Modèle", "Model"),
    "staffing.p_wait": ("Probabilité d'attendre", "Probability of waiting"),
    "staffing.abandon": ("Taux d'abandon", "Abandon rate"),
    "staffing.fte": ("ETP (avec absences)", "FTE (with shrinkage)"),
    "staffing.load": ("Charge (erlangs)", "Load (erlangs)"),
    "channel.voice": ("Voix", "Voice"),
    "channel.chat": ("Chat", "Chat"),
    "contracts.title": ("Contrats", "Contracts"),
    "contracts.none": ("Aucun contrat visible.", "No contract to show."),
    "contracts.upload": (
        "Enregistrer un contrat ou une nouvelle version",
        "Store a contract or a new version",
    ),
    "contracts.upload_help": (
        "Le fichier YAML est validé en entier ; une nouvelle version garde les précédentes et leurs différences.",
        "The YAML file is validated whole; a new version keeps the earlier ones and what changed.",
    ),
    "contracts.file": ("Contrat (YAML)", "Contract (YAML)"),
    "contracts.store": ("Enregistrer", "Store"),
    "contracts.client": ("Client", "Client"),
    "contracts.pricing": ("Tarification", "Pricing"),
    "contracts.slas": ("SLA", "SLAs"),
    "contracts.mapping": ("Correspondance des dépôts", "Mapping of uploads"),
    "contracts.canonical": ("format canonique", "canonical format"),
    "contracts.versions": ("Versions et différences", "Versions and differences"),
    "contracts.set_mapping": (
        "Correspondance de colonnes des dépôts du prestataire",
        "Column mapping of the provider's uploads",
    ),
    "contracts.uploads": ("Dépôts du prestataire", "Provider's uploads"),
    "contracts.disputes": ("Contestations", "Disputes"),
    "contracts.no_disputes": ("Aucune contestation.", "No dispute."),
    "subject.sla": ("SLA", "SLA"),
    "subject.exclusion": ("exclusion", "exclusion"),
    "subject.invoice_line": ("ligne de facture", "invoice line"),
    "dispute.open": ("ouverte", "open"),
    "dispute.answered": ("répondue", "answered"),
    "dispute.accepted": ("acceptée", "accepted"),
    "dispute.rejected": ("rejetée", "rejected"),
    "portal.title": ("Mes dépôts", "My uploads"),
    "portal.intro": (
        "Déposez l'export du mois (la correspondance du contrat s'applique, chaque ligne refusée est nommée) "
        "et la facture du mois.",
        "Upload the month's export (the contract's mapping applies, every refused line is named) "
        "and the month's invoice.",
    ),
    "portal.month": ("Export du mois", "Month's export"),
    "portal.invoice": ("Facture du mois", "Month's invoice"),
    "portal.send": ("Déposer", "Upload"),
    "portal.uploads": ("Mes dépôts", "My uploads"),
    "users.title": ("Utilisateurs", "Users"),
    "users.add": ("Ajouter un utilisateur", "Add a user"),
    "users.created": ("Utilisateur {name} créé. Mot de passe :", "User {name} created. Password:"),
    "users.once": (
        "Ce mot de passe n'est affiché qu'une fois : transmettez-le par un canal sûr.",
        "This password is shown once only: hand it over through a safe channel.",
    ),
    "users.disable": ("Désactiver", "Disable"),
    "users.disabled": ("désactivé", "disabled"),
    "users.active": ("actif", "active"),
    "users.lang": ("Langue", "Language"),
    "users.not_yourself": ("Vous ne pouvez pas vous désactiver vous-même.", "You cannot disable yourself."),
    "users.help": (
        "Un compte prestataire est lié aux sites de son prestataire (séparés par des virgules) : "
        "il ne voit que les contrats, données, dépôts et contestations de ces sites.",
        "A provider account is bound to its provider's sites (comma-separated): "
        "it sees only the contracts, data, uploads and disputes of those sites.",
    ),
    "audit.title": ("Journal d'audit", "Audit log"),
    "audit.intro": (
        "Qui a fait quoi, quand : les {shown} dernières entrées. Le journal ne peut être ni modifié ni effacé.",
        "Who did what, when: the latest {shown} entries. The log can be neither changed nor erased.",
    ),
    "audit.csv": ("Tout exporter en CSV", "Export all as CSV"),
    "audit.filter": ("Filtrer", "Filter"),
}


def _merge(words: dict[str, tuple[str, str]]) -> None:
    twice = sorted(set(words) & set(CATALOGUE))
    if twice:
        raise ValueError(f"words defined twice: {', '.join(twice)}")
    CATALOGUE.update(words)


_merge(PAGE_WORDS)
_merge(TENDER_WORDS)


def translate(lang: str, key: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` (French unless ``en``), with ``{name}`` filled in.

    >>> translate("en", "upload.imported", file="calls.csv")
    'calls.csv imported.'
    """
    text = CATALOGUE[key][1 if lang == "en" else 0]
    return text.format(**values) if values else text


__all__ = ["CATALOGUE", "LANGS", "translate"]
