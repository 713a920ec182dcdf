"""A workspace: one folder holding one company's settings, app database and interaction store.

DIR/
  arbitre.yaml            settings (name, time zone, currency, intervals, opening hours)
  arbitre.db              app database (SQLite), unless the settings give a database URL
  interactions/           the interaction store: month=YYYY-MM/<id>.parquet
  reports/                HTML reports
  .secret/pseudonym.key   the key of the keyed hash that pseudonymises customer and agent ids
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import sqlalchemy.exc
import yaml
from sqlalchemy import select
from sqlalchemy.engine import Engine

from arbitre.domain.settings import WorkspaceSettings
from arbitre.errors import InputError, WorkspaceError
from arbitre.store import appdb, layout
from arbitre.store.files import FILE_MODE, collect_garbage, fsync, private_folder
from arbitre.store.layout import SETTINGS_FILE as SETTINGS_FILE
from arbitre.yamlio import load_model

DB_FILE = "arbitre.db"
KEY_FILE = Path(".secret") / "pseudonym.key"
LOCK_FILE = ".arbitre.lock"
READERS_FILE = ".arbitre.readers"


@dataclass
class Workspace:
    """An open workspace. `init` creates one, `open` opens an existing one."""

    root: Path
    settings: WorkspaceSettings
    _engines: dict[str, Engine] = field(default_factory=dict, repr=False)
    # The default database's URL, resolved once: the folder does not move under an open
    # workspace, and resolving a path costs a system call per component at every `engine`.
    _sqlite_url: str | None = field(default=None, repr=False)
    _readers: weakref.finalize[[int], Workspace] | None = field(default=None, repr=False)

    @classmethod
    def init(
        cls,
        root: Path | str,
        *,
        name: str | None = None,
        settings: WorkspaceSettings | None = None,
        database_url: str | None = None,
    ) -> Workspace:
        """Create a workspace in ``root`` (created if missing; must not already be a workspace)."""
        root = Path(root)
        if (root / SETTINGS_FILE).exists():
            raise WorkspaceError(f"{root} is already a workspace ({SETTINGS_FILE} exists)")
        if settings is None:
            settings = WorkspaceSettings(name=name or root.resolve().name)
        if database_url is not None:
            settings = settings.model_copy(update={"database_url": database_url})
        if not root.exists():
            private_folder(root)  # a folder we create is the owner's alone
        root.mkdir(parents=True, exist_ok=True)
        private_folder(root / "interactions")
        private_folder(root / "reports")
        _write_key(root / KEY_FILE)
        ws = cls(root=root, settings=settings)
        try:
            appdb.upgrade(ws.engine)
        except sqlalchemy.exc.SQLAlchemyError as exc:
            ws.close()
            raise WorkspaceError(f"{root}: the database cannot be created ({_first_line(exc)})") from None
        if (root / DB_FILE).exists():
            os.chmod(root / DB_FILE, FILE_MODE)
        # The settings file is written last: a folder without it is not (yet) a workspace.
        write_settings(root / SETTINGS_FILE, settings)
        return ws

    @classmethod
    def open(cls, root: Path | str) -> Workspace:
        """Open the workspace in ``root`` and bring its database schema up to date."""
        root = Path(root)
        path = root / SETTINGS_FILE
        if not path.exists():
            raise WorkspaceError(
                f"{root} is not a workspace (no {SETTINGS_FILE}); create one with `arbitre init {root}`"
            )
        ws = cls(root=root, settings=load_model(path, WorkspaceSettings))
        try:
            if appdb.current_revision(ws.engine) != appdb.head_revision():
                appdb.upgrade(ws.engine)
        except sqlalchemy.exc.SQLAlchemyError as exc:
            ws.close()
            raise WorkspaceError(
                f"{root}: its database cannot be used ({_first_line(exc)}); "
                "restore arbitre.db from a backup, or check database_url in arbitre.yaml"
            ) from None
        ws.recover()
        return ws

    def recover(self) -> None:
        """Remove what an interrupted import left (staged files), unless an import is running.

        The committed state never depends on those files; removing them makes the folder exactly
        what it was before the interrupted import.
        """
        try:
            handle = open(self.root / LOCK_FILE, "a+")
        except OSError:
            return  # a read-only workspace: nothing can have been left, nothing can be removed
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # an import holds the lock: its staged files are not leftovers
            try:
                finish_key_rotation(self)
                with appdb.session_scope(self.engine) as session:
                    referenced = set(session.scalars(select(appdb.StorePartition.file)))
                with self.readers_gone() as alone:
                    collect_garbage(self.interactions_dir, referenced, months=alone)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def is_workspace(path: Path | str) -> bool:
        return layout.is_workspace(path)

    @property
    def database_url(self) -> str:
        env = os.environ.get("ARBITRE_DATABASE_URL")
        if env:
            return env
        if self.settings.database_url:
            return self.settings.database_url
        if self._sqlite_url is None:
            self._sqlite_url = f"sqlite:///{(self.root / DB_FILE).resolve()}"
        return self._sqlite_url

    @property
    def engine(self) -> Engine:
        url = self.database_url
        if url not in self._engines:
            try:
                self._engines[url] = appdb.make_engine(url)
            except (sqlalchemy.exc.ArgumentError, ValueError, ImportError) as exc:
                # The URL is not echoed: it may hold a password.
                raise InputError(
                    f"the database URL cannot be used ({type(exc).__name__}): expected a SQLAlchemy URL "
                    "such as sqlite:///path/arbitre.db or postgresql+psycopg://user@host/db",
                    field="database_url",
                ) from None
        return self._engines[url]

    @property
    def interactions_dir(self) -> Path:
        return self.root / "interactions"

    @property
    def reports_dir(self) -> Path:
        path = self.root / "reports"
        if not path.is_dir():
            private_folder(path)
        return path

    @cached_property
    def keys(self) -> tuple[bytes, ...]:
        """The pseudonymisation keys, oldest first (one until `arbitre key rotate`, then a chain:
        an id is hashed with each in turn); they never leave the workspace."""
        path = self.root / KEY_FILE
        try:
            lines = path.read_text().split()
        except FileNotFoundError:
            raise WorkspaceError(f"the pseudonymisation key {path} is missing") from None
        try:
            keys = tuple(bytes.fromhex(line) for line in lines)
        except ValueError:
            keys = ()
        if not keys or any(len(k) != 32 for k in keys):
            raise WorkspaceError(f"the pseudonymisation key {path} is damaged: restore it from a backup")
        return keys

    @property
    def key(self) -> bytes:
        """The first pseudonymisation key."""
        return self.keys[0]

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive lock for writers of the store (imports), across processes."""
        try:
            handle = open(self.root / LOCK_FILE, "a+")
        except OSError as exc:
            raise WorkspaceError(
                f"{self.root} cannot be written ({exc.strerror}): nothing was imported"
            ) from None
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def hold_readers_lock(self) -> None:
        """Take the readers' lock (shared) until `close`: the store files this object reads from
        now on stay in place, whatever an import commits meanwhile."""
        if self._readers is None:
            path = self.root / READERS_FILE
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
            except OSError:  # a read-only workspace: lock the file if it is there
                try:
                    fd = os.open(path, os.O_RDONLY)
                except OSError:
                    return
            fcntl.flock(fd, fcntl.LOCK_SH)
            # Released by close(), or when this object is collected, or when the process ends.
            self._readers = weakref.finalize(self, os.close, fd)

    @contextmanager
    def readers_gone(self) -> Iterator[bool]:
        """Whether no reader holds the store (the readers' lock taken alone, without waiting);
        while True, no reader can start."""
        try:
            handle = open(self.root / READERS_FILE, "a+")
        except OSError:
            yield False
            return
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def save_settings(self, settings: WorkspaceSettings) -> None:
        write_settings(self.root / SETTINGS_FILE, settings)
        self.settings = settings

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
        if self._readers is not None:
            self._readers()  # closes the file: releases the readers' lock
            self._readers = None


NEXT_KEY_FILE = KEY_FILE.with_name("pseudonym.key.next")
KEY_ROTATION = "key-rotation"


def finish_key_rotation(ws: Workspace) -> bool:
    """After a crash in `arbitre key rotate`: put the new keys in place if the store was committed
    with them (a ``key-rotation`` import recorded with their fingerprint), else drop them.

    Call it holding the workspace lock. Returns whether new keys were put in place.
    """
    pending = ws.root / NEXT_KEY_FILE
    if not pending.exists():
        return False
    fingerprint = hashlib.sha256(pending.read_bytes()).hexdigest()
    with appdb.session_scope(ws.engine) as session:
        committed = session.scalars(
            select(appdb.ImportRecord.id).where(
                appdb.ImportRecord.mode == KEY_ROTATION, appdb.ImportRecord.file_sha256 == fingerprint
            )
        ).first()
    if committed is None:
        pending.unlink()
        return False
    os.replace(pending, ws.root / KEY_FILE)
    fsync(pending.parent)
    ws.__dict__.pop("keys", None)
    return True


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def write_settings(path: Path, settings: WorkspaceSettings) -> None:
    """Write the settings file atomically, in the order a person reads it."""
    data: dict[str, Any] = settings.model_dump(mode="json", exclude_none=True)
    header = "# Arbitre workspace settings (docs/workspace.md). Times are local to `timezone`.\n"
    text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    tmp = path.with_suffix(".yaml.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _write_key(path: Path) -> None:
    private_folder(path.parent)
    if path.exists():  # left by an init that failed later on: keep it, data may depend on it
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
