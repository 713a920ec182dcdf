"""The staffing plan's sentences, in French and English: its warnings (`PlanWarning` codes)."""

from __future__ import annotations

from arbitre.reports.i18n import t
from arbitre.staffing.document import PlanWarning


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


__all__ = ["plan_warning"]
