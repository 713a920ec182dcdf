"""The app database: what Arbitre knows besides the interactions themselves.

SQLAlchemy 2 models; the schema is created and upgraded only by the Alembic migrations in
``migrations/`` (a test checks that the migrations and these models agree). SQLite by default,
PostgreSQL through a URL: the same code, tested on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

MIGRATIONS = Path(__file__).parent / "migrations"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ImportRecord(Base):
    """One import of one file into the interaction store: who, when, what, and what it changed."""

    __tablename__ = "imports"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_bytes: Mapped[int] = mapped_column(BigInteger)
    mapping: Mapped[str | None] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(20))
    rows_read: Mapped[int] = mapped_column(BigInteger)
    inserted: Mapped[int] = mapped_column(BigInteger)
    updated: Mapped[int] = mapped_column(BigInteger)
    unchanged: Mapped[int] = mapped_column(BigInteger)
    duplicates: Mapped[int] = mapped_column(BigInteger)
    rejected: Mapped[int] = mapped_column(BigInteger)
    rejected_file: Mapped[str | None] = mapped_column(Text)


class ImportChange(Base):
    """A row an import changed (an update of an existing contact), for the audit trail."""

    __tablename__ = "import_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[str] = mapped_column(ForeignKey("imports.id"), index=True)
    contact_id: Mapped[str] = mapped_column(Text)
    site: Mapped[str] = mapped_column(Text)
    month: Mapped[str] = mapped_column(String(7))
    fields: Mapped[str] = mapped_column(Text)


class StorePartition(Base):
    """The current Parquet file of one month of the interaction store.

    Committing an import is one transaction that repoints these rows: the database is the single
    commit point, so a crash leaves either the old files or the new ones, never a mix.
    """

    __tablename__ = "store_partitions"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    file: Mapped[str] = mapped_column(Text)
    rows: Mapped[int] = mapped_column(BigInteger)
    import_id: Mapped[str] = mapped_column(ForeignKey("imports.id"))


class ContractVersion(Base):
    """One version of a contract: its YAML as given, who stored it and when, and what changed.

    A contract is never edited in place: each change is a new version, in force from its
    ``effective_month`` on, so that a month's results can always be reproduced with the contract
    as it stood then.
    """

    __tablename__ = "contract_versions"

    contract_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)  # the file it came from
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)  # the YAML as given
    changes: Mapped[str] = mapped_column(Text)  # JSON: [{"field", "before", "after"}]
    # YYYY-MM: the first month refereed under this version (None: stored before effective
    # months were recorded, in force from the contract's start).
    effective_month: Mapped[str | None] = mapped_column(String(7), nullable=True)


class GovernanceRun(Base):
    """One monthly run of a contract: its inputs' fingerprint and the whole result."""

    __tablename__ = "governance_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(100), index=True)
    contract_version: Mapped[int] = mapped_column(Integer)
    month: Mapped[str] = mapped_column(String(7), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    who: Mapped[str] = mapped_column(String(200))
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    invoice: Mapped[str | None] = mapped_column(Text, nullable=True)  # the invoice file's text
    result: Mapped[str] = mapped_column(Text)


class DecisionRecord(Base):
    """A make-or-buy decision as computed: its inputs' fingerprint and the whole document.

    Kept so that governance can later set the business case against what the months cost.
    """

    __tablename__ = "decisions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    who: Mapped[str] = mapped_column(String(200))
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    recommended: Mapped[str] = mapped_column(Text)
    document: Mapped[str] = mapped_column(Text)


class TenderBid(Base):
    """A bid received for a tender: the provider's file as sent, its technical part, and its
    price part (``sealed``: prices, fees, productivity) that only the tender service's unsealing
    read returns, and only after the tender's deadline. A new file from the same provider before
    the deadline is a new version; the latest counts."""

    __tablename__ = "tender_bids"
    __table_args__ = (UniqueConstraint("tender_id", "provider", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tender_id: Mapped[str] = mapped_column(String(100), index=True)
    provider: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    file: Mapped[bytes] = mapped_column(LargeBinary)
    technical: Mapped[str] = mapped_column(Text)  # JSON: the bid without its price part
    sealed: Mapped[str] = mapped_column(Text)  # JSON: prices, fees, productivity


class TenderGrade(Base):
    """One evaluator's grade of one provider on one criterion (or the consensus meeting's)."""

    __tablename__ = "tender_grades"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tender_id: Mapped[str] = mapped_column(String(100), index=True)
    evaluator: Mapped[str] = mapped_column(String(100))
    consensus: Mapped[bool] = mapped_column(Boolean)
    provider: Mapped[str] = mapped_column(String(100))
    criterion: Mapped[str] = mapped_column(String(100))
    score: Mapped[str] = mapped_column(String(40))  # a decimal, exactly as entered
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(200))


class TenderAward(Base):
    """A lot of a tender awarded: to whom, when, by whom, whether the score recommended it, and
    the files the award wrote (JSON list). One row a lot (unique): a second award is refused."""

    __tablename__ = "tender_awards"
    __table_args__ = (UniqueConstraint("tender_id", "lot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tender_id: Mapped[str] = mapped_column(String(100), index=True)
    lot: Mapped[str] = mapped_column(String(100))
    provider: Mapped[str] = mapped_column(String(100))
    recommended: Mapped[str | None] = mapped_column(String(100), nullable=True)
    awarded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    awarded_by: Mapped[str] = mapped_column(String(200))
    files: Mapped[str] = mapped_column(Text)


class QaGridVersion(Base):
    """One version of a QA grid (quality monitoring): its YAML as given, who stored it and when.

    Evaluations and automatic checks name the version they were made on, so a score can always
    be read against the grid as it stood.
    """

    __tablename__ = "qa_grids"

    grid_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


class QaEvaluation(Base):
    """A human grader's evaluation of one contact on one grid version, with its score."""

    __tablename__ = "qa_evaluations"
    __table_args__ = (UniqueConstraint("grid_id", "contact_id", "site", "grader"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    grid_id: Mapped[str] = mapped_column(String(60), index=True)
    grid_version: Mapped[int] = mapped_column(Integer)
    contact_id: Mapped[str] = mapped_column(String(200))
    site: Mapped[str] = mapped_column(String(200))
    grader: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    import_id: Mapped[str] = mapped_column(String(32), index=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    critical_failed: Mapped[bool] = mapped_column(Boolean)


class QaAnswer(Base):
    """One criterion's answer in a human evaluation, with the grader's comment."""

    __tablename__ = "qa_answers"

    evaluation_id: Mapped[str] = mapped_column(ForeignKey("qa_evaluations.id"), primary_key=True)
    criterion: Mapped[str] = mapped_column(String(60), primary_key=True)
    answer: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)


class QaDispute(Base):
    """A provider's dispute of a criterion of an evaluation, and the client's decision on it."""

    __tablename__ = "qa_disputes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    evaluation_id: Mapped[str] = mapped_column(ForeignKey("qa_evaluations.id"), index=True)
    criterion: Mapped[str] = mapped_column(String(60))
    proposed: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[str] = mapped_column(String(200))
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))  # open, accepted, rejected
    previous: Mapped[str | None] = mapped_column(String(20), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class QaCheckRun(Base):
    """The automatic check of a month's transcripts on a grid version: where its results are
    (a Parquet file of the workspace), what it counted, and the criteria its score trusted."""

    __tablename__ = "qa_check_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    grid_id: Mapped[str] = mapped_column(String(60), index=True)
    grid_version: Mapped[int] = mapped_column(Integer)
    month: Mapped[str] = mapped_column(String(7), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(200))
    contacts: Mapped[int] = mapped_column(BigInteger)
    checked: Mapped[int] = mapped_column(BigInteger)
    file: Mapped[str] = mapped_column(Text)
    features: Mapped[str] = mapped_column(String(20))
    trusted: Mapped[str] = mapped_column(Text)  # JSON list of criteria
    calibration_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    seconds: Mapped[float] = mapped_column(Float)


class QaCalibration(Base):
    """A calibration of a grid version: agreement per criterion and per grader (JSON)."""

    __tablename__ = "qa_calibrations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    grid_id: Mapped[str] = mapped_column(String(60), index=True)
    grid_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(200))
    trusted: Mapped[str] = mapped_column(Text)  # JSON list of criteria
    result: Mapped[str] = mapped_column(Text)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    command.upgrade(alembic_config(engine), "head")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error.

    A `Session` opened directly (what a `sessionmaker` would call): building a factory for each
    unit of work cost about six times the session itself, and a web page opens several.
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


# The web application's tables, on this metadata (imported last: they need `Base`).
from arbitre.store import webdb as _webdb  # noqa: E402, F401
