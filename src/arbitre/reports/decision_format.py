"""The decision's codes and inputs as a reader of the map and the business case reads them.

Every figure and every word of a French report is French, of an English one English: scenario
names, channels, languages, criteria, dates and months, opening hours, service targets, the
in-house cost model's parameters, the decision frame and the providers' price schedules — never a
code of the engine (``voice_in``, ``cx_differentiator``, ``all-in-house``) nor a raw YAML dump.
Names people gave (flows, offers, providers, labels, sources) are shown as they were given.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from arbitre.decision import wording
from arbitre.decision.offers import Why, why_text
from arbitre.domain.costing import DecisionSettings, InHouseCosts, Offer
from arbitre.domain.hours import DAYS
from arbitre.domain.month import Month
from arbitre.domain.targets import StaffingTargets
from arbitre.reports.html import duration, money, num, pct

CHANNELS: dict[str, tuple[str, str]] = {
    "voice_in": ("Appels entrants", "Inbound calls"),
    "voice_out": ("Appels sortants", "Outbound calls"),
    "email": ("E-mail", "E-mail"),
    "chat": ("Chat", "Chat"),
    "social": ("Réseaux sociaux", "Social media"),
    "backoffice": ("Back-office", "Back office"),
}

CRITERIA: dict[str, tuple[str, str]] = {
    "hours": ("Horaires", "Hours"),
    "peaks": ("Pics", "Peaks"),
    "scripted_volume": ("Volume scripté", "Scripted volume"),
    "cost": ("Coût", "Cost"),
    "languages": ("Langues", "Languages"),
    "expertise": ("Expertise", "Expertise"),
    "sensitivity": ("Mission sensible", "Sensitive mission"),
    "know_how": ("Savoir-faire", "Know-how"),
    "volume": ("Volume", "Volume"),
    "complexity": ("Complexité", "Complexity"),
    "cx_differentiator": ("Relation client différenciante", "Customer experience as an edge"),
    "budget": ("Budget", "Budget"),
    "channels": ("Canaux à couvrir", "Channels to cover"),
    "maturity": ("Maturité opérationnelle", "Operational maturity"),
}

SHORES: dict[str, tuple[str, str]] = {
    "onshore": ("même pays (onshore)", "onshore"),
    "nearshore": ("pays proche (nearshore)", "nearshore"),
    "offshore": ("pays lointain (offshore)", "offshore"),
}

PRICING_MODELS: dict[str, tuple[str, str]] = {
    "per_productive_hour": ("à l'heure productive", "per productive hour"),
    "per_logged_hour": ("à l'heure connectée", "per logged hour"),
    "per_contact": ("au contact traité", "per handled contact"),
    "per_outcome": ("au résultat", "per outcome"),
    "fixed_monthly": ("forfait mensuel", "fixed monthly fee"),
    "fixed_plus_variable": (
        "forfait mensuel plus une part variable",
        "fixed monthly fee plus a variable part",
    ),
}

UNITS: dict[str, tuple[str, str]] = {
    "productive_hour": ("heure productive", "productive hour"),
    "logged_hour": ("heure connectée", "logged hour"),
    "contact": ("contact", "contact"),
    "outcome": ("résultat", "outcome"),
}

STATUS: dict[str, tuple[str, str]] = {
    "optimal": ("optimum prouvé", "proved optimal"),
    "time_limit": ("limite de temps atteinte", "time limit reached"),
    "infeasible": ("aucune répartition possible", "no feasible plan"),
    "no_solution": ("pas de solution dans le temps imparti", "no solution in time"),
}

LEVELS = {"low": ("faible", "low"), "medium": ("moyenne", "medium"), "high": ("élevée", "high")}
BUDGETS = {"constrained": ("contraint", "constrained"), "comfortable": ("confortable", "comfortable")}

# The in-house cost model: label and how to write the value (money a year, a month, a share…).
COST_PARAMETERS: dict[str, tuple[str, str, str]] = {
    "currency": ("Devise", "Currency", "text"),
    "agent_gross_salary_per_year": (
        "Salaire brut annuel d'un conseiller",
        "Agent's gross pay a year",
        "money",
    ),
    "employer_charges_rate": (
        "Taux de charges patronales (conseillers)",
        "Employer charges (agents)",
        "share",
    ),
    "staff_employer_charges_rate": (
        "Taux de charges patronales (encadrement et support)",
        "Employer charges (supervision and support)",
        "share",
    ),
    "paid_hours_per_year": ("Heures payées par ETP et par an", "Paid hours per FTE a year", "hours"),
    "band_premiums": ("Majorations par tranche horaire", "Premiums by hour band", "bands"),
    "agents_per_team_leader": ("Conseillers par superviseur", "Agents per team leader", "number"),
    "team_leader_gross_salary_per_year": (
        "Salaire brut annuel d'un superviseur",
        "Team leader's gross pay a year",
        "money",
    ),
    "agents_per_manager": ("Conseillers par responsable", "Agents per manager", "number"),
    "manager_gross_salary_per_year": (
        "Salaire brut annuel d'un responsable",
        "Manager's gross pay a year",
        "money",
    ),
    "support_staff_per_100_agents": (
        "Fonctions support pour 100 conseillers",
        "Support staff per 100 agents",
        "number",
    ),
    "support_gross_salary_per_year": (
        "Salaire brut annuel d'une fonction support",
        "Support staff's gross pay a year",
        "money",
    ),
    "recruiting_cost_per_hire": ("Coût d'un recrutement", "Cost of a hire", "money"),
    "initial_training_days": ("Jours de formation initiale", "Days of initial training", "days"),
    "training_cost_per_day": (
        "Coût d'une journée de formation par stagiaire",
        "Training cost per trainee-day",
        "money",
    ),
    "ongoing_training_hours_per_year": (
        "Heures de formation continue par an",
        "Ongoing training hours a year",
        "hours",
    ),
    "turnover_rate_per_year": ("Turnover annuel", "Yearly turnover", "share"),
    "absenteeism_rate": ("Taux d'absentéisme", "Absenteeism rate", "share"),
    "replacement_premium": ("Surcoût des remplacements", "Replacement premium", "share"),
    "peak_overtime_share": (
        "Part des heures en heures supplémentaires",
        "Share of hours worked as overtime",
        "share",
    ),
    "overtime_premium": ("Majoration des heures supplémentaires", "Overtime premium", "share"),
    "licences_per_seat_per_month": ("Licences par poste et par mois", "Licences per seat a month", "money"),
    "equipment_per_seat_per_year": ("Équipement par poste et par an", "Equipment per seat a year", "money"),
    "premises_per_seat_per_year": ("Locaux par poste et par an", "Premises per seat a year", "money"),
    "seats_per_fte": ("Postes par ETP", "Seats per FTE", "number"),
    "telecom_per_talk_minute": ("Télécoms par minute de conversation", "Telecom per talk minute", "money4"),
    "shrinkage_includes_absenteeism": (
        "Le taux d'indisponibilité compte déjà les absences",
        "The shrinkage already counts absence",
        "flag",
    ),
}

FRAME: dict[str, tuple[str, str, str]] = {
    "term_months": ("Durée du contrat (mois)", "Contract term (months)", "number"),
    "history_until": ("Historique pris en compte jusqu'au", "History used up to", "date"),
    "start_month": ("Premier mois du contrat", "First month of the contract", "month"),
    "discount_rate": ("Taux d'actualisation annuel", "Yearly discount rate", "share"),
    "governance_fte_per_outsourced_fte": (
        "ETP de pilotage par ETP externalisé",
        "Governance FTE per outsourced FTE",
        "number",
    ),
    "governance_salary_per_year": (
        "Coût annuel chargé du pilotage",
        "Governance cost a year, loaded",
        "money",
    ),
    "volume_growth_per_year": ("Croissance annuelle des volumes", "Yearly volume growth", "share"),
    "max_share_per_provider": (
        "Part maximale des contacts par prestataire",
        "Most contacts per provider",
        "share",
    ),
    "keep_in_house": ("Flux gardés en interne", "Flows kept in-house", "list"),
    "inhouse_languages": ("Langues de l'équipe interne", "Languages of the in-house team", "languages"),
    "foreign_language_premium": (
        "Surcoût d'un conseiller recruté pour une autre langue",
        "Premium of an agent hired for another language",
        "share",
    ),
    "budget": ("Budget", "Budget", "budget"),
    "savings_band": ("Économies des études sectorielles", "Savings in sector studies", "range"),
    "advertised_savings_band": (
        "Économies annoncées par les prestataires offshore",
        "Savings offshore providers advertise",
        "range",
    ),
}

PROFILE: dict[str, tuple[str, str, str]] = {
    "complexity": ("complexité", "complexity", "level"),
    "cx_differentiator": ("relation client différenciante", "customer experience as an edge", "flag"),
    "scripted": ("fortement scripté", "highly scripted", "flag"),
    "sensitive": ("mission sensible", "sensitive mission", "flag"),
    "unique_know_how": ("savoir-faire unique", "unique know-how", "flag"),
    "expertise": ("expertise", "expertise", "text"),
    "maturity": ("maturité", "maturity", "level"),
    "service_hours": ("horaires de service", "service hours", "hours_spec"),
    "outcome_value": ("valeur d'un résultat", "value of an outcome", "money"),
    "outcome_rate": ("résultats par contact traité", "outcomes per handled contact", "share"),
}


def _pick(pair: tuple[str, str] | tuple[str, str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def scenario_label(name: str, lang: str) -> str:
    """``current`` → "Situation actuelle"; ``all-atlas`` → "Tout chez atlas"; …"""
    fixed = {
        "current": ("Situation actuelle", "Today's set-up"),
        "all-in-house": ("Tout en interne", "All in-house"),
        "optimised": ("Plan optimisé (selon les raisons)", "Optimised plan (within the reasons)"),
        "lowest-cost": ("Le moins cher, raisons mises à part", "Lowest cost, reasons aside"),
    }
    if name in fixed:
        return _pick(fixed[name], lang)
    if name.startswith("all-"):
        return f"Tout chez {name[4:]}" if lang == "fr" else f"All to {name[4:]}"
    return name


def site_label(site: str, lang: str) -> str:
    return ("Équipe interne" if lang == "fr" else "In-house team") if site == "internal" else site


def channel_label(code: str, lang: str) -> str:
    return _pick(CHANNELS[code], lang) if code in CHANNELS else code


def criterion_label(code: str, lang: str) -> str:
    return _pick(CRITERIA[code], lang) if code in CRITERIA else code


def language_name(code: str | None, lang: str) -> str:
    if not code or code == "?":
        return "langue inconnue" if lang == "fr" else "unknown language"
    name = wording.language(code)
    return name.fr if lang == "fr" else name.en


def date_text(value: str | date | None, lang: str) -> str:
    """2025-12-31 → "31 décembre 2025" / "31 December 2025"."""
    if value is None:
        return "—"
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    month = wording.MONTHS[d.month - 1]
    return f"{d.day} {month.fr} {d.year}" if lang == "fr" else f"{d.day} {month.en} {d.year}"


def month_text(value: str | None, lang: str) -> str:
    """2025-12 → "décembre 2025" / "December 2025"."""
    if not value:
        return "—"
    month = Month.parse(value[:7])
    name = wording.MONTHS[month.number - 1]
    return f"{name.fr} {month.year}" if lang == "fr" else f"{name.en} {month.year}"


def moment_text(value: datetime | str | None, lang: str) -> str:
    """An instant (or its ISO text) → "7 décembre 2026 à 12 h 52 (UTC)" / "7 December 2026, 12:52 UTC"."""
    if not value:
        return "—"
    t = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    day = date_text(t.date(), lang)
    return (
        f"{day} à {t.hour} h {t.minute:02d} (UTC)"
        if lang == "fr"
        else f"{day}, {t.hour:02d}:{t.minute:02d} UTC"
    )


def hours_text(hours: Mapping[str, str], lang: str) -> str:
    """Opening hours per weekday (``WeeklyHours.describe``), days with the same hours together:
    "lun.–ven. 08:30–19:00 · sam. 09:00–17:00 · dim. fermé" / "Mon–Fri 08:30–19:00 · …"."""
    runs: list[tuple[str, str, str]] = []  # (first day, last day, hours)
    for day in DAYS:
        if day not in hours:
            continue
        text = hours[day]
        if runs and runs[-1][2] == text and DAYS.index(runs[-1][1]) == DAYS.index(day) - 1:
            runs[-1] = (runs[-1][0], day, text)
        else:
            runs.append((day, day, text))
    parts = []
    for first, last, text in runs:
        days = _day(first, lang) if first == last else f"{_day(first, lang)}–{_day(last, lang)}"
        shown = ("fermé" if lang == "fr" else "closed") if text == "closed" else text.replace("-", "–")
        parts.append(f"{days} {shown}")
    return " · ".join(parts)


def from_month(value: str | None, lang: str) -> str:
    """ "à partir d'avril 2026" / "from April 2026"."""
    month = month_text(value, lang)
    if lang != "fr":
        return f"from {month}"
    return f"à partir d'{month}" if month[:1] in "aeiouyéèàh" else f"à partir de {month}"


def hours_spec_text(spec: Mapping[str, str] | None, lang: str) -> str:
    """Hours as written in settings ({"mon-fri": "08:30-21:00"}) → "lun.–ven. 08:30–21:00"."""
    if not spec:
        return "—"
    out = []
    for days, hours in spec.items():
        names = []
        if days.strip().lower() in ("daily", "all", "mon-sun"):
            names.append("tous les jours" if lang == "fr" else "every day")
            days = ""
        for part in filter(None, days.split(",")):
            ends = [p.strip() for p in part.split("-")]
            names.append("–".join(_day(d, lang) for d in ends) if all(d[:3] in DAYS for d in ends) else part)
        shown = ("fermé" if lang == "fr" else "closed") if hours.strip().lower() == "closed" else hours
        out.append(f"{', '.join(names)} {shown.replace('-', '–')}")
    return " · ".join(out)


def _day(key: str, lang: str) -> str:
    fr = {
        "mon": "lun.",
        "tue": "mar.",
        "wed": "mer.",
        "thu": "jeu.",
        "fri": "ven.",
        "sat": "sam.",
        "sun": "dim.",
    }
    en = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}
    k = key[:3].lower()
    if k in ("dai", "all"):
        return "tous les jours" if lang == "fr" else "every day"
    return (fr if lang == "fr" else en).get(k, key)


def targets_text(given: StaffingTargets | Mapping[str, Any], lang: str) -> str:
    """Service targets → "80 % en 20 s · occupation ≤ 90 % · indisponibilité 30 %"."""
    targets = _data(given, exclude_none=True)
    parts = []
    if targets.get("sl") is not None and targets.get("threshold_s") is not None:
        parts.append(
            f"{pct(targets['sl'], lang, 0)} {'en' if lang == 'fr' else 'in'} {duration(targets['threshold_s'], lang)}"
        )
    if targets.get("deadline_s") is not None:
        parts.append(f"{'délai' if lang == 'fr' else 'deadline'} {duration(targets['deadline_s'], lang)}")
    if targets.get("max_occupancy") is not None:
        parts.append(
            f"{'occupation' if lang == 'fr' else 'occupancy'} ≤ {pct(targets['max_occupancy'], lang, 0)}"
        )
    if targets.get("concurrency") is not None:
        parts.append(
            f"{targets['concurrency']} {'conversations par conseiller' if lang == 'fr' else 'chats per agent'}"
        )
    if targets.get("contact_rate") is not None:
        parts.append(
            f"{'taux de joignabilité' if lang == 'fr' else 'contact rate'} {pct(targets['contact_rate'], lang, 0)}"
        )
    if targets.get("shrinkage") is not None:
        parts.append(
            f"{'indisponibilité' if lang == 'fr' else 'shrinkage'} {pct(targets['shrinkage'], lang, 0)}"
        )
    return " · ".join(parts) or "—"


def value_text(value: Any, kind: str, lang: str, currency: str = "EUR") -> str:
    """One input value, written by its kind (see `COST_PARAMETERS`, `FRAME`, `PROFILE`)."""
    if value is None:
        return "—"
    if kind == "money":
        return money(value, lang, currency, 0 if abs(Decimal(str(value))) >= 100 else 2)
    if kind == "money4":
        return money(value, lang, currency, 3)
    if kind == "share":
        return pct(value, lang, 1 if abs(float(value)) < 0.1 else 0)
    if kind == "hours":
        return f"{num(value, lang)} h"
    if kind == "days":
        return f"{num(value, lang)} {'jours' if lang == 'fr' else 'days'}"
    if kind == "number":
        d = Decimal(str(value))
        return num(d, lang, 0 if d == d.to_integral_value() else 2)
    if kind == "flag":
        return ("oui" if value else "non") if lang == "fr" else ("yes" if value else "no")
    if kind == "level":
        return _pick(LEVELS[str(value)], lang) if str(value) in LEVELS else str(value)
    if kind == "budget":
        return _pick(BUDGETS[str(value)], lang) if str(value) in BUDGETS else str(value)
    if kind == "date":
        return date_text(value, lang)
    if kind == "month":
        return month_text(value, lang)
    if kind == "range":
        low, high = value
        return f"{pct(low, lang, 0)} – {pct(high, lang, 0)}"
    if kind == "languages":
        return ", ".join(language_name(c, lang) for c in value) or "—"
    if kind == "list":
        return ", ".join(str(v) for v in value) or "—"
    if kind == "bands":
        return bands_text(value, lang)
    if kind == "hours_spec":
        return hours_spec_text(value, lang)
    return str(value)


def bands_text(bands: Mapping[str, Any], lang: str) -> str:
    """Premiums by band → "soir +10 % · nuit +25 % · week-end +25 %" (bands at 0 left out)."""
    parts = [
        f"{_band(b, lang)} +{pct(v, lang, 0)}"
        for b, v in bands.items()
        if v is not None and Decimal(str(v)) != 0
    ]
    return " · ".join(parts) or "—"


def _band(key: str, lang: str) -> str:
    name = wording.BAND_NAMES.get(key)
    return key if name is None else (name.fr if lang == "fr" else name.en)


def parameter_rows(model: InHouseCosts, lang: str) -> list[tuple[str, str, str]]:
    """The in-house cost model as (label, value, source) rows, sources in ``lang`` where known."""
    costs = _data(model)
    currency = str(costs.get("currency", "EUR"))
    french = costs.get("sources_fr") or {}
    sources = costs.get("sources") or {}
    rows = []
    for key, (fr, en, kind) in COST_PARAMETERS.items():
        if key not in costs or key == "currency":
            continue
        source = (french.get(key) if lang == "fr" else None) or sources.get(key) or "—"
        rows.append((fr if lang == "fr" else en, value_text(costs[key], kind, lang, currency), source))
    return rows


def frame_rows(model: DecisionSettings, lang: str, currency: str = "EUR") -> list[tuple[str, str]]:
    """The decision frame as (label, value) rows, then one row per flow's profile."""
    frame = _data(model)
    rows = []
    for key, (fr, en, kind) in FRAME.items():
        if key in frame:
            rows.append((fr if lang == "fr" else en, value_text(frame[key], kind, lang, currency)))
    for flow, profile in (frame.get("flows") or {}).items():
        items = []
        for key, (fr, en, kind) in PROFILE.items():
            v = profile.get(key)
            if v is None or (kind == "flag" and not v):
                continue
            items.append(
                f"{fr if lang == 'fr' else en} : {value_text(v, kind, lang, currency)}"
                if lang == "fr"
                else f"{en}: {value_text(v, kind, lang, currency)}"
            )
        rows.append((flow, " · ".join(items) or "—"))
    return rows


def offer_rows(given: Offer, lang: str) -> dict[str, str]:
    """An offer as the cells of the offers' table: location, scope, price, fees, transition,
    productivity, limits and hours — each in words."""
    offer = _data(given)
    fr = lang == "fr"
    cur = str(offer.get("currency", "EUR"))
    p = offer["pricing"]
    model = _pick(PRICING_MODELS.get(p["model"], (p["model"], p["model"])), lang)
    unit_key = (
        p.get("variable_unit")
        if p["model"] == "fixed_plus_variable"
        else {
            "per_productive_hour": "productive_hour",
            "per_logged_hour": "logged_hour",
            "per_contact": "contact",
            "per_outcome": "outcome",
        }.get(p["model"])
    )
    unit = _pick(UNITS[unit_key], lang) if unit_key in UNITS else ""
    price = [model]
    if p.get("fixed_monthly") is not None:
        price.append(f"{money(p['fixed_monthly'], lang, cur)} {'par mois' if fr else 'a month'}")
    if p.get("rate") is not None:
        price.append(f"{money(p['rate'], lang, cur, 2)} {'par' if fr else 'per'} {unit}")
    if p.get("bands"):
        steps = []
        for b in p["bands"]:
            rate = money(b["rate"], lang, cur, 2)
            if b.get("up_to") is not None:
                steps.append(f"{rate} {'jusqu’à' if fr else 'up to'} {num(b['up_to'], lang)} ({unit})")
            else:
                steps.append(f"{rate} {'au-delà' if fr else 'beyond'}")
        price.append(("par tranche : " if fr else "by volume band: ") + ", ".join(steps))
    if p.get("outcome_share") is not None:
        price.append(
            f"{pct(p['outcome_share'], lang, 0)} {'de la valeur de chaque résultat' if fr else 'of each outcome’s value'}"
        )
    price.append(
        f"{'tolérance de volume' if fr else 'volume tolerance'} ±{pct(p.get('tolerance', 0), lang, 0)}"
    )
    if p.get("minimum_monthly") is not None:
        price.append(f"minimum {money(p['minimum_monthly'], lang, cur)} {'par mois' if fr else 'a month'}")
    premiums = bands_text(p.get("band_premiums") or {}, lang)
    if premiums != "—":
        price.append(("majorations : " if fr else "premiums: ") + premiums)
    if p.get("language_premiums"):
        price.append(
            ("langues : " if fr else "languages: ")
            + ", ".join(
                f"{language_name(k, lang)} +{pct(v, lang, 0)}" for k, v in p["language_premiums"].items()
            )
        )
    t = offer.get("transition") or {}
    transition = (
        f"{num(t.get('knowledge_transfer_weeks', 0), lang)} {'sem. de transfert' if fr else 'wk of knowledge transfer'}, "
        f"{num(t.get('parallel_run_weeks', 0), lang)} {'sem. en parallèle' if fr else 'wk of parallel run'}, "
        f"{num(t.get('training_days_per_agent', 0), lang)} {'j de formation par conseiller' if fr else 'training days per agent'}"
        + (
            f" {'à' if fr else 'at'} {money(t['training_day_rate'], lang, cur)}"
            if t.get("training_day_rate") not in (None, 0, "0")
            else ""
        )
    )
    q = offer.get("productivity") or {}
    productivity = (
        f"{'durée de traitement' if fr else 'handle time'} × {num(q.get('aht_factor', 1), lang, 2)} · "
        f"{'occupation' if fr else 'occupancy'} {pct(q.get('occupancy', 0), lang, 0)} · "
        f"{'indisponibilité' if fr else 'shrinkage'} {pct(q.get('shrinkage', 0), lang, 0)}"
    )
    limits = []
    if offer.get("capacity_agents"):
        limits.append(f"≤ {offer['capacity_agents']} {'conseillers' if fr else 'agents'}")
    if offer.get("min_contacts_per_month"):
        limits.append(
            f"≥ {num(offer['min_contacts_per_month'], lang)} {'contacts par mois et par flux' if fr else 'contacts a month per flow'}"
        )
    if offer.get("flows"):
        limits.append(("flux : " if fr else "flows: ") + ", ".join(offer["flows"]))
    return {
        "location": f"{offer.get('city') or ''} ({offer['country']}) · {_pick(SHORES.get(offer['shore'], (offer['shore'], offer['shore'])), lang)}",
        "scope": ", ".join(channel_label(c, lang) for c in offer["channels"])
        + " · "
        + ", ".join(language_name(c, lang) for c in offer["languages"]),
        "price": " · ".join(price),
        "fees": f"{'mise en place' if fr else 'set-up'} {money(offer.get('setup_fee', 0), lang, cur)} · "
        f"{'réversibilité' if fr else 'exit'} {money(offer.get('exit_fee', 0), lang, cur)}",
        "transition": transition,
        "productivity": productivity,
        "limits": " · ".join(limits) or "—",
        "hours": hours_spec_text(offer.get("hours"), lang)
        if offer.get("hours")
        else ("24 h/24, 7 j/7" if fr else "around the clock"),
    }


def _data(model: BaseModel | Mapping[str, Any], *, exclude_none: bool = False) -> Mapping[str, Any]:
    """An input model's fields as its JSON values: the rows above walk them by their tables of
    labels and kinds (`COST_PARAMETERS`, `FRAME`, `PROFILE`)."""
    if isinstance(model, BaseModel):
        return model.model_dump(mode="json", exclude_none=exclude_none)
    return model


def status_text(status: str, lang: str) -> str:
    return _pick(STATUS[status], lang) if status in STATUS else status


def refusals_text(reasons: list[Mapping[str, Any]], lang: str) -> str:
    """Why an offer does not take (part of) a flow, in words."""
    return (
        " ; ".join(why_text(Why.model_validate(r), lang) for r in reasons)
        if lang == "fr"
        else "; ".join(why_text(Why.model_validate(r), lang) for r in reasons)
    )


__all__ = [
    "channel_label",
    "criterion_label",
    "date_text",
    "frame_rows",
    "from_month",
    "hours_spec_text",
    "hours_text",
    "language_name",
    "moment_text",
    "month_text",
    "offer_rows",
    "parameter_rows",
    "refusals_text",
    "scenario_label",
    "site_label",
    "status_text",
    "targets_text",
    "value_text",
]
