"""The staffing plan's and the schedule's sentences, in French and English: the plan's warnings
(`PlanWarning` codes) and what the shift rules made impossible (`ShiftNote` codes)."""

from __future__ import annotations

from arbitre.domain.hours import DAYS
from arbitre.reports.i18n import t
from arbitre.staffing.document import PlanWarning, ShiftNote


def plan_warning(warning: PlanWarning, lang: str = "en") -> str:
    """One line saying why a flow's plan stands on no data.

    >>> from datetime import date
    >>> w = PlanWarning(flow="sav", code="gap", first=date(2025, 5, 1), last=date(2025, 5, 7),
    ...                 history_end=date(2025, 4, 6), gap_days=24)
    >>> plan_warning(w)
    'sav: its history ends on 2025-04-06, 24 days before the plan starts: the forecast bridges a period with no data'
    >>> plan_warning(w.model_copy(update={"code": "no_contacts", "history_end": None}), "fr")
    'sav : aucun contact prévu du 2025-05-01 au 2025-05-07 (aucun contact dans son historique)'
    """
    end = warning.history_end.isoformat() if warning.history_end else None
    if warning.code == "gap":
        return t("plan.warning.gap", lang).format(flow=warning.flow, end=end, gap=warning.gap_days)
    when = t("plan.warning.no_history", lang) if end is None else t("plan.warning.history_ends", lang)
    return t("plan.warning.no_contacts", lang).format(
        flow=warning.flow,
        first=warning.first.isoformat(),
        last=warning.last.isoformat(),
        when=when.format(end=end),
    )


def shift_note(note: ShiftNote, lang: str = "en") -> str:
    """What the shift rules made impossible, in one line.

    >>> shift_note(ShiftNote(shift="late", code="no_break", hours=7, start="13:00", days=list(DAYS)))
    'late: 7-h shifts starting at 13:00 (mon-sun) have no break placement within the rules; not used'
    >>> shift_note(ShiftNote(shift="pt", code="no_week", days_per_week=[4, 5], days_off="consecutive"), "fr")
    "pt : aucune semaine de 4 ou 5 jours avec des jours de repos consecutive n'a un début permis chaque jour travaillé ; non utilisé"
    """
    if note.code == "no_break":
        hours = f"{note.hours:g}"
        if lang == "fr":
            days = day_runs(note.days, lang="fr")
            return (
                f"{note.shift} : les vacations de {hours} h commençant à {note.start} ({days}) n'ont aucune "
                "pause possible dans les règles ; non utilisées"
            )
        days = day_runs(note.days)
        return (
            f"{note.shift}: {hours}-h shifts starting at {note.start} ({days}) have no break placement "
            "within the rules; not used"
        )
    if lang == "fr":
        counts = " ou ".join(str(n) for n in note.days_per_week)
        return (
            f"{note.shift} : aucune semaine de {counts} jours avec des jours de repos {note.days_off} n'a un "
            "début permis chaque jour travaillé ; non utilisé"
        )
    counts = " or ".join(str(n) for n in note.days_per_week)
    return (
        f"{note.shift}: no week of {counts} days with {note.days_off} days off has an allowed start on "
        "every day worked; not used"
    )


def day_runs(days: list[str], *, lang: str | None = None) -> str:
    """``["mon", "tue", "wed", "fri"]`` → ``"mon-wed, fri"`` (the days' codes), or with ``lang``
    the days as that language abbreviates them.

    >>> day_runs(["sat", "mon", "tue", "wed"]), day_runs(["sat", "mon", "tue", "wed"], lang="fr")
    ('mon-wed, sat', 'lun.-mer., sam.')
    """

    def name(i: int) -> str:
        return DAYS[i] if lang is None else t(f"day.{DAYS[i]}", lang)

    runs: list[list[int]] = []
    for i in sorted(DAYS.index(d) for d in days):
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return ", ".join(name(r[0]) if len(r) == 1 else f"{name(r[0])}-{name(r[-1])}" for r in runs)


__all__ = ["day_runs", "plan_warning", "shift_note"]
