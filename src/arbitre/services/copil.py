"""The steering-committee report of a contract's month (the ISO 18295-2 client/provider review).

Drawn from the monthly run (`arbitre.services.govern`): the run recorded for the month — or a new
one, recorded, when there is none — with the earlier recorded months for the trends, and the
contract version the run used for the definitions (`arbitre.contract.result.MonthReview`). The
report itself is rendered by `arbitre.reports.copil`; this service gathers it and writes the file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from arbitre.contract.result import MonthReview
from arbitre.domain.month import Month
from arbitre.reports.copil import Action, open_actions, render_copil
from arbitre.reports.html import Format, write_document
from arbitre.services.govern import check_begun, check_month, contracts_in_force, govern, local_today
from arbitre.store.contracts import load_contract
from arbitre.store.governance import recorded_months
from arbitre.store.workspace import Workspace


def copil(
    ws: Workspace,
    *,
    month: str | Month,
    contract_id: str | None = None,
    fresh: bool = False,
    who: str | None = None,
    today: date | None = None,
) -> list[MonthReview]:
    """What the report of ``month`` shows, one per contract in force (or ``contract_id``): the
    month's run, the earlier recorded months (oldest first) and the contract version the run used.

    The recorded run of the month is used unless ``fresh``; without one — or when it was a
    month-to-date run and the month has ended since — the month is refereed and recorded.
    """
    month = check_month(month)
    today = today or local_today(ws.settings.timezone)
    check_begun(month, today=today)
    ended = today > month.last_day
    reports = []
    for latest, _ in contracts_in_force(ws, month=month, contract_id=contract_id):
        recorded = recorded_months(ws, latest.id)
        document = None if fresh else next((r for r in recorded if r.month == month), None)
        if document is not None and ended and not document.complete:
            document = None  # a month-to-date run of a month now over: referee the whole month
        if document is None:
            (document,) = govern(ws, month=month, contract_id=latest.id, who=who, today=today)
        contract, _ = load_contract(ws, latest.id, version=document.contract_version)
        reports.append(
            MonthReview(
                document=document, history=[r for r in recorded if r.month < month], contract=contract
            )
        )
    return reports


def write_copil(
    ws: Workspace,
    report: MonthReview,
    *,
    fmt: Format = "html",
    lang: str = "fr",
    path: Path | None = None,
) -> Path:
    """Write the report (atomically: a reader never sees half a file) and return its path.

    Default: ``reports/copil-<contract>-<month>.<fmt>`` in the workspace, ``….en.<fmt>`` in
    English.
    """
    html = render_copil(report, lang=lang)
    d = report.document
    suffix = "" if lang == "fr" else f".{lang}"
    target = path or ws.reports_dir / f"copil-{d.contract}-{d.month}{suffix}.{fmt}"
    return write_document(html, target, fmt=fmt)


__all__ = ["Action", "copil", "open_actions", "render_copil", "write_copil"]
