"""The bid grid a provider fills in (XLSX, openpyxl), in French or English.

The layout is `arbitre.tender.grid`'s (the reader reads the same cells): one sheet per part of
the bid — bidder, prices per flow (pricing model, unit rate, flat and minimum monthly amounts,
hour-band premiums, volume tiers), one-off fees, productivity assumptions per flow (handle time,
occupancy, shrinkage), ramp-up capacity, sites, certifications, the technical answers. The
flows and the questions are prefilled and locked; the cells to fill are yellow, and lists
(pricing model, shore) are drop-downs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from arbitre.domain.tender import Tender
from arbitre.tender.grid import (
    ANSWER_COLUMNS,
    BIDDER_ROWS,
    CERTIFICATION_COLUMNS,
    FEES_ROWS,
    FIRST_ROW,
    MAX_CERTIFICATIONS,
    MAX_SITES,
    MODELS,
    PRICE_COLUMNS,
    PRODUCTIVITY_COLUMNS,
    RAMP_ROWS,
    SHORES,
    SITE_COLUMNS,
    GridFlow,
    sheet_name,
)

FILL = PatternFill("solid", fgColor="FFF4C2")
HEAD = Font(bold=True)
TITLE = Font(bold=True, size=14)

_W: dict[str, dict[str, str]] = {
    "title": {"fr": "Grille de réponse — {title}", "en": "Bid grid — {title}"},
    "help": {
        "fr": "Remplissez les cellules jaunes, sans formule (des valeurs). Parts : 0,85 pour 85 %. Montants en {currency}, hors taxes.",
        "en": "Fill in the yellow cells with values, not formulas. Shares: 0.85 for 85 %. Amounts in {currency}, before tax.",
    },
    "readme": {
        "fr": (
            "Cette grille est lue automatiquement : ne renommez pas les onglets, ne déplacez pas les cellules, "
            "ne changez pas les cellules grises (flux et questions). Une erreur est signalée par onglet et cellule. "
            "Les prix restent scellés jusqu'à la date limite de remise des offres ({due}). "
            "Chaque offre est chiffrée par l'acheteur sur les mêmes volumes prévisionnels et au même niveau de service, "
            "avec vos hypothèses de productivité : indiquez celles que vous appliquerez réellement."
        ),
        "en": (
            "This grid is read automatically: do not rename the sheets, move cells or change the grey cells "
            "(flows and questions). An error is reported by sheet and cell. Prices stay sealed until the bid "
            "deadline ({due}). The buyer prices every bid on the same forecast volumes at the same service level, "
            "with your productivity assumptions: give those you will really work with."
        ),
    },
    "tender": {"fr": "Identifiant de l'appel d'offres", "en": "Tender id"},
    "provider": {
        "fr": "Identifiant du candidat (lettres, chiffres, - _ .)",
        "en": "Bidder id (letters, digits, - _ .)",
    },
    "provider_name": {"fr": "Raison sociale", "en": "Company name"},
    "contact": {"fr": "Contact (nom, e-mail)", "en": "Contact (name, e-mail)"},
    "lots": {
        "fr": "Lots (identifiants séparés par des virgules : {lots})",
        "en": "Lots (ids, comma-separated: {lots})",
    },
    "flow": {"fr": "Flux", "en": "Flow"},
    "label": {"fr": "Libellé", "en": "Label"},
    "model": {"fr": "Modèle de prix", "en": "Pricing model"},
    "rate": {"fr": "Prix unitaire", "en": "Unit price"},
    "fixed_monthly": {"fr": "Forfait mensuel", "en": "Monthly flat fee"},
    "minimum_monthly": {"fr": "Minimum mensuel", "en": "Monthly minimum"},
    "evening_premium": {"fr": "Majoration soirée (part)", "en": "Evening premium (share)"},
    "night_premium": {"fr": "Majoration nuit (part)", "en": "Night premium (share)"},
    "weekend_premium": {"fr": "Majoration week-end (part)", "en": "Weekend premium (share)"},
    "tier1_up_to": {"fr": "Palier 1 : jusqu'à (unités/mois)", "en": "Tier 1: up to (units/month)"},
    "tier1_rate": {"fr": "Palier 1 : prix", "en": "Tier 1: price"},
    "tier2_up_to": {"fr": "Palier 2 : jusqu'à", "en": "Tier 2: up to"},
    "tier2_rate": {"fr": "Palier 2 : prix", "en": "Tier 2: price"},
    "tier3_rate": {"fr": "Au-delà : prix", "en": "Above: price"},
    "measured_aht_s": {"fr": "DMT mesurée (s)", "en": "Measured AHT (s)"},
    "aht_s": {"fr": "Votre DMT (s)", "en": "Your AHT (s)"},
    "occupancy": {"fr": "Taux d'occupation (part)", "en": "Occupancy (share)"},
    "shrinkage": {"fr": "Taux d'indisponibilité (part)", "en": "Shrinkage (share)"},
    "paid_hours_per_fte_per_month": {
        "fr": "Heures payées par ETP et par mois",
        "en": "Paid hours per FTE per month",
    },
    "setup_fee": {"fr": "Frais de mise en place", "en": "Set-up fee"},
    "training_days_per_agent": {
        "fr": "Jours de formation initiale par agent",
        "en": "Initial training days per agent",
    },
    "training_day_rate": {
        "fr": "Prix d'une journée de formation par agent",
        "en": "Price of a training day per agent",
    },
    "exit_fee": {"fr": "Frais de réversibilité (fin de contrat)", "en": "Exit (reversibility) fee"},
    "class_size": {"fr": "Agents par promotion de formation", "en": "Agents per training class"},
    "training_weeks": {"fr": "Semaines de formation initiale", "en": "Weeks of initial training"},
    "agents_at_start": {"fr": "Agents en production au démarrage", "en": "Agents on line at the start"},
    "weeks_to_full": {"fr": "Semaines jusqu'à la pleine capacité", "en": "Weeks to full capacity"},
    "max_agents": {"fr": "Agents au plus (capacité)", "en": "Most agents (capacity)"},
    "name": {"fr": "Nom", "en": "Name"},
    "city": {"fr": "Ville", "en": "City"},
    "country": {"fr": "Pays (FR, MA, MG…)", "en": "Country (FR, MA, MG…)"},
    "shore": {"fr": "Localisation", "en": "Shore"},
    "seats": {"fr": "Positions", "en": "Seats"},
    "languages": {"fr": "Langues (fr, en…)", "en": "Languages (fr, en…)"},
    "reference": {"fr": "Numéro du certificat", "en": "Certificate number"},
    "expires": {"fr": "Expire le (AAAA-MM-JJ)", "en": "Expires (YYYY-MM-DD)"},
    "criterion": {"fr": "Critère", "en": "Criterion"},
    "answer": {
        "fr": "Votre réponse (5 000 caractères au plus)",
        "en": "Your answer (5,000 characters at most)",
    },
    "models": {
        "fr": "Modèles : per_productive_hour (heure productive), per_logged_hour (heure connectée), per_contact (contact traité), fixed_monthly (forfait), fixed_plus_variable (forfait + prix unitaire par contact).",
        "en": "Models: per_productive_hour, per_logged_hour, per_contact (handled contact), fixed_monthly (flat fee), fixed_plus_variable (flat fee + a price per contact).",
    },
}


def _w(key: str, lang: str, **params: str) -> str:
    text = _W[key].get(lang) or _W[key]["fr"]
    return text.format(**params) if params else text


def grid_xlsx(
    tender: Tender,
    *,
    flows: Sequence[GridFlow],
    questions: Sequence[tuple[str, str]],
    lang: str = "fr",
) -> bytes:
    """The empty bid grid of ``tender`` as XLSX bytes: ``flows`` in the scope's order,
    ``questions`` (graded name, label) in the order of the criteria."""
    wb = Workbook()
    readme = wb.active
    assert readme is not None
    readme.title = sheet_name("readme", lang)
    _head(readme, tender, lang)
    readme["A4"] = _w("readme", lang, due=tender.timetable.bids_due.isoformat())
    readme["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    readme["A6"] = _w("models", lang)
    readme["A6"].alignment = Alignment(wrap_text=True, vertical="top")
    readme.column_dimensions["A"].width = 120
    readme.row_dimensions[4].height = 90
    readme.row_dimensions[6].height = 45

    bidder = _sheet(wb, "bidder", tender, lang)
    lots = ", ".join(lot.id for lot in tender.all_lots())
    for key, row in BIDDER_ROWS.items():
        bidder[f"A{row}"] = _w(key, lang, lots=lots) if key == "lots" else _w(key, lang)
        _input(bidder, f"B{row}")
    bidder[f"B{BIDDER_ROWS['tender']}"] = tender.id
    _locked(bidder, f"B{BIDDER_ROWS['tender']}")
    if len(tender.all_lots()) == 1:
        bidder[f"B{BIDDER_ROWS['lots']}"] = tender.all_lots()[0].id
    _widths(bidder, {"A": 52, "B": 40})

    prices = _sheet(wb, "prices", tender, lang)
    _table_head(prices, PRICE_COLUMNS, lang)
    model_list = DataValidation(type="list", formula1=f'"{",".join(MODELS)}"', allow_blank=True)
    prices.add_data_validation(model_list)
    for i, f in enumerate(flows):
        row = FIRST_ROW + i
        prices[f"A{row}"], prices[f"B{row}"] = f.flow, f.label
        _locked(prices, f"A{row}", f"B{row}")
        for key, col in PRICE_COLUMNS.items():
            if key not in ("flow", "label"):
                _input(prices, f"{col}{row}")
        model_list.add(f"{PRICE_COLUMNS['model']}{row}")
    _widths(prices, {"A": 20, "B": 30, "C": 22})

    fees = _sheet(wb, "fees", tender, lang)
    for key, row in FEES_ROWS.items():
        fees[f"A{row}"] = _w(key, lang)
        _input(fees, f"B{row}")
    _widths(fees, {"A": 52, "B": 18})

    prod = _sheet(wb, "productivity", tender, lang)
    _table_head(prod, PRODUCTIVITY_COLUMNS, lang)
    for i, f in enumerate(flows):
        row = FIRST_ROW + i
        prod[f"A{row}"], prod[f"B{row}"] = f.flow, f.label
        prod[f"C{row}"] = None if f.aht_s is None else round(f.aht_s)
        _locked(prod, f"A{row}", f"B{row}", f"C{row}")
        for key in ("aht_s", "occupancy", "shrinkage", "paid_hours_per_fte_per_month"):
            _input(prod, f"{PRODUCTIVITY_COLUMNS[key]}{row}")
    _widths(prod, {"A": 20, "B": 30})

    ramp = _sheet(wb, "ramp_up", tender, lang)
    for key, row in RAMP_ROWS.items():
        ramp[f"A{row}"] = _w(key, lang)
        _input(ramp, f"B{row}")
    _widths(ramp, {"A": 52, "B": 18})

    sites = _sheet(wb, "sites", tender, lang)
    _table_head(sites, SITE_COLUMNS, lang)
    shore_list = DataValidation(type="list", formula1=f'"{",".join(SHORES)}"', allow_blank=True)
    sites.add_data_validation(shore_list)
    for i in range(MAX_SITES):
        row = FIRST_ROW + i
        for col in SITE_COLUMNS.values():
            _input(sites, f"{col}{row}")
        shore_list.add(f"{SITE_COLUMNS['shore']}{row}")
    _widths(sites, {"A": 24, "B": 20, "F": 20})

    certs = _sheet(wb, "certifications", tender, lang)
    _table_head(certs, CERTIFICATION_COLUMNS, lang)
    for i in range(MAX_CERTIFICATIONS):
        for col in CERTIFICATION_COLUMNS.values():
            _input(certs, f"{col}{FIRST_ROW + i}")
    _widths(certs, {"A": 24, "B": 24, "C": 20})

    answers = _sheet(wb, "answers", tender, lang)
    _table_head(answers, ANSWER_COLUMNS, lang)
    for i, (name, label) in enumerate(questions):
        row = FIRST_ROW + i
        answers[f"A{row}"], answers[f"B{row}"] = name, label
        _locked(answers, f"A{row}", f"B{row}")
        _input(answers, f"C{row}")
        answers[f"C{row}"].alignment = Alignment(wrap_text=True, vertical="top")
    _widths(answers, {"A": 22, "B": 44, "C": 90})

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _head(ws: Worksheet, tender: Tender, lang: str) -> None:
    ws["A1"] = _w("title", lang, title=tender.title)
    ws["A1"].font = TITLE
    ws["A2"] = _w("help", lang, currency=tender.currency)


def _sheet(wb: Workbook, key: str, tender: Tender, lang: str) -> Worksheet:
    ws = wb.create_sheet(sheet_name(key, lang))
    _head(ws, tender, lang)
    return ws


def _table_head(ws: Worksheet, columns: dict[str, str], lang: str) -> None:
    for key, col in columns.items():
        ws[f"{col}{FIRST_ROW - 1}"] = _w(key, lang)
        ws[f"{col}{FIRST_ROW - 1}"].font = HEAD
        ws[f"{col}{FIRST_ROW - 1}"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[FIRST_ROW - 1].height = 45


def _input(ws: Worksheet, cell: str) -> None:
    ws[cell].fill = FILL
    ws[cell].protection = Protection(locked=False)


def _locked(ws: Worksheet, *cells: str) -> None:
    for cell in cells:
        ws[cell].fill = PatternFill("solid", fgColor="E5E7EB")
        ws[cell].protection = Protection(locked=True)


def _widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[col].width = width


__all__ = ["grid_xlsx"]
