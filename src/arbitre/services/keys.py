"""Rotating the pseudonymisation key (`arbitre key rotate`): every pseudonym of the store moves.

The ids behind the pseudonyms are not kept, so the store cannot be hashed again from them.
Rotation adds a key to the workspace's chain instead: every stored pseudonym ``p`` becomes
``H(new, p)``, and later imports hash an id with each key in turn (``H(new, H(old, id))``), so the
same person keeps one pseudonym across the rotation — repeat contacts stay measurable — while
whoever obtained the old key alone can no longer test a guess against the store.

Atomic, like an import: the new month files are staged, the new chain is written beside the key
(``pseudonym.key.next``), one database transaction repoints every month and records the rotation
with the chain's fingerprint, then the chain replaces the key. A crash before the transaction
leaves the old store and key; after it, the next command puts the new chain in place
(`finish_key_rotation`).
"""

from __future__ import annotations

import getpass
import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from arbitre.errors import WorkspaceError
from arbitre.ingest.privacy import pseudonym_key_sql, pseudonym_sql
from arbitre.store.appdb import ImportRecord
from arbitre.store.files import FILE_MODE, fsync, write_parquet
from arbitre.store.interactions import STORE_COLUMNS, InteractionStore, MergeResult, connect, new_import_id
from arbitre.store.workspace import KEY_ROTATION, NEXT_KEY_FILE, Workspace, finish_key_rotation

# A contact id pseudonymised at import (it held personal data): ``p_`` and 16 hex digits.
_CONTACT_PSEUDONYM = r"^p_[0-9a-f]{16}$"


@dataclass(frozen=True)
class Rotation:
    """What a rotation did."""

    rotation_id: str
    keys: int
    months: int
    rows: int


def rotate_key(ws: Workspace, *, who: str | None = None) -> Rotation:
    """Add a new key to the workspace's chain and re-pseudonymise the whole store with it."""
    started = datetime.now(UTC)
    new_key = secrets.token_bytes(32)
    rotation_id = new_import_id()
    store = InteractionStore(ws)
    con = connect(ws.settings.timezone)
    try:
        with ws.lock():
            finish_key_rotation(ws)  # an earlier rotation interrupted after its commit
            store.collect_garbage()
            chain = (*ws.keys, new_key)
            parts = store._committed()
            merge = MergeResult(import_id=rotation_id)
            stage = ws.interactions_dir / ".staging" / rotation_id
            stage.mkdir(mode=0o700, parents=True, exist_ok=True)
            for month, (file, _) in sorted(parts.items()):
                source = str(ws.interactions_dir / file).replace("'", "''")
                customer = pseudonym_sql("customer_id", key=new_key, column="customer_id")
                # Keep the column order of the store: rebuild each column in place.
                exprs = {
                    "contact_id": f"CASE WHEN regexp_matches(contact_id, '{_CONTACT_PSEUDONYM}') THEN "
                    f"{pseudonym_sql('contact_id', key=new_key, column='contact_id')} ELSE contact_id END",
                    "agent_id": pseudonym_sql("agent_id", key=new_key, column="agent_id"),
                    "customer_id": customer,
                    "customer_key": pseudonym_key_sql(customer),
                }
                query = (
                    "SELECT "
                    + ", ".join(f"{exprs.get(c, quote(c))} AS {quote(c)}" for c in STORE_COLUMNS)
                    + f" FROM read_parquet('{source}') ORDER BY arrived_at, contact_id"
                )
                target = stage / f"{month}.parquet"
                merge.staged[month] = (target, write_parquet(con, query, target))
            fsync(stage)
            text = "".join(k.hex() + "\n" for k in chain)
            pending = ws.root / NEXT_KEY_FILE
            fd = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
            with os.fdopen(fd, "w") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            rows = sum(n for _, n in merge.staged.values())
            record = ImportRecord(
                id=rotation_id,
                started_at=started,
                finished_at=datetime.now(UTC),
                who=who or os.environ.get("ARBITRE_USER") or getpass.getuser(),
                source="(key rotation)",
                file_sha256=hashlib.sha256(text.encode()).hexdigest(),
                file_bytes=0,
                mapping=None,
                mode=KEY_ROTATION,
                rows_read=rows,
                inserted=0,
                updated=rows,
                unchanged=0,
                duplicates=0,
                rejected=0,
                rejected_file=None,
            )
            store.commit(merge, record)  # the commit point: every month repointed at once
            if not finish_key_rotation(ws) or ws.keys != chain:
                raise WorkspaceError(
                    f"{ws.root}: the store is re-pseudonymised but the new key is not in place; "
                    "the next command puts it in place"
                )
    finally:
        con.close()
    return Rotation(rotation_id, len(chain), len(merge.staged), rows)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


__all__ = ["Rotation", "rotate_key"]
