"""The interaction store: one Parquet file per month, named in the app database, read with DuckDB.

Writes never modify a file in place. An import writes new month files into a staging folder,
then one database transaction repoints the months to them (``store_partitions``) and records
the import; only then are the old files removed. A crash at any point leaves either the old
state or the new one: files that no partition row names are leftovers, removed by `collect_garbage`
under the workspace lock before the next write.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from arbitre.domain.interactions import COLUMNS, NATURAL_KEY, Column
from arbitre.store.appdb import ImportChange, ImportRecord, StorePartition, session_scope
from arbitre.store.files import STAGING, collect_garbage, fsync
from arbitre.store.workspace import Workspace

STORE_COLUMNS: tuple[str, ...] = (*(c.name for c in COLUMNS), "extra", "import_id")

_SQL_TYPES = {
    "string": "VARCHAR",
    "channel": "VARCHAR",
    "text": "VARCHAR",
    "timestamp": "TIMESTAMPTZ",
    "boolean": "BOOLEAN",
    "number": "DOUBLE",
    "integer": "TINYINT",
}


def sql_type(column: Column) -> str:
    return _SQL_TYPES[column.kind]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


EMPTY_SELECT = (
    "SELECT "
    + ", ".join(f"CAST(NULL AS {sql_type(c)}) AS {_q(c.name)}" for c in COLUMNS)
    + ", CAST(NULL AS VARCHAR) AS extra, CAST(NULL AS VARCHAR) AS import_id, CAST(NULL AS VARCHAR) AS filename"
    " WHERE FALSE"
)


def connect(timezone: str, *, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection whose session time zone is ``timezone``.

    Day, week, month and interval buckets are computed in the session time zone, as Spark does
    with ``spark.sql.session.timeZone``.
    """
    con = duckdb.connect(config={"threads": threads} if threads else {})
    con.execute("SET enable_progress_bar = false")  # it would write to stdout, where --json goes
    con.execute(f"SET TimeZone = '{timezone}'")
    return con


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
        """Month → (file relative to the store, rows), as committed."""
        with session_scope(self.ws.engine) as session:
            rows = session.execute(select(StorePartition.month, StorePartition.file, StorePartition.rows))
            return {m: (f, n) for m, f, n in rows}

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

        ``incoming`` holds canonical columns and ``extra``, at most one row per natural key. A row
        whose key is not in the store is inserted; a row equal to the stored one changes nothing;
        a row that differs replaces it (an update, listed in ``changes``), even across months.
        """
        result = MergeResult(import_id=import_id)
        parts = self.partitions()
        by_file = {str(self.root / f): m for m, (f, _) in parts.items()}
        key = ", ".join(_q(k) for k in NATURAL_KEY)
        cols = [c.name for c in COLUMNS] + ["extra"]
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE inc AS SELECT *, strftime(arrived_at, '%Y-%m') AS month FROM {incoming}"
        )
        new_months = [r[0] for r in con.sql("SELECT DISTINCT month FROM inc ORDER BY 1").fetchall()]
        if parts:
            # Where the incoming keys live today, reading only the key columns of every month.
            files = ", ".join("'" + f.replace("'", "''") + "'" for f in by_file)
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE hits AS SELECT DISTINCT filename FROM "
                f"read_parquet([{files}], filename=true) s SEMI JOIN inc USING ({key})"
            )
            hit_files = [r[0] for r in con.sql("SELECT filename FROM hits").fetchall()]
        else:
            hit_files = []
        old_months = sorted({by_file[f] for f in hit_files})
        touched = sorted(set(new_months) | set(old_months))
        old_files = [str(self.root / parts[m][0]) for m in touched if m in parts]
        listing = ", ".join("'" + f.replace("'", "''") + "'" for f in old_files)
        old_source = f"read_parquet([{listing}], filename=true)" if old_files else f"({EMPTY_SELECT})"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE old AS SELECT * EXCLUDE (filename), filename AS __file FROM {old_source}"
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
            FROM inc i LEFT JOIN old o USING ({key})
            """
        )
        counts = dict(con.sql("SELECT status, count(*) FROM classified GROUP BY status").fetchall())
        result.inserted = int(counts.get("insert", 0))
        result.updated = int(counts.get("update", 0))
        result.unchanged = int(counts.get("unchanged", 0))
        if result.inserted == 0 and result.updated == 0:
            return result
        result.changes = [
            {"contact_id": c, "site": s, "month": m, "fields": f}
            for c, s, m, f in con.sql(
                "SELECT contact_id, site, month, changed FROM classified WHERE status = 'update' ORDER BY month, contact_id"
            ).fetchall()
        ]
        rewrite = {
            m
            for (m,) in con.sql(
                "SELECT DISTINCT month FROM classified WHERE status <> 'unchanged'"
            ).fetchall()
        }
        # An updated row may leave its month (its arrival changed): that month is rewritten too.
        rewrite |= {
            by_file[f]
            for (f,) in con.sql("SELECT DISTINCT old_file FROM classified WHERE status = 'update'").fetchall()
        }
        stage = self.root / STAGING / import_id
        stage.mkdir(parents=True, exist_ok=True)
        select_cols = ", ".join(_q(c) for c in cols)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE replaced AS SELECT {key} FROM classified WHERE status = 'update'"
        )
        for month in sorted(rewrite):
            old_file = str(self.root / parts[month][0]) if month in parts else None
            kept = (
                f"SELECT {select_cols}, import_id FROM old ANTI JOIN replaced USING ({key}) "
                f"WHERE __file = '{old_file.replace(chr(39), chr(39) * 2)}'"
                if old_file
                else None
            )
            fresh = f"SELECT {select_cols}, '{import_id}' AS import_id FROM classified WHERE month = '{month}' AND status <> 'unchanged'"
            body = f"{kept} UNION ALL {fresh}" if kept else fresh
            target = stage / f"{month}.parquet"
            con.execute(
                f"COPY (SELECT * FROM ({body}) ORDER BY arrived_at, contact_id) TO '{target}' "
                "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
            )
            fsync(target)
            rows = int(con.sql(f"SELECT count(*) FROM read_parquet('{target}')").fetchall()[0][0])
            result.staged[month] = (target, rows)
        fsync(stage)
        return result

    def commit(self, merge: MergeResult, record: ImportRecord) -> None:
        """Move staged files into place and repoint the months, in one database transaction."""
        final: dict[str, tuple[str, int]] = {}
        for month, (path, rows) in merge.staged.items():
            rel = Path(f"month={month}") / f"{merge.import_id}.parquet"
            (self.root / rel.parent).mkdir(parents=True, exist_ok=True)
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
        """Remove files no partition names (left by a crash or replaced by a commit).

        Call it only while holding the workspace lock: an import in progress stages files.
        """
        return collect_garbage(self.root, {f for f, _ in self.partitions().values()})


def new_import_id() -> str:
    return uuid.uuid4().hex


def _record_changes(session: Session, merge: MergeResult) -> None:
    if merge.changes:
        session.execute(insert(ImportChange), [{"import_id": merge.import_id, **c} for c in merge.changes])
