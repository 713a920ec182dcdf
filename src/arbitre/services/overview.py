"""What is in a workspace, as its overview page and the KPI API show it — to each what it may see.

The client sees the whole store and the import log; a provider sees only the rows of its sites
(the store is filtered in the query, by a table of the allowed sites joined in, never by text
pasted into SQL) and no import log but its own uploads (`arbitre.services.uploads`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import duckdb
import pyarrow as pa
from pydantic import BaseModel
from sqlalchemy import select

from arbitre.domain.kpis import KpiRules
from arbitre.errors import InputError
from arbitre.kpi.engine import check_group_keys, compute_kpis
from arbitre.services.access import Permission, require, visible_sites
from arbitre.services.accounts import Account
from arbitre.services.audit import aware
from arbitre.services.contract_views import visible_contract_ids
from arbitre.store.appdb import ImportRecord, session_scope
from arbitre.store.contracts import list_contracts
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace


class MonthCount(BaseModel):
    month: str
    contacts: int


class FlowCount(BaseModel):
    flow: str
    channel: str
    site: str
    contacts: int
    first: datetime
    last: datetime


class ImportLine(BaseModel):
    """One line of the import log (the file's name only: the server's paths stay on the server)."""

    id: str
    started_at: datetime
    who: str
    file: str
    mode: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    duplicates: int
    rejected: int


class Overview(BaseModel):
    workspace: str
    timezone: str
    currency: str
    contacts: int
    months: list[MonthCount]
    flows: list[FlowCount]
    imports: list[ImportLine]  # empty for a provider
    contracts: int


class KpiRow(BaseModel):
    """The KPIs of one group: its keys (``flow``, ``month``…) and the values by KPI name."""

    group: dict[str, str | None]
    kpis: dict[str, float | None]


def overview(ws: Workspace, account: Account) -> Overview:
    """Months, flows and sites of the store, the import log and the number of contracts."""
    require(account, Permission.READ_KPIS)
    sites = visible_sites(account)
    months, flows = _counts(InteractionStore(ws).source_sql(), ws.settings.timezone, sites)
    imports = import_log(ws, account) if sites is None else []
    visible = visible_contract_ids(ws, account)
    contracts = len(list_contracts(ws)) if visible is None else len(visible)
    return Overview(
        workspace=ws.settings.name,
        timezone=ws.settings.timezone,
        currency=ws.settings.currency,
        contacts=sum(m.contacts for m in months),
        months=months,
        flows=flows,
        imports=imports,
        contracts=contracts,
    )


def import_log(ws: Workspace, account: Account, *, limit: int = 200) -> list[ImportLine]:
    """The import log, newest first (the client's side only)."""
    require(account, Permission.READ_WORKSPACE)
    with session_scope(ws.engine) as session:
        query = select(ImportRecord).order_by(ImportRecord.started_at.desc()).limit(limit)
        return [
            ImportLine(
                id=r.id,
                started_at=aware(r.started_at),
                who=r.who,
                file=Path(r.source).name,
                mode=r.mode,
                rows_read=r.rows_read,
                inserted=r.inserted,
                updated=r.updated,
                unchanged=r.unchanged,
                duplicates=r.duplicates,
                rejected=r.rejected,
            )
            for r in session.scalars(query)
        ]


def site_kpis(ws: Workspace, account: Account, *, by: Sequence[str] = ()) -> list[KpiRow]:
    """The KPIs of the store (a provider: of its sites only), grouped by ``by``."""
    require(account, Permission.READ_KPIS)
    try:
        keys = check_group_keys([k for item in by for k in item.split(",") if k.strip()])
    except ValueError as exc:
        raise InputError(str(exc), field="by") from None
    return [
        row.model_copy(deep=True)
        for row in _kpis(
            InteractionStore(ws).source_sql(),
            ws.settings.timezone,
            ws.settings.interval_min,
            visible_sites(account),
            tuple(keys),
        )
    ]


# The store changes only by an import, which repoints it to new files: the SQL source over the
# committed files names them, so figures computed on one source are kept — a page read by twenty
# people scans the store once, and an import makes the next read scan the new files.


@lru_cache(maxsize=64)
def _counts(source: str, tz: str, sites: frozenset[str] | None) -> tuple[list[MonthCount], list[FlowCount]]:
    con = _connect(source, tz, sites)
    try:
        months = [
            MonthCount(month=m, contacts=int(n))
            for m, n in con.execute(
                "SELECT strftime(arrived_at, '%Y-%m') AS m, count(*) FROM seen GROUP BY m ORDER BY m"
            ).fetchall()
        ]
        flows = [
            FlowCount(flow=f, channel=c, site=s, contacts=int(n), first=first, last=last)
            for f, c, s, n, first, last in con.execute(
                """SELECT flow, channel, site, count(*), min(arrived_at), max(arrived_at)
                   FROM seen GROUP BY flow, channel, site ORDER BY flow, site"""
            ).fetchall()
        ]
    finally:
        con.close()
    return months, flows


@lru_cache(maxsize=256)
def _kpis(
    source: str,
    tz: str,
    interval_min: int,
    sites: frozenset[str] | None,
    keys: tuple[str, ...],
) -> tuple[KpiRow, ...]:
    rules = KpiRules.model_validate({**KpiRules().model_dump(), "interval_min": interval_min})
    con = _connect(source, tz, sites)
    try:
        rows = compute_kpis(con, "seen", by=list(keys), rules=rules, tz=tz)
    finally:
        con.close()
    out = []
    for row in rows:
        group = {k: None if row[k] is None else str(row[k]) for k in keys}
        values = {
            k: (None if v is None else float(v))
            for k, v in row.items()
            if k not in keys and (v is None or isinstance(v, int | float))
        }
        out.append(KpiRow(group=group, kpis=values))
    return tuple(out)


def _connect(source: str, tz: str, sites: frozenset[str] | None) -> duckdb.DuckDBPyConnection:
    """A connection with view ``seen``: the store (``source``), or only the rows of ``sites``."""
    con = connect(tz)
    if sites is None:
        con.execute(f"CREATE VIEW seen AS SELECT * FROM {source}")
    else:
        con.register("allowed_sites", pa.table({"site": pa.array(sorted(sites), pa.string())}))
        con.execute(
            f"CREATE VIEW seen AS SELECT * FROM {source} WHERE site IN (SELECT site FROM allowed_sites)"
        )
    return con


__all__ = [
    "FlowCount",
    "ImportLine",
    "KpiRow",
    "MonthCount",
    "Overview",
    "import_log",
    "overview",
    "site_kpis",
]
