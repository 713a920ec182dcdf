"""KPI service: the KPIs of workspaces and/or interaction files, grouped as asked."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from arbitre.domain.groups import KpiGroup
from arbitre.domain.interactions import NAMES
from arbitre.domain.kpis import QUALITY_COLUMNS, KpiRules
from arbitre.errors import InputError, RejectedRows
from arbitre.ingest.mapping import IDENTITY, Mapping
from arbitre.ingest.readers import read_source
from arbitre.ingest.validate import checked_in_place, validate
from arbitre.kpi.engine import check_group_keys, compute_kpis
from arbitre.store.duck import bounded_connection, connect
from arbitre.store.layout import is_workspace

if TYPE_CHECKING:
    from arbitre.store.workspace import Workspace

DEFAULT_TZ = "Europe/Paris"


def kpis(
    inputs: Sequence[Path | str],
    *,
    by: Sequence[str] = (),
    threshold_s: float | None = None,
    short_abandon_s: float | None = None,
    tz: str | None = None,
    interval_min: int | None = None,
    mapping: Mapping | None = None,
    rules: KpiRules | None = None,
    engine: str | None = None,
    master: str | None = None,
    all_hours: bool = False,
) -> list[KpiGroup]:
    """KPIs over the union of ``inputs`` (workspaces and files), one `KpiGroup` per group (its
    keys in the order of ``by``).

    With a workspace among the inputs, the waiting KPIs (service level, abandon rate, ASA) count
    the contacts arriving within each flow's opening hours (the first workspace's settings;
    `KpiRules.within`) and ``outside_hours`` counts the others, unless ``all_hours`` or ``rules``
    say otherwise; files alone have no opening hours: the definitions of docs/specs/interactions.md.

    Files are validated as an import would (every bad row named, nothing computed on a bad file);
    workspaces are read from their store. The time zone defaults to the first workspace's, else
    Europe/Paris; the interval length to the first workspace's, else 30 minutes.

    ``engine`` (``duckdb`` or ``spark``, default: the first workspace's ``compute`` setting, else
    DuckDB) and ``master`` (Spark's master URL) say where the query runs; Spark reads workspaces'
    stores only (a file is validated by the import first).
    """
    if not inputs:
        raise InputError("give at least one interaction file or workspace")
    keys = _keys(by)
    workspaces = _open_workspaces(inputs)
    tz = check_zone(tz or (workspaces[0].settings.timezone if workspaces else DEFAULT_TZ))
    interval_min = interval_min or (workspaces[0].settings.interval_min if workspaces else 30)
    if rules is not None:
        base = rules
    elif workspaces:
        base = workspaces[0].settings.kpi_rules(all_hours=all_hours)
    else:
        base = KpiRules()
    try:
        rules = base.override(threshold_s=threshold_s, short_abandon_s=short_abandon_s)
        rules = KpiRules.model_validate({**rules.model_dump(), "interval_min": interval_min})
    except ValueError as exc:
        raise InputError(_reason(exc)) from None
    compute = workspaces[0].settings.compute if workspaces else None
    engine = engine or (compute.engine if compute else "duckdb")
    if engine not in ("duckdb", "spark"):
        raise InputError(field="--engine", expected="duckdb or spark", got=engine)
    if engine == "spark":
        try:
            return _on_spark(
                inputs,
                workspaces,
                keys=keys,
                rules=rules,
                tz=tz,
                master=master or (compute.master if compute else None),
            )
        finally:
            for ws in workspaces:
                ws.close()
    files = [p for p in inputs if not is_workspace(p)]
    # Files: memory bounded (the rows checked spill to a private temporary folder past a limit).
    with bounded_connection(tz) if files else closing(connect(tz)) as con:
        try:
            parts: list[str] = []
            read_twice: dict[Path, tuple[int, int, int]] = {}  # the files read in place, as they were
            # Workspaces only: keep the store's customer key and repeat gaps (repeats read from them).
            only_stores = not files
            cols = ", ".join([*NAMES, *(["customer_key", "repeat_gap_s"] if only_stores else [])])
            # The quality KPIs' columns: a workspace's checks and evaluations, none in a file.
            with_qa = ", ".join(QUALITY_COLUMNS)
            without_qa = ", ".join(f"CAST(NULL AS DOUBLE) AS {c}" for c in QUALITY_COLUMNS)
            # What the KPIs read of a file: no free text, no agent unless grouped by agent.
            read = FILE_COLUMNS | ({"agent_id"} if "agent" in keys else set())
            for i, item in enumerate(inputs):
                path = Path(item)
                if is_workspace(path):
                    # A workspace's store and quality checks (their statistics load SciPy's):
                    # imported here, so that the KPIs of files alone start without them.
                    from arbitre.store.interactions import InteractionStore
                    from arbitre.store.quality import with_quality

                    ws = next(w for w in workspaces if w.root == path)
                    stored = with_quality(ws, InteractionStore(ws).source_sql())
                    parts.append(f"SELECT {cols}, {with_qa} FROM {stored} AS s")
                else:
                    # A clean Parquet file is checked and read where it is; any other is
                    # validated into a table (every bad row named).
                    file = read_source(path, (mapping or IDENTITY).source)
                    before = _identity(path)
                    in_place = checked_in_place(file, mapping or IDENTITY, con, columns=read)
                    if in_place is not None:
                        read_twice[path] = before
                        parts.append(f"SELECT {cols}, {without_qa} FROM ({in_place}) AS input_{i}")
                        continue
                    checked = validate(file, mapping or IDENTITY, con, columns=read)
                    if checked.errors:
                        raise RejectedRows(str(path), checked.errors, rows=checked.rows_read)
                    con.execute(f"ALTER TABLE clean RENAME TO input_{i}")  # the next file's is clean
                    parts.append(f"SELECT {cols}, {without_qa} FROM input_{i}")
            source = "(" + " UNION ALL ".join(parts) + ")"
            rows = compute_kpis(con, source, by=keys, rules=rules, tz=tz)
            for path, was in read_twice.items():  # checked, then read again: the same file
                if _identity(path) != was:
                    raise InputError(
                        "the file changed while it was read: run the command again", file=str(path)
                    )
            return [KpiGroup.of(row, keys=keys) for row in rows]
        finally:
            for ws in workspaces:
                ws.close()


def _open_workspaces(inputs: Sequence[Path | str]) -> list[Workspace]:
    """The workspaces among ``inputs``, opened; the app database's modules (SQLAlchemy, Alembic)
    are loaded only when there is one."""
    if not any(is_workspace(p) for p in inputs):
        return []
    from arbitre.store.workspace import Workspace

    return [Workspace.open(p) for p in inputs if is_workspace(p)]


def _identity(path: Path) -> tuple[int, int, int]:
    """What changes when a file is rewritten: its inode, size and time of modification."""
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


# The columns of an interaction file the KPIs read (with --by agent, agent_id too).
FILE_COLUMNS = frozenset(NAMES) - {"agent_id", "reason", "transcript"}


def check_zone(tz: str) -> str:
    """``tz`` when it names an IANA time zone; otherwise a one-line error naming ``--tz``."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {tz!r}: expected an IANA name such as Europe/Paris", field="--tz"
        ) from None
    return tz


def _on_spark(
    inputs: Sequence[Path | str],
    workspaces: list[Workspace],
    *,
    keys: list[str],
    rules: KpiRules,
    tz: str,
    master: str | None,
) -> list[KpiGroup]:
    """The same KPIs on Spark, over the stores' Parquet files."""
    from arbitre.kpi.spark import DEFAULT_MASTER, SparkConnection
    from arbitre.store.interactions import InteractionStore

    files = [p for p in inputs if not is_workspace(p)]
    if files:
        raise InputError(
            "--engine spark reads workspaces only: import the file into one first (arbitre import)",
            file=str(files[0]),
        )
    stored = [f for ws in workspaces for f in InteractionStore(ws).files()]
    if not stored:
        return []
    with SparkConnection.start(master or DEFAULT_MASTER) as con:
        rows = compute_kpis(con, con.parquet_view(stored), by=keys, rules=rules, tz=tz)
        return [KpiGroup.of(row, keys=keys) for row in rows]


def _reason(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"--{'-'.join(str(p) for p in first['loc']).replace('_', '-')}: {first['msg']}"
    return str(exc)


def _keys(by: Sequence[str]) -> list[str]:
    flat = [k for item in by for k in item.split(",")]
    try:
        return check_group_keys(flat)
    except ValueError as exc:
        raise InputError(str(exc), field="--by") from None
