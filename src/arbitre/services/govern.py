"""The monthly run of a contract (step 7 of the method): gather the month's inputs, referee them,
record the result.

For one month and each stored contract in force, the run gathers what the month is refereed on
(`arbitre.contract.referee.MonthInputs`): the contract version in force, the provider's contacts
per flow and day, its units, every SLA computed by the KPI engine on the contract's definitions
after the exclusions (the days above their band reach the queries as data), the months already
recorded, the invoice, the latest decision and the month's quality. The pure
`arbitre.contract.referee.referee` makes the month of them (`arbitre.contract.result.MonthResult`):
SLAs met or missed, credits (allocation, cap, earn-back) and bonus, the invoice checked, the
month-to-date warnings, the obligations calendar, the trend, the business case against the actual
cost. The result is recorded (`arbitre.store.governance`) with the fingerprint of its inputs (the
contract's version, the store's partitions, the invoice), so it can be reproduced; running a month
again gives the same figures.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from arbitre.contract.referee import InvoiceText, MonthInputs, excluded_days, referee
from arbitre.contract.result import AgreedChange, MonthResult
from arbitre.contract.sla import evaluate, scope_sql
from arbitre.contract.units import count_units
from arbitre.domain.contract import Contract
from arbitre.domain.month import Month, read_month
from arbitre.errors import InputError
from arbitre.store.contracts import contract_in_force, list_contracts, load_contract
from arbitre.store.decisions import latest_decision
from arbitre.store.governance import (
    AGREED_CHANGES,
    agreed_changes,
    record_month,
    recorded_months,
    stored_invoice,
)
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.quality import quality_month, with_quality
from arbitre.store.workspace import Workspace


def govern(
    ws: Workspace,
    *,
    month: str | Month,
    contract_id: str | None = None,
    invoice: Path | None = None,
    who: str | None = None,
    today: date | None = None,
    record: bool = True,
) -> list[MonthResult]:
    """The month's results of every contract in force (or of ``contract_id``), recorded.

    ``today`` is the run date (by default today in the workspace's time zone): the month must have
    begun by then, the obligations count their days from it, and the month is charged as complete
    only when it is over by then and the provider's records cover it (`arbitre.contract.coverage`).
    """
    month = check_month(month)
    today = today or local_today(ws.settings.timezone)
    check_begun(month, today=today)
    in_force = contracts_in_force(ws, month=month, contract_id=contract_id)
    if invoice is not None and len(in_force) > 1:
        raise InputError("an invoice belongs to one contract: give --contract", field="--invoice")
    given = InvoiceText(file=str(invoice), text=_read(invoice)) if invoice is not None else None
    out = []
    for contract, version in in_force:
        # Without --invoice, the invoice given with an earlier run of the month still stands.
        bill = given if invoice is not None else stored_invoice(ws, contract.id, month)
        inputs = gather(ws, contract, version, month=month, invoice=bill, today=today)
        result = referee(inputs)
        if record:
            result = record_month(
                ws,
                result,
                who=who or os.environ.get("ARBITRE_USER") or getpass.getuser(),
                inputs_sha256=_fingerprint(
                    ws, contract, version, month, None if bill is None else bill.text, inputs.agreed
                ),
                invoice_text=None if bill is None else bill.text,
                at=datetime.now(UTC),
            )
        out.append(result)
    return out


def contracts_in_force(
    ws: Workspace, *, month: Month, contract_id: str | None = None
) -> list[tuple[Contract, int]]:
    """The stored contracts (or ``contract_id``) in force in ``month``, each with the version in
    force then (`arbitre.store.contracts.contract_in_force`); none is an error that says which
    contracts there are."""
    ids = [contract_id] if contract_id else [c.contract for c in list_contracts(ws)]
    if not ids:
        raise InputError(f"no contract stored in {ws.root}: store one with `arbitre contract {ws.root} FILE`")
    versions = [contract_in_force(ws, cid, month=month) for cid in ids]
    in_force = [found for found in versions if found is not None and month in found[0].months()]
    if not in_force:
        raise InputError(f"no contract in force in {month} ({', '.join(ids)})", field="--month")
    return in_force


# --- gather: what the month is refereed on -----------------------------------------------------


def gather(
    ws: Workspace,
    contract: Contract,
    version: int,
    *,
    month: Month,
    invoice: InvoiceText | None,
    today: date,
) -> MonthInputs:
    """Read what ``contract``'s ``month`` is refereed on: the store's contacts, units and SLAs
    (the days above their band left out, given to the queries as data), the recorded months, the
    earn-back terms of the versions they used, the latest decision, the month's quality, the
    changes agreed in accepted disputes (the agreed days reach the queries with the rule's)."""
    tz = ws.settings.timezone
    source = with_quality(ws, InteractionStore(ws).source_sql(_around(month)))  # quality KPIs can be SLAs
    con = connect(tz)
    try:
        daily = _daily(con, source, contract, month=month, tz=tz)
        agreed = agreed_changes(ws, contract.id, month)
        excluded = excluded_days(contract, month=month, daily=daily, today=today, agreed=agreed)
        units = count_units(con, source, contract, month=month, tz=tz, bands=ws.settings.hour_bands)
        slas = [
            evaluate(
                con,
                source,
                contract,
                sla,
                month=month,
                tz=tz,
                interval_min=ws.settings.interval_min,
                excluded_days=excluded,
            )
            for sla in contract.slas
        ]
    finally:
        con.close()
    recorded = recorded_months(ws, contract.id)
    versions = {r.contract_version for r in recorded if r.month < month and r.contract_version is not None}
    return MonthInputs(
        contract=contract,
        version=version,
        month=month,
        today=today,
        daily=daily,
        units=units,
        slas=slas,
        recorded=recorded,
        earn_back_months=_earn_back_terms(ws, contract.id, versions),
        invoice=invoice,
        decision=latest_decision(ws) if contract.provider.offer is not None else None,
        quality=quality_month(ws, month=month, sites=contract.provider.sites, flows=contract.flows),
        agreed=agreed,
    )


def _earn_back_terms(ws: Workspace, contract_id: str, versions: set[int]) -> dict[int, int]:
    """The earn-back months of each contract version (0: none), to settle each credit under the
    terms of the version that charged it."""
    out = {}
    for v in sorted(versions):
        c, _ = load_contract(ws, contract_id, version=v)
        out[v] = c.credits.earn_back.months if c.credits.earn_back is not None else 0
    return out


def _around(month: Month) -> list[str]:
    """The store's partitions that may hold the month's local days (its neighbours too)."""
    return [month.shift(-1), month, month.shift(1)]


def _daily(
    con: duckdb.DuckDBPyConnection, source: str, contract: Contract, *, month: Month, tz: str
) -> dict[tuple[str, date], int]:
    scoped = scope_sql(source, contract, month=month, tz=tz)
    rows = con.sql(
        f"SELECT flow, CAST(timezone('{tz}', arrived_at) AS DATE) AS day, count(*) FROM {scoped} AS s GROUP BY ALL"
    ).fetchall()
    return {(flow, day): int(n) for flow, day, n in rows}


# --- the record ----------------------------------------------------------------------------


def _fingerprint(
    ws: Workspace,
    contract: Contract,
    version: int,
    month: Month,
    invoice_text: str | None,
    agreed: Sequence[AgreedChange],
) -> str:
    digest = hashlib.sha256()
    digest.update(f"{contract.id}:{version}:{month}".encode())
    parts = InteractionStore(ws).partitions()
    digest.update(json.dumps(sorted((m, parts[m]) for m in _around(month) if m in parts)).encode())
    digest.update((invoice_text or "").encode("utf-8"))
    if agreed:  # the months without an agreed change keep the fingerprint they always had
        digest.update(AGREED_CHANGES.dump_json(list(agreed)))
    return digest.hexdigest()


def local_today(tz: str, *, now: datetime | None = None) -> date:
    """The date in the workspace's time zone ``tz`` (at ``now``, by default the clock's): the
    run date, so that a run at 00:30 in Paris on 1 July counts June as over.

    >>> local_today("Europe/Paris", now=datetime(2026, 6, 30, 22, 30, tzinfo=UTC))
    datetime.date(2026, 7, 1)
    """
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(tz)).date()


def check_begun(month: Month, *, today: date) -> None:
    """Refuse a month that has not begun by the run date ``today``: nothing can be refereed."""
    if month > Month.of(today):
        raise InputError(
            f"{month} has not begun (the run date is {today.isoformat()}): a month is refereed once it has begun",
            field="--month",
        )


def check_month(month: str | Month) -> Month:
    """The month of the `--month` of the commands; anything but ``YYYY-MM`` refused."""
    return read_month(month)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except UnicodeDecodeError:
        try:
            return path.read_text(encoding="cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 or Windows-1252 text ({exc.reason})", file=str(path)) from None


__all__ = ["check_begun", "check_month", "contracts_in_force", "gather", "govern", "local_today"]
