"""The interaction store: one Parquet file per month, named in the app database, read with DuckDB.

Writes never modify a file in place. An import writes new month files (a new name each time)
into a staging folder, then one database transaction repoints the months to them
(``store_partitions``) and records the import. A crash at any point leaves either the old state
or the new one: files that no partition row names are leftovers, removed by `collect_garbage`.

Readers see a snapshot: a reader takes the workspace's readers' lock (shared) before it reads
the partition rows, and keeps it until the workspace is closed; a replaced month file is removed
only by whoever can take that lock alone. So a `kpi` or a `map` running while an import commits
reads the old files or the new ones, never a file removed under it.

Files are private: folders 700, Parquet files 600, written without min/max statistics on the
personal and free-text columns (`PRIVATE_COLUMNS`).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from arbitre.domain.interactions import COLUMNS, NATURAL_KEY
from arbitre.domain.kpis import REPEAT_GAP_CAP_S
from arbitre.errors import WorkspaceError
from arbitre.store.appdb import ImportChange, ImportRecord, StorePartition, session_scope
from arbitre.store.duck import bounded_connection as bounded_connection
from arbitre.store.duck import connect as connect
from arbitre.store.duck import sql_type as sql_type
from arbitre.store.files import STAGING, BackgroundWriter, collect_garbage, fsync, private_folder
from arbitre.store.workspace import Workspace

# Beyond the record: ``customer_key`` (the customer's pseudonym as a 64-bit integer),
# ``repeat_gap_s`` (seconds to the same customer's next contact on the same flow, when it comes
# within `REPEAT_GAP_CAP_S`; 0 for a contact at the same instant), ``extra`` (unknown source
# columns as JSON), ``import_id``. The gap is recomputed over the whole store at every import, so
# the KPI engine counts repeats without a window over the history.
STORE_COLUMNS: tuple[str, ...] = (
    *(c.name for c in COLUMNS),
    "customer_key",
    "repeat_gap_s",
    "extra",
    "import_id",
)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


EMPTY_SELECT = (
    "SELECT "
    + ", ".join(f"CAST(NULL AS {sql_type(c)}) AS {_q(c.name)}" for c in COLUMNS)
    + ", CAST(NULL AS UBIGINT) AS customer_key, CAST(NULL AS DOUBLE) AS repeat_gap_s,"
    " CAST(NULL AS VARCHAR) AS extra, CAST(NULL AS VARCHAR) AS import_id,"
    " CAST(NULL AS VARCHAR) AS filename"
    " WHERE FALSE"
)


@dataclass
class MergeResult:
    """What an import would change; `InteractionStore.commit` makes it so."""

    import_id: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    staged: dict[str, tuple[Path, int]] = field(default_factory=dict)
    changes: list[dict[str, str]] = field(default_factory=list)


class InteractionStore:
    """The interaction store of one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.root = ws.interactions_dir

    # --- reading ---------------------------------------------------------------------------

    def partitions(self) -> dict[str, tuple[str, int]]:
        """Month → (file relative to the store, rows), as committed; the files stay in place until
        the workspace is closed (the readers' lock is held from here)."""
        self.ws.hold_readers_lock()
        return self._committed()

    def _committed(self) -> dict[str, tuple[str, int]]:
        with session_scope(self.ws.engine) as session:
            rows = session.execute(select(StorePartition.month, StorePartition.file, StorePartition.rows))
            parts = {m: (f, n) for m, f, n in rows}
        missing = sorted(m for m, (f, _) in parts.items() if not (self.root / f).is_file())
        if missing:
            raise WorkspaceError(
                f"the interaction store of {self.ws.root} is damaged: the file of month "
                f"{', '.join(missing)} is missing ({parts[missing[0]][0]}); restore it from a backup, "
                "or import that month's files into a new workspace"
            )
        return parts

    def files(self, months: Iterable[str] | None = None) -> list[Path]:
        parts = self.partitions()
        wanted = sorted(parts) if months is None else sorted(set(months) & set(parts))
        return [self.root / parts[m][0] for m in wanted]

    def rows(self) -> int:
        return sum(n for _, n in self.partitions().values())

    def source_sql(self, months: Iterable[str] | None = None) -> str:
        """A FROM-able SQL expression over the committed files (an empty typed table if none)."""
        files = self.files(months)
        if not files:
            return f"(SELECT * EXCLUDE (filename) FROM ({EMPTY_SELECT}))"
        listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        return f"read_parquet([{listing}])"

    def months_until(self, last: date | None) -> list[str]:
        """The stored months up to the month of the local day ``last`` (all if None): the store's
        months are the workspace's local months at import."""
        parts = sorted(self.partitions())
        if last is None:
            return parts
        return [m for m in parts if m <= last.strftime("%Y-%m")]

    def window_sql(self, *, tz: str, last: date | None = None, first: date | None = None) -> str:
        """The committed contacts arriving from the local day ``first`` to ``last`` included, in
        ``tz`` (either bound optional): what a decision made on a history up to ``last`` reads,
        whatever was imported since.
        """
        # One month more than the window's: a store imported in another time zone holds the
        # contacts of a month's last hours in the next month's file; the bounds below cut them.
        source = self.source_sql(None if last is None else self.months_until(last + timedelta(days=31)))
        zone = ZoneInfo(tz)
        bounds = []
        if first is not None:
            start = datetime.combine(first, time(), zone)
            bounds.append(f"arrived_at >= TIMESTAMPTZ '{start.isoformat()}'")
        if last is not None:
            end = datetime.combine(last + timedelta(days=1), time(), zone)
            bounds.append(f"arrived_at < TIMESTAMPTZ '{end.isoformat()}'")
        if not bounds:
            return source
        return f"(SELECT * FROM {source} WHERE {' AND '.join(bounds)})"

    def attach(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        name: str = "interactions",
        months: Iterable[str] | None = None,
    ) -> None:
        """Create view ``name`` over the store in ``con``."""
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {self.source_sql(months)}")

    # --- writing ---------------------------------------------------------------------------

    def merge(self, con: duckdb.DuckDBPyConnection, incoming: str, *, import_id: str) -> MergeResult:
        """Stage new month files merging table ``incoming`` into the store (nothing committed).

        ``incoming`` holds canonical columns, ``customer_key``, ``extra`` and ``month`` (the store month of each row,
        ``YYYY-MM`` in the workspace's time zone), at most one row per natural key. A row whose key
        is not in the store is inserted; a row equal to the stored one changes nothing; a row that
        differs replaces it (an update, listed in ``changes``), even across months.
        """
        result = MergeResult(import_id=import_id)
        parts = self._committed()  # the writer holds the workspace lock: no commit in between
        by_file = {str(self.root / f): m for m, (f, _) in parts.items()}
        key = ", ".join(_q(k) for k in NATURAL_KEY)
        cols = [c.name for c in COLUMNS] + ["extra"]
        select_cols = ", ".join(_q(c) for c in [*cols, "customer_key", "repeat_gap_s"])
        hit_files: list[str] = []
        if parts:
            # Where the incoming keys live today, reading only the key columns of every month.
            files = ", ".join("'" + f.replace("'", "''") + "'" for f in by_file)
            hit_files = [
                f
                for (f,) in con.sql(
                    f"SELECT DISTINCT filename FROM read_parquet([{files}], filename=true) s "
                    f"SEMI JOIN {incoming} USING ({key})"
                ).fetchall()
            ]
        if hit_files:
            rewrite, fresh_rows = self._classify(
                con, incoming, result, hit_files=hit_files, by_file=by_file, cols=cols
            )
            if not rewrite:
                return result
        else:
            # No incoming key is stored yet (a first import, a new month): every row is new.
            result.inserted = int(con.sql(f"SELECT count(*) FROM {incoming}").fetchall()[0][0])
            rewrite = {m for (m,) in con.sql(f"SELECT DISTINCT month FROM {incoming}").fetchall()}
            fresh_rows = incoming
            if not rewrite:  # a file of no rows (a header alone): nothing to write
                return result
        # The months to rewrite, as they will be: kept rows and incoming ones (each month's own
        # query, so that writing a month scans that month only).
        # Each row carries ``__rid``, its place (`_FRESH_ROW`, `_STORED_ROW`): its gap joins back on it.
        contents: dict[str, str] = {}
        for month in sorted(rewrite):
            fresh = (
                f"SELECT {select_cols}, '{import_id}' AS import_id, '{month}' AS month, "
                f"{_FRESH_ROW} AS __rid FROM {fresh_rows} WHERE month = '{month}'"
            )
            if month in parts:
                old_file = str(self.root / parts[month][0]).replace("'", "''")
                kept = (
                    f"SELECT {select_cols}, import_id, '{month}' AS month, {_STORED_ROW} AS __rid "
                    f"FROM read_parquet('{old_file}', file_row_number = true)"
                )
                if hit_files:
                    kept += f" ANTI JOIN replaced USING ({key})"
                fresh = f"{kept} UNION ALL {fresh}"
            contents[month] = fresh
        if rewrite & parts.keys():
            everything = " UNION ALL ".join(contents.values())
        else:  # only new months, every row incoming: one scan of them rather than one a month
            months = ", ".join(f"'{m}'" for m in sorted(rewrite))
            everything = (
                f"SELECT {select_cols}, '{import_id}' AS import_id, month, {_FRESH_ROW} AS __rid "
                f"FROM {fresh_rows} WHERE month IN ({months})"
            )
        con.execute(f"CREATE OR REPLACE TEMP VIEW rewritten AS {everything}")
        untouched = {m: str(self.root / f) for m, (f, _) in parts.items() if m not in rewrite}
        changed = _repeat_gaps(con, untouched)
        private_folder(self.root)
        stage = private_folder(self.root / STAGING / import_id)
        writer = BackgroundWriter()  # a month is compressed while the next one is sorted
        targets: dict[str, Path] = {}
        for month in sorted(rewrite | changed):
            if month in rewrite:
                content = f"SELECT * EXCLUDE (month) FROM ({contents[month]})"
            else:  # an untouched month whose repeats changed (a customer came back in this import)
                old_file = untouched[month].replace("'", "''")
                content = (
                    f"SELECT {select_cols}, import_id, {_STORED_ROW} AS __rid "
                    f"FROM read_parquet('{old_file}', file_row_number = true)"
                )
            targets[month] = stage / f"{month}.parquet"
            writer.write(
                con,
                f"SELECT c.* EXCLUDE (repeat_gap_s, __rid), g.gap AS repeat_gap_s FROM ({content}) c "
                f"LEFT JOIN (SELECT rid, gap FROM gaps WHERE month = '{month}') g ON c.__rid = g.rid "
                f"ORDER BY arrived_at, contact_id",
                targets[month],
            )
        rows = writer.finish()
        result.staged = {month: (target, rows[target]) for month, target in targets.items()}
        fsync(stage)
        return result

    def _classify(
        self,
        con: duckdb.DuckDBPyConnection,
        incoming: str,
        result: MergeResult,
        *,
        hit_files: list[str],
        by_file: dict[str, str],
        cols: list[str],
    ) -> tuple[set[str], str]:
        """Insert, update or unchanged for each incoming row against the stored rows it meets.

        Fills the counts and changes of ``result``; leaves table ``replaced`` (keys of the stored
        rows to drop) and table ``fresh`` (rows to write); returns the months to rewrite.
        """
        key = ", ".join(_q(k) for k in NATURAL_KEY)
        listing = ", ".join("'" + f.replace("'", "''") + "'" for f in hit_files)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE old AS SELECT * EXCLUDE (filename), filename AS __file "
            f"FROM read_parquet([{listing}], filename=true) SEMI JOIN {incoming} USING ({key})"
        )
        differs = " OR ".join(f"i.{_q(c)} IS DISTINCT FROM o.{_q(c)}" for c in cols)
        changed_list = (
            "list_filter(["
            + ", ".join(f"CASE WHEN i.{_q(c)} IS DISTINCT FROM o.{_q(c)} THEN '{c}' END" for c in cols)
            + "], lambda x: x IS NOT NULL)"
        )
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE classified AS
            SELECT i.*,
                   CASE WHEN o.contact_id IS NULL THEN 'insert' WHEN {differs} THEN 'update' ELSE 'unchanged' END AS status,
                   o.__file AS old_file,
                   CASE WHEN o.contact_id IS NOT NULL THEN array_to_string({changed_list}, ',') END AS changed
            FROM {incoming} i LEFT JOIN old o USING ({key})
            """
        )
        counts = dict(con.sql("SELECT status, count(*) FROM classified GROUP BY status").fetchall())
        result.inserted = int(counts.get("insert", 0))
        result.updated = int(counts.get("update", 0))
        result.unchanged = int(counts.get("unchanged", 0))
        if result.inserted == 0 and result.updated == 0:
            return set(), "classified"
        result.changes = [
            {"contact_id": c, "site": s, "month": m, "fields": f}
            for c, s, m, f in con.sql(
                "SELECT contact_id, site, month, changed FROM classified WHERE status = 'update' ORDER BY month, contact_id"
            ).fetchall()
        ]
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE replaced AS SELECT {key} FROM classified WHERE status = 'update'"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE fresh AS SELECT * FROM classified WHERE status <> 'unchanged'"
        )
        rewrite = {m for (m,) in con.sql("SELECT DISTINCT month FROM fresh").fetchall()}
        # An updated row may leave its month (its arrival changed): that month is rewritten too.
        rewrite |= {
            by_file[f]
            for (f,) in con.sql("SELECT DISTINCT old_file FROM fresh WHERE status = 'update'").fetchall()
        }
        return rewrite, "fresh"

    def commit(self, merge: MergeResult, record: ImportRecord) -> None:
        """Move staged files into place and repoint the months, in one database transaction."""
        final: dict[str, tuple[str, int]] = {}
        for month, (path, rows) in merge.staged.items():
            rel = Path(f"month={month}") / f"{merge.import_id}.parquet"
            private_folder(self.root / rel.parent)
            os.replace(path, self.root / rel)  # same file system: atomic, and unnamed until commit
            fsync(self.root / rel.parent)
            final[month] = (str(rel), rows)
        with session_scope(self.ws.engine) as session:
            session.add(record)
            session.flush()
            _record_changes(session, merge)
            for month, (rel_path, rows) in final.items():
                session.execute(delete(StorePartition).where(StorePartition.month == month))
                session.add(StorePartition(month=month, file=rel_path, rows=rows, import_id=merge.import_id))
        self.collect_garbage()

    def collect_garbage(self) -> list[Path]:
        """Remove files no partition names (left by a crash or replaced by a commit); replaced
        month files only when no reader holds the store.

        Call it only while holding the workspace lock: an import in progress stages files.
        """
        with self.ws.readers_gone() as alone:
            return collect_garbage(self.root, {f for f, _ in self._committed().values()}, months=alone)


# A row's place, which the repeat gaps join back on (two short integers rather than the natural
# key's two texts): an incoming row's ``rowid`` in its table (0, 1, …), a stored row's position in
# its month's file as -1, -2, … A place is unique within a month: a month's rows come from one
# file and one table.
_FRESH_ROW = "rowid"
_STORED_ROW = "-1 - file_row_number"


def _repeat_gaps(con: duckdb.DuckDBPyConnection, untouched: dict[str, str]) -> set[str]:
    """Table ``gaps`` (month, rid, gap) over the store as it will be, for the rows with a gap and
    the untouched rows that had one; returns the untouched months whose stored gaps change.

    The gap of a contact is the time to the same customer's next contact on the same flow, 0 when
    another one arrived at the same instant, NULL beyond `REPEAT_GAP_CAP_S` or without a customer.
    A row is found again by its month and place (``rid``, see `_FRESH_ROW`).
    """
    parts = [
        "SELECT __rid AS rid, customer_key, flow, epoch_us(arrived_at) AS e, month, NULL::DOUBLE AS old_gap, "
        "TRUE AS rewritten FROM rewritten WHERE customer_key IS NOT NULL"
    ]
    if untouched:
        listing = ", ".join("'" + f.replace("'", "''") + "'" for f in untouched.values())
        parts.append(
            f"SELECT {_STORED_ROW}, customer_key, flow, epoch_us(arrived_at), "
            "regexp_extract(filename, 'month=([0-9]{4}-[0-9]{2})', 1), repeat_gap_s, FALSE "
            f"FROM read_parquet([{listing}], filename = true, file_row_number = true) "
            "WHERE customer_key IS NOT NULL"
        )
    cap_us = int(REPEAT_GAP_CAP_S * 1_000_000)
    # Only the rows a write reads (those with a gap: the others join to NULL) and those telling
    # that an untouched month changes (a stored gap that is no more).
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gaps AS
        SELECT month, rid, rewritten, old_gap, gap FROM (
            SELECT rid, month, rewritten, old_gap,
                   CASE WHEN lag(e) OVER w = e OR lead(e) OVER w = e THEN 0.0
                        WHEN lead(e) OVER w - e <= {cap_us} THEN (lead(e) OVER w - e) / 1e6 END AS gap
            FROM ({" UNION ALL ".join(parts)}) AS everything
            WINDOW w AS (PARTITION BY customer_key, flow ORDER BY e)
        ) WHERE gap IS NOT NULL OR (NOT rewritten AND old_gap IS NOT NULL)
        """
    )
    return {
        m
        for (m,) in con.sql(
            "SELECT DISTINCT month FROM gaps WHERE NOT rewritten AND gap IS DISTINCT FROM old_gap"
        ).fetchall()
    }


def new_import_id() -> str:
    return uuid.uuid4().hex


def _record_changes(session: Session, merge: MergeResult) -> None:
    if merge.changes:
        session.execute(insert(ImportChange), [{"import_id": merge.import_id, **c} for c in merge.changes])
