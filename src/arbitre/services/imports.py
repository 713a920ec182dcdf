"""Import service: files → validation → pseudonymisation → the store, one atomic commit per file."""

from __future__ import annotations

import getpass
import hashlib
import os
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from arbitre.errors import InputError, RejectedRows, RowError
from arbitre.ingest.mapping import IDENTITY, Mapping, sql_literal
from arbitre.ingest.privacy import (
    PERSONAL_ID_SHAPE,
    REDACTED_COLUMNS,
    Keys,
    contains_personal_data,
    pseudonym_key_sql,
    pseudonym_sql,
    redact,
)
from arbitre.ingest.readers import Source, read_source
from arbitre.ingest.validate import Validated, validate
from arbitre.outputs import claim, write_csv
from arbitre.store.appdb import ImportRecord
from arbitre.store.interactions import InteractionStore, bounded_connection, new_import_id
from arbitre.store.workspace import Workspace


@dataclass
class ImportSummary:
    """What one import did, as the CLI prints it and the import log records it."""

    file: str
    import_id: str | None
    rows_read: int
    filtered: int
    inserted: int
    updated: int
    unchanged: int
    duplicates: int
    rejected: int
    rejected_file: str | None = None
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "import_id": self.import_id,
            "rows_read": self.rows_read,
            "skipped_by_mapping": self.filtered,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates_in_file": self.duplicates,
            "rejected": self.rejected,
            "rejected_file": self.rejected_file,
        }


def load(
    path: Path,
    mapping: Mapping,
    con: duckdb.DuckDBPyConnection,
    *,
    columns: Collection[str] | None = None,
) -> tuple[Source, Validated]:
    """Read and validate one file into ``con`` (table ``clean``); nothing is stored.

    ``columns``: the canonical columns the caller reads (default: every one; see `validate`).
    """
    source = read_source(path, mapping.source)
    return source, validate(source, mapping, con, columns=columns)


def import_file(
    ws: Workspace,
    path: Path | str,
    *,
    mapping: Mapping | None = None,
    skip_invalid: bool = False,
    who: str | None = None,
) -> ImportSummary:
    """Import one file into the workspace's store.

    Strict (the default): a file with any rejected row raises `RejectedRows` listing every error,
    and nothing is written. With ``skip_invalid`` the good rows are imported and the rejected ones
    are written beside the file (``NAME.rejected.csv``) with their line and reasons.
    Re-importing a row changes nothing; a changed row replaces the stored one and is logged.
    """
    path = Path(path)
    mapping = mapping or IDENTITY
    started = datetime.now(UTC)
    with bounded_connection(ws.settings.timezone) as con, ThreadPoolExecutor(1) as hashing:
        digest = hashing.submit(_sha256, path)  # the file's hash, read while it is imported
        source = read_source(path, mapping.source)
        checked = validate(
            source, mapping, con, replace=_pseudonyms(ws.keys), add=_STORE_COLUMNS, positions=False
        )
        if checked.errors and not skip_invalid:
            raise RejectedRows(str(path), checked.errors, rows=checked.rows_read)
        _redact(con, ws.keys)
        import_id = new_import_id()
        store = InteractionStore(ws)
        with ws.lock():
            store.collect_garbage()
            merge = store.merge(con, "clean", import_id=import_id)
            rejected_file = _write_rejected(source, checked) if checked.errors else None
            record = ImportRecord(
                id=import_id,
                started_at=started,
                finished_at=datetime.now(UTC),
                who=who or os.environ.get("ARBITRE_USER") or getpass.getuser(),
                source=str(path.resolve()),
                file_sha256=digest.result(),
                file_bytes=path.stat().st_size,
                mapping=mapping.name if mapping is not IDENTITY else None,
                mode="skip-invalid" if skip_invalid else "strict",
                rows_read=checked.rows_read,
                inserted=merge.inserted,
                updated=merge.updated,
                unchanged=merge.unchanged,
                duplicates=checked.duplicates,
                rejected=len(checked.rejected),
                rejected_file=rejected_file,
            )
            store.commit(merge, record)
        return ImportSummary(
            file=str(path),
            import_id=import_id,
            rows_read=checked.rows_read,
            filtered=checked.filtered,
            inserted=merge.inserted,
            updated=merge.updated,
            unchanged=merge.unchanged,
            duplicates=checked.duplicates,
            rejected=len(checked.rejected),
            rejected_file=rejected_file,
            errors=checked.errors,
        )


def _pseudonyms(key: Keys) -> dict[str, str]:
    """The ids hashed with the workspace key as the checked rows arrive (see `validate`)."""
    return {column: pseudonym_sql(column, key=key, column=column) for column in ("agent_id", "customer_id")}


# What the store keeps beside the record, computed as the rows arrive: the customer's pseudonym
# as a 64-bit integer, the repeat gap (computed over the store at the merge), the store month.
_STORE_COLUMNS = {
    "customer_key": pseudonym_key_sql("customer_id"),
    "repeat_gap_s": "CAST(NULL AS DOUBLE)",
    "month": "strftime(arrived_at, '%Y-%m')",
}


def _redact(con: duckdb.DuckDBPyConnection, key: Keys) -> None:
    """Redact the free texts of table ``clean`` and pseudonymise its contact ids that are
    personal data, in place (ids were pseudonymised as the rows arrived).

    Free texts (transcripts, contact reasons, extra columns; few distinct values, long ones) are
    redacted in Python once per distinct value and the changed ones updated. A contact id that
    is itself personal data (a caller's number as call id, an e-mail as ticket id) becomes its
    keyed pseudonym: a cheap shape test in SQL finds the few candidates,
    `contains_personal_data` decides.
    """
    for column in REDACTED_COLUMNS:
        values = con.sql(f"SELECT DISTINCT {column} FROM clean WHERE {column} IS NOT NULL").to_arrow_table()
        plain = values.column(0).to_pylist()
        pairs = [(v, p) for v, p in zip(plain, map(redact, plain), strict=True) if v != p]
        if not pairs:
            continue
        con.register(
            "redacted",
            pa.table(
                {"v": pa.array([v for v, _ in pairs], pa.string()), "p": pa.array([p for _, p in pairs])}
            ),
        )
        con.execute(f"UPDATE clean SET {column} = r.p FROM redacted r WHERE clean.{column} = r.v")
        con.unregister("redacted")
    candidates = con.sql(
        f"SELECT DISTINCT contact_id FROM clean WHERE regexp_matches(contact_id, {sql_literal(PERSONAL_ID_SHAPE)})"
    ).fetchall()
    personal = [v for (v,) in candidates if contains_personal_data(v)]
    if personal:
        con.register("personal_ids", pa.table({"v": pa.array(personal, pa.string())}))
        hashed = pseudonym_sql("clean.contact_id", key=key, column="contact_id")
        con.execute(
            f"UPDATE clean SET contact_id = {hashed} FROM personal_ids p WHERE clean.contact_id = p.v"
        )
        con.unregister("personal_ids")


def _write_rejected(source: Source, checked: Validated) -> str:
    """The rejected rows, as read, with their line and reasons, in ``NAME.rejected.csv`` beside
    (``calls.2026-03.csv`` → ``calls.2026-03.rejected.csv``).

    The file is replaced only when it is the rejected rows of a file of the same columns (a
    re-run); any other file of that name is kept and the rows go to ``NAME.rejected.2.csv`` (3…).
    Cells a spreadsheet would run as formulas start with ``'``; the file is created mode 600.
    """
    rows = np.asarray(checked.rejected, dtype=np.int64)
    table = source.take(rows).drop_columns(["__row"])
    table = pa.table({name: table.column(name).cast(pa.string()) for name in table.column_names})
    lines = source.line_of(rows)
    reasons: dict[int, list[str]] = {}
    for error in checked.errors:
        reasons.setdefault(error.line, []).append(f"{error.column}: {error.reason}")
    table = table.add_column(0, "_line", pa.array(lines, pa.int64()))
    table = table.add_column(
        1, "_errors", pa.array(["; ".join(reasons.get(int(x), [])) for x in lines], pa.string())
    )
    source_path = Path(source.file)
    stem = source_path.name[: -len(source_path.suffix)] if source_path.suffix else source_path.name
    for n in range(1, 1000):
        target = source_path.with_name(f"{stem}.rejected{'' if n == 1 else f'.{n}'}.csv")
        if not target.exists() or _is_own(target, table.column_names):
            break
    else:
        raise InputError("no free name for the rejected rows", file=str(target))
    try:
        write_csv(table, target)
    except OSError as exc:
        raise InputError(f"cannot write the rejected rows: {exc.strerror or exc}", file=str(target)) from None
    return str(target)


def _is_own(path: Path, columns: list[str]) -> bool:
    try:
        claim(path, columns=columns)
    except InputError:
        return False
    return True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
