"""The steering-committee report of a refereed month, as the app serves it: HTML to read, PDF to
download, French or English — drawn by `arbitre.services.copil` from the month's recorded run
(never a new run: a report is read, the month must have been refereed), kept by run id.

The provider gets the same report without the business case: that section sets the month against
the client's in-house cost and projected savings (the decision), which are the client's own."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Literal

from arbitre.contract.result import MonthResult, MonthReview
from arbitre.services.access import is_client
from arbitre.services.accounts import Account
from arbitre.services.copil import copil, render_copil, write_copil
from arbitre.store.workspace import Workspace
from arbitre.web.refereed import refereed_month

ReportFormat = Literal["html", "pdf"]
#: A report is a document of its own: its inline style allowed, nothing else (no script at all).
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_html: dict[tuple[str, str, str, bool], str] = {}
_lock = threading.Lock()


def copil_html(ws: Workspace, account: Account, contract_id: str, month: str, *, lang: str) -> str:
    """The report of ``month`` of a contract the account sees (`NotFound` otherwise), as HTML."""
    view = refereed_month(ws, account, contract_id, month)
    assert view.run is not None  # read from its recorded run
    key = (str(ws.root), view.run.id, lang, is_client(account))
    found = _html.get(key)
    if found is None:
        found = render_copil(_report(ws, account, view), lang=lang)
        with _lock:
            if len(_html) >= 16:
                _html.pop(next(iter(_html)))
            _html[key] = found
    return found


def copil_pdf(ws: Workspace, account: Account, contract_id: str, month: str, *, lang: str) -> Path:
    """The report as PDF, written in the workspace's reports folder (as `arbitre copil` does)."""
    view = refereed_month(ws, account, contract_id, month)
    report = _report(ws, account, view)
    if is_client(account):
        return write_copil(ws, report, fmt="pdf", lang=lang)
    suffix = "" if lang == "fr" else f".{lang}"  # the provider's edition, beside the client's
    path = ws.reports_dir / f"copil-{view.contract}-{view.month}-provider{suffix}.pdf"
    return write_copil(ws, report, fmt="pdf", lang=lang, path=path)


def _report(ws: Workspace, account: Account, view: MonthResult) -> MonthReview:
    """What the report shows (`arbitre.services.copil.copil`), on the month's recorded run;
    the provider's without the client's business case."""
    (report,) = copil(ws, month=view.month, contract_id=view.contract, today=view.run_date())
    if not is_client(account):
        report = report.model_copy(
            update={"document": report.document.model_copy(update={"business_case": None})}
        )
    return report


__all__ = ["REPORT_CSP", "ReportFormat", "copil_html", "copil_pdf"]
