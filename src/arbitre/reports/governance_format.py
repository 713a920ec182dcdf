"""Words and figures of the governance reports: KPI values, targets, months, days and times,
invoice items and notes, in the report's language (French or English)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from arbitre.contract.reconcile import Difference
from arbitre.contract.result import SlaMonth
from arbitre.domain.hours import DAYS, WeeklyHours
from arbitre.domain.month import Month
from arbitre.reports import governance_charts
from arbitre.reports.html import duration, money, num, pct
from arbitre.reports.i18n import t

#: Countries where providers commonly serve French-speaking clients, named in each language;
#: other countries keep their ISO code.
COUNTRIES: dict[str, tuple[str, str]] = {
    "MG": ("Madagascar", "Madagascar"),
    "MA": ("Maroc", "Morocco"),
    "TN": ("Tunisie", "Tunisia"),
    "SN": ("Sénégal", "Senegal"),
    "CI": ("Côte d'Ivoire", "Côte d'Ivoire"),
    "MU": ("Maurice", "Mauritius"),
    "CM": ("Cameroun", "Cameroon"),
    "IN": ("Inde", "India"),
    "PH": ("Philippines", "the Philippines"),
    "FR": ("France", "France"),
    "ES": ("Espagne", "Spain"),
    "PT": ("Portugal", "Portugal"),
    "RO": ("Roumanie", "Romania"),
    "BG": ("Bulgarie", "Bulgaria"),
    "PL": ("Pologne", "Poland"),
    "BE": ("Belgique", "Belgium"),
    "DE": ("Allemagne", "Germany"),
    "IE": ("Irlande", "Ireland"),
    "GB": ("Royaume-Uni", "the United Kingdom"),
    "CH": ("Suisse", "Switzerland"),
}

# --- words and figures -----------------------------------------------------------------------


def kpi_value(value: float | None, kpi: str, lang: str) -> str:
    """A KPI's value the way it reads: a share in %, a wait or a handling time in s, a score.

    >>> kpi_value(0.75, "service_level", "en"), kpi_value(185, "aht_s", "fr"), kpi_value(None, "nps", "fr")
    ('75.0%', '3 min 05 s', '—')
    """
    if value is None:
        return "—"
    if kpi in governance_charts.SECONDS:
        return duration(value, lang)
    if kpi in governance_charts.SCORES:
        return num(value, lang, 1)
    return pct(value, lang)


def target_text(s: SlaMonth, lang: str, *, windows: bool = False) -> str:
    """``≥ 80,0 %``; for a day window ``≤ 5,0 % / jour`` (and ``, ≥ 90 % des jours`` with ``windows``)."""
    side = "≥" if s.direction == "at_least" else "≤"
    text = f"{side} {kpi_value(s.target, s.kpi, lang)}"
    if s.window != "month":
        text += f" / {t('window.' + s.window, lang)}"
        if windows:
            text += f", {share_required(s, lang)}"
    return text


def share_required(s: SlaMonth, lang: str) -> str:
    """``≥ 90 % des jours``: the share of windows a day or interval SLA needs."""
    return f"≥ {pct(s.min_share_of_windows or 1, lang, 0)} {t('windows.' + s.window, lang)}"


def actual_text(s: SlaMonth, lang: str) -> str:
    """The month's result: the KPI, or for a day window the share of days meeting the target."""
    if s.window == "month":
        return kpi_value(s.actual, s.kpi, lang)
    if s.actual is None:
        return "—"
    return f"{pct(s.actual, lang)} {t('windows.' + s.window, lang)}"


def month_label(month: str | None, lang: str) -> str:
    """``2026-05`` → ``mai 2026`` / ``May 2026``."""
    if not month:
        return "—"
    m = Month.parse(month)
    return f"{t(f'month.{m.number}', lang)} {m.year}"


def day_label(day: str | date | None, lang: str) -> str:
    """``2026-05-31`` → ``31 mai 2026`` / ``31 May 2026`` (``1er juillet 2026``); a month ``YYYY-MM``
    as `month_label`."""
    if not day:
        return "—"
    if isinstance(day, date):
        day = day.isoformat()
    if len(day) == 7:
        return month_label(day, lang)
    d = date.fromisoformat(day[:10])
    first = "1er" if d.day == 1 and lang == "fr" else str(d.day)  # « le 1er juillet »
    return f"{first} {t(f'month.{d.month}', lang)} {d.year}"


def time_label(moment: str | datetime | None, lang: str) -> str:
    """An ISO time with its offset → ``20 mai 2026 00:00 (+02:00)``; UTC written ``UTC``."""
    if not moment:
        return "—"
    m = moment if isinstance(moment, datetime) else datetime.fromisoformat(moment)
    offset = m.strftime("%z")
    zone = "UTC" if offset in ("", "+0000") else f"{offset[:3]}:{offset[3:]}"
    return f"{day_label(m.date().isoformat(), lang)} {m:%H:%M} ({zone})"


def invoice_item(item: str, lang: str) -> str:
    """An invoice check's item in the report's language (the run writes them in English).

    >>> invoice_item("unit price, line 4 (contact voice weekend)", "fr"), invoice_item("logged_hour all flows", "fr")
    ('prix unitaire, ligne 4 (contacts voice weekend)', 'heures connectées tous les flux')
    """
    if lang == "en":
        return item
    if item in ("total", "all flows"):
        return t(f"item.{item}", lang)
    price = re.fullmatch(r"unit price, line (\d+) \((.*)\)", item)
    if price:
        return f"{t('item.unit_price', lang)} {price[1]} ({_units_fr(price[2], lang)})"
    if item.startswith("lines for "):
        return f"{t('item.lines_for', lang)} {item.removeprefix('lines for ')}"
    return _units_fr(item, lang)


def invoice_note(note: str | None, lang: str) -> str:
    """An invoice check's note in the report's language (known notes are translated)."""
    if not note:
        return ""
    estimated = re.fullmatch(r"estimated: productive hours ÷ occupancy ([\d.]+) .*", note)
    if estimated:
        return t("note.estimated", lang).format(occupancy=estimated[1])
    key = f"note.{note}"
    return label(key, lang, note)


def _units_fr(text: str, lang: str) -> str:
    unit, _, rest = text.partition(" ")
    rest = t("item.all flows", lang) if rest == "all flows" else rest
    return f"{label(f'unit.{unit}', lang, unit)} {rest}".strip()


def invoice_figure(value: str | None, item: str, flag: str, lang: str, currency: str) -> str:
    """Amounts (the total, unit prices) as money; quantities with the decimals they were given."""
    if value is None:
        return "—"
    if item == "total" or flag == "price":
        return money(value, lang, currency, 2)
    digits = len(value.partition(".")[2])
    return num(value, lang, min(digits, 2))


def label(key: str, lang: str, fallback: str) -> str:
    try:
        return t(key, lang)
    except KeyError:
        return fallback


def hours_text(spec: str | dict[str, str], lang: str) -> str:
    """Weekly hours in words, consecutive days with the same hours grouped:
    ``lun.–ven. 08:00–20:00 ; sam. 09:00–12:00, 14:00–18:00 ; dim. fermé``.

    >>> hours_text({"mon-fri": "08:00-20:00", "sat": "09:00-12:00"}, "en")
    'Mon–Fri 08:00–20:00; Sat 09:00–12:00; Sun closed'
    """
    described = WeeklyHours.parse(spec).describe()
    groups: list[tuple[int, int, str]] = []
    for i, day in enumerate(DAYS):
        hours = described[day]
        if groups and groups[-1][2] == hours and groups[-1][1] == i - 1:
            groups[-1] = (groups[-1][0], i, hours)
        else:
            groups.append((i, i, hours))
    parts = []
    for first, last, hours in groups:
        days = t(f"day.{DAYS[first]}", lang)
        if last > first:
            days += "–" + t(f"day.{DAYS[last]}", lang)
        shown = t("hours.closed", lang) if hours == "closed" else hours.replace("-", "–")
        parts.append(f"{days} {shown}")
    return (" ; " if lang == "fr" else "; ").join(parts)


def channel_label(channel: str, lang: str) -> str:
    """A channel in words: ``voice_in`` → ``appels entrants`` / ``inbound calls``."""
    return label(f"channel.{channel}", lang, channel)


def country_label(code: str, lang: str) -> str:
    """``MG`` → ``Madagascar``; an unknown code as given."""
    names = COUNTRIES.get(code)
    return code if names is None else names[0 if lang == "fr" else 1]


def listed(items: Sequence[str], lang: str) -> str:
    """``a, b et c`` / ``a, b and c``."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {'et' if lang == 'fr' else 'and'} {items[-1]}"


def days_text(days: Sequence[str], lang: str) -> str:
    """Days of one month, compactly: ``10, 11 et 12 juin 2026`` / ``10, 11 and 12 June 2026``;
    days of several months each in full."""
    if not days:
        return "—"
    parsed = [date.fromisoformat(d[:10]) for d in days]
    if len({(d.year, d.month) for d in parsed}) > 1:
        return listed([day_label(d.isoformat(), lang) for d in parsed], lang)
    first = parsed[0]
    numbers = ["1er" if d.day == 1 and lang == "fr" else str(d.day) for d in parsed]
    return f"{listed(numbers, lang)} {t(f'month.{first.month}', lang)} {first.year}"


def difference_item(x: Difference, lang: str) -> str:
    """An invoice check's item in words from its unit, flow and band (the total and the unit
    prices as `invoice_item`): ``heures connectées sav-voice-fr, soirée``."""
    if x.unit is None or x.item.startswith("unit price") or x.item == "total":
        return invoice_item(x.item, lang)
    text = f"{label(f'unit.{x.unit}', lang, x.unit)} {x.flow or t('item.all flows', lang)}"
    if x.band:
        text += ", " + label(f"band.word.{x.band}", lang, x.band)
    return text
