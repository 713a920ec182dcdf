"""The KPI engine on Apache Spark: the same compiled definitions, over the same Parquet store.

`SparkConnection` wraps a Spark session so that `arbitre.kpi.engine.compute_kpis` and
`arbitre.contract.sla.evaluate` run on it as they run on DuckDB: it takes SQL text and hands back
Arrow tables, and says ``dialect = "spark"`` so the few time functions are written in Spark's SQL
(`arbitre.kpi.buckets`). Nothing else of a KPI is written twice.

``pyspark`` is an optional dependency (the ``spark`` extra) and needs Java 17 or later. The
session runs in UTC (the time keys convert to the zone asked), without its web UI, with a
throwaway warehouse folder; ``master`` is ``local[N]`` on one machine or a cluster's URL
(``spark://host:7077``, ``yarn``, ``k8s://…``).

>>> con = SparkConnection.start("local[2]")  # doctest: +SKIP
>>> source = con.parquet_view([...store files...])  # doctest: +SKIP
>>> compute_kpis(con, source, by=["flow", "day"], rules=KpiRules(), tz="Europe/Paris")  # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa

from arbitre.errors import ArbitreError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DEFAULT_MASTER = "local[2]"
_views = itertools.count()


class SparkUnavailable(ArbitreError):
    """Spark cannot start here: pyspark is not installed, or no Java runtime is found."""


def unavailable_reason() -> str | None:
    """Why a Spark session cannot start on this machine, or None when it can be tried."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'arbitre[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and (Path(java_home) / "bin" / "java").exists()) and shutil.which("java") is None:
        return "no Java runtime found (Spark needs Java 17 or later: set JAVA_HOME or put java on the PATH)"
    return None


class SparkRelation:
    """A Spark DataFrame seen as DuckDB's relations are (`arbitre.kpi.connection.Relation`)."""

    def __init__(self, frame: DataFrame) -> None:
        self.frame = frame

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    def to_arrow_table(self) -> pa.Table:
        table: pa.Table = self.frame.toArrow()
        return table

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.frame.collect()]


class SparkConnection:
    """A Spark session that runs the KPI engine's SQL (`arbitre.kpi.connection.Connection`)."""

    dialect: Literal["spark"] = "spark"

    def __init__(self, session: SparkSession, *, owned: bool = True, owned_dir: Path | None = None) -> None:
        self.session = session
        self._owned = owned
        self._owned_dir = owned_dir

    @classmethod
    def start(cls, master: str = DEFAULT_MASTER, *, shuffle_partitions: int | None = None) -> SparkConnection:
        """A session on ``master`` set up for the engine: UTC clock, no UI, a temporary warehouse.

        A session already active in the process (a notebook's) is used as it is, and left running
        by `close`; it must run in UTC (``spark.sql.session.timeZone``).

        ``shuffle_partitions`` defaults to 2 per core of a ``local[N]`` master (Spark's 200 are
        far too many for one machine), and to Spark's own setting elsewhere.
        """
        reason = unavailable_reason()
        if reason:
            raise SparkUnavailable(f"Spark is unavailable: {reason}")
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None:  # a notebook's or a test run's session: use it, leave it running
            return cls(active, owned=False)
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        work = Path(tempfile.mkdtemp(prefix="arbitre-spark-"))
        builder = (
            SparkSession.builder.master(master)
            .appName("arbitre")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.warehouse.dir", str(work / "warehouse"))
            .config("spark.local.dir", str(work / "local"))
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={work / 'derby'}")
        )
        if shuffle_partitions is None and master.startswith("local"):
            cores = master[len("local[") : -1] if master.startswith("local[") else "1"
            n = (os.cpu_count() or 2) if cores == "*" else int(cores)
            shuffle_partitions = 2 * n
        if shuffle_partitions is not None:
            builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        try:
            session = builder.getOrCreate()
        except Exception as exc:  # the JVM did not start: say why in one line
            shutil.rmtree(work, ignore_errors=True)
            raise SparkUnavailable(f"Spark did not start on {master}: {str(exc).splitlines()[0]}") from None
        session.sparkContext.setLogLevel("FATAL")  # errors reach the caller as exceptions
        return cls(session, owned_dir=work)

    def sql(self, query: str) -> SparkRelation:
        """Run ``query`` (Spark SQL) lazily; the relation computes when read."""
        return SparkRelation(self.session.sql(query))

    def parquet_view(self, files: Sequence[Path | str], *, name: str | None = None) -> str:
        """A temporary view over Parquet ``files`` (the store's month files); its name, for FROM.

        Read as files, not as a partitioned folder, so the store's ``month=…`` folders add no
        column.
        """
        if not files:
            raise ArbitreError("no interaction in the store: nothing for Spark to read")
        name = name or f"arbitre_source_{next(_views)}"
        frame = self.session.read.option("recursiveFileLookup", "true").parquet(*(str(f) for f in files))
        frame.createOrReplaceTempView(name)
        return name

    def register(self, name: str, table: pa.Table) -> None:
        """A small Arrow table as a temporary view (the excluded days of an SLA run)."""
        self.session.createDataFrame(table).createOrReplaceTempView(name)

    def execute(self, query: str) -> None:
        """Run a statement for its effect (``CREATE TEMP VIEW …``)."""
        self.session.sql(query).collect()

    def close(self) -> None:
        """Stop the session (unless it was already running) and remove its temporary folder."""
        if not self._owned:
            return
        self.session.stop()
        if self._owned_dir is not None:
            shutil.rmtree(self._owned_dir, ignore_errors=True)

    def __enter__(self) -> SparkConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def store_view(con: SparkConnection, files: Iterable[Path]) -> str:
    """The interaction store's files as the source of a KPI query on Spark."""
    return con.parquet_view(sorted(files))


__all__ = [
    "DEFAULT_MASTER",
    "SparkConnection",
    "SparkRelation",
    "SparkUnavailable",
    "store_view",
    "unavailable_reason",
]
