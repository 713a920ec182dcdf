"""Files handed in through the web app: a client's import, a provider's month, a provider's invoice.

A provider's upload is hostile input. It is written under the workspace's ``uploads/`` folder
(mode 700, never served), size-bounded while it is received, under a name the server chooses;
then a month of interactions goes through the contract's column mapping and the ordinary import
validation (`arbitre.services.imports`), and before anything is stored every row must belong to
the contract: one of its sites, one of its flows, the month announced — a row of another
provider's site is refused on its line like any bad value. An invoice is checked with the
invoice reader of the monthly run (`arbitre.contract.reconcile.parse_invoice`) and kept for the
month's run. Every upload, accepted or refused, is recorded with its errors and in the audit log.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
from pydantic import BaseModel
from sqlalchemy import select

from arbitre.contract.reconcile import parse_invoice
from arbitre.domain.contract import Contract
from arbitre.domain.month import read_month
from arbitre.errors import ArbitreError, InputError, RejectedRows, RowError
from arbitre.ingest.mapping import IDENTITY, Mapping
from arbitre.services.access import NotFound, Permission, require
from arbitre.services.accounts import Account
from arbitre.services.audit import Actor, aware, record
from arbitre.services.contract_views import visible_contract, visible_contract_ids
from arbitre.services.imports import import_file, load
from arbitre.store.appdb import session_scope
from arbitre.store.interactions import connect
from arbitre.store.webdb import ContractMapping, Upload
from arbitre.store.workspace import Workspace
from arbitre.yamlio import parse_model

UPLOADS = "uploads"
CHUNK = 1 << 20
MAX_SHOWN_ERRORS = 200  # row errors kept with an upload for its page (the count is always whole)
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".jsonl", ".ndjson")


class TooLarge(InputError):
    """A file over the size limit (HTTP 413)."""


class RowProblem(BaseModel):
    """One reason one row was refused, as a page or the API shows it (no server path)."""

    line: int
    column: str
    reason: str
    value: str | None


class UploadRecord(BaseModel):
    """An upload as the pages and the API show it."""

    id: str
    kind: str
    contract_id: str | None
    month: str | None
    filename: str
    bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    status: str
    import_id: str | None
    rows_read: int
    inserted: int
    rejected: int
    message: str
    errors: list[RowProblem]


class Received(BaseModel):
    """A file received and kept: where (inside the workspace), its safe name, size and digest."""

    path: Path
    filename: str
    bytes: int
    sha256: str


def uploads_dir(ws: Workspace) -> Path:
    path = ws.root / UPLOADS
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def safe_filename(name: str, *, default: str = "file") -> str:
    """A file name with nothing but letters, digits, ``.``, ``_`` and ``-`` (no path, no dot first).

    >>> safe_filename("../../etc/passwd")
    'passwd'
    >>> safe_filename("appels mars 2026.csv")
    'appels_mars_2026.csv'
    >>> safe_filename("..")
    'file'
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = SAFE_NAME.sub("_", base).lstrip(".")[:120]
    return base or default


def receive(ws: Workspace, stream: BinaryIO, *, filename: str, limit_bytes: int, folder: str) -> Received:
    """Copy ``stream`` into ``uploads/<folder>/<random id>/<safe name>``, at most ``limit_bytes``."""
    name = safe_filename(filename)
    target_dir = uploads_dir(ws) / folder / secrets.token_hex(8)
    target_dir.mkdir(mode=0o700, parents=True)
    target = target_dir / name
    digest = hashlib.sha256()
    size = 0
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit_bytes:
                    raise TooLarge(
                        f"the file is larger than the limit of {limit_bytes // (1 << 20)} MB", file=name
                    )
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        shutil.rmtree(target_dir, ignore_errors=True)
        raise
    if size == 0:
        shutil.rmtree(target_dir, ignore_errors=True)
        raise InputError("the file is empty", file=name)
    return Received(path=target, filename=name, bytes=size, sha256=digest.hexdigest())


def _public(message: str, received: Received) -> str:
    """A message without the server's path of the file (its name instead)."""
    return message.replace(str(received.path.resolve()), received.filename).replace(
        str(received.path), received.filename
    )


def _problems(errors: list[RowError]) -> list[RowProblem]:
    return [
        RowProblem(line=e.line, column=e.column, reason=e.reason, value=e.value)
        for e in errors[:MAX_SHOWN_ERRORS]
    ]


# --- a client's import -----------------------------------------------------------------------


def client_import(
    ws: Workspace,
    received: Received,
    *,
    account: Account,
    actor: Actor,
    mapping_text: str | None = None,
    skip_invalid: bool = False,
) -> UploadRecord:
    """Import an uploaded file into the store as ``arbitre import`` would (strict by default)."""
    require(account, Permission.IMPORT)
    mapping = _mapping(mapping_text) if mapping_text else IDENTITY
    return _import(ws, received, account=account, actor=actor, mapping=mapping, skip_invalid=skip_invalid)


def _mapping(text: str) -> Mapping:
    return parse_model(text, Mapping, file="mapping")


def _row(
    ws: Workspace,
    received: Received,
    *,
    account: Account,
    kind: str,
    contract: Contract | None,
    month: str | None,
) -> Upload:
    """The upload's record, refused until its outcome says otherwise."""
    return Upload(
        id=secrets.token_hex(16),
        kind=kind,
        contract_id=contract.id if contract else None,
        month=month,
        filename=received.filename,
        stored_as=str(received.path.relative_to(ws.root)),
        sha256=received.sha256,
        bytes=received.bytes,
        uploaded_by=account.username,
        uploaded_at=datetime.now(UTC),
        status="rejected",
        import_id=None,
        rows_read=0,
        inserted=0,
        rejected=0,
        message="",
        errors="[]",
    )


def _import(
    ws: Workspace,
    received: Received,
    *,
    account: Account,
    actor: Actor,
    mapping: Mapping,
    skip_invalid: bool,
    kind: str = "import",
    contract: Contract | None = None,
    month: str | None = None,
) -> UploadRecord:
    row = _row(ws, received, account=account, kind=kind, contract=contract, month=month)
    problems: list[RowProblem] = []
    try:
        if received.path.suffix.lower() not in DATA_SUFFIXES and not mapping.source.format:
            raise InputError(
                "unknown file type: expected .csv, .tsv, .txt, .parquet, .jsonl or .ndjson",
                file=received.filename,
            )
        if contract is not None:
            _check_rows_belong(ws, received, mapping=mapping, contract=contract, month=month)
        summary = import_file(
            ws, received.path, mapping=mapping, skip_invalid=skip_invalid, who=account.username
        )
        row.status = "imported"
        row.import_id = summary.import_id
        row.rows_read = summary.rows_read
        row.inserted = summary.inserted + summary.updated
        row.rejected = summary.rejected
        row.message = (
            f"{summary.inserted} inserted, {summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.rejected} rejected"
        )
        problems = _problems(summary.errors)
    except RejectedRows as exc:
        row.rows_read = exc.rows
        row.rejected = len({e.line for e in exc.errors})
        row.message = _public(str(exc), received)
        problems = _problems(exc.errors)
    except ArbitreError as exc:
        row.message = _public(str(exc), received)
    row.errors = json.dumps([p.model_dump() for p in problems], ensure_ascii=False)
    with session_scope(ws.engine) as session:
        session.add(row)
    record(
        ws,
        actor,
        "import" if kind == "import" else "upload",
        received.filename,
        upload=row.id,
        kind=kind,
        contract=row.contract_id,
        month=month,
        status=row.status,
        rows=row.rows_read,
        rejected=row.rejected,
        sha256=received.sha256,
    )
    return _record(row)


def _check_rows_belong(
    ws: Workspace, received: Received, *, mapping: Mapping, contract: Contract, month: str | None
) -> None:
    """Refuse (every line named) the rows outside the contract's sites, flows or the month."""
    con = connect(ws.settings.timezone)
    try:
        source, checked = load(received.path, mapping, con)
        if checked.errors:  # the import would refuse them anyway: say it with the same errors
            raise RejectedRows(received.filename, checked.errors, rows=checked.rows_read)
        con.register("allowed_sites", pa.table({"site": pa.array(contract.provider.sites, pa.string())}))
        con.register("allowed_flows", pa.table({"flow": pa.array(contract.flows, pa.string())}))
        outside = con.execute(
            """SELECT __row, site, flow, strftime(arrived_at, '%Y-%m') AS m,
                      site NOT IN (SELECT site FROM allowed_sites) AS bad_site,
                      flow NOT IN (SELECT flow FROM allowed_flows) AS bad_flow
               FROM clean
               WHERE site NOT IN (SELECT site FROM allowed_sites)
                  OR flow NOT IN (SELECT flow FROM allowed_flows)
                  OR (? IS NOT NULL AND strftime(arrived_at, '%Y-%m') <> ?)
               ORDER BY __row""",
            [month, month],
        ).fetchall()
        if not outside:
            return
        lines = source.line_of(np.asarray([r[0] for r in outside], dtype=np.int64))
        errors: list[RowError] = []
        for (_, site, flow, m, bad_site, bad_flow), line in zip(outside, lines, strict=True):
            if bad_site:
                reason = f"a site of this contract ({', '.join(contract.provider.sites)})"
                errors.append(RowError(received.filename, int(line), "site", f"expected {reason}", site))
            if bad_flow:
                reason = f"a flow of this contract ({', '.join(contract.flows)})"
                errors.append(RowError(received.filename, int(line), "flow", f"expected {reason}", flow))
            if not bad_site and not bad_flow:
                errors.append(
                    RowError(received.filename, int(line), "arrived_at", f"expected a time in {month}", m)
                )
        raise RejectedRows(received.filename, errors, rows=checked.rows_read)
    finally:
        con.close()


# --- a provider's month and invoice ----------------------------------------------------------


def provider_month(
    ws: Workspace, received: Received, *, account: Account, actor: Actor, contract_id: str, month: str
) -> UploadRecord:
    """A provider's export of one month of its contract, mapped, checked row by row, imported."""
    require(account, Permission.PROVIDER_UPLOAD)
    contract = visible_contract(ws, account, contract_id)
    _check_month(month, contract)
    return _import(
        ws,
        received,
        account=account,
        actor=actor,
        mapping=contract_mapping(ws, contract_id) or IDENTITY,
        skip_invalid=False,
        kind="provider_month",
        contract=contract,
        month=month,
    )


def provider_invoice(
    ws: Workspace, received: Received, *, account: Account, actor: Actor, contract_id: str, month: str
) -> UploadRecord:
    """A provider's invoice of one month: checked line by line, kept for the month's run."""
    require(account, Permission.PROVIDER_UPLOAD)
    contract = visible_contract(ws, account, contract_id)
    _check_month(month, contract)
    status, message, problems = "received", "", []
    try:
        text = received.path.read_text(encoding="utf-8")
        lines = parse_invoice(text, file=received.filename)
        message = f"{len(lines)} billed lines"
    except UnicodeDecodeError:
        status, message = "rejected", f"{received.filename}: expected UTF-8 text"
    except InputError as exc:
        status, message = "rejected", _public(str(exc), received)
        if exc.line is not None:
            problems = [
                RowProblem(line=exc.line, column=exc.field or "", reason=exc.expected or str(exc), value=None)
            ]
    row = _row(ws, received, account=account, kind="invoice", contract=contract, month=month)
    row.status, row.message, row.rejected = status, message, len(problems)
    row.errors = json.dumps([p.model_dump() for p in problems], ensure_ascii=False)
    with session_scope(ws.engine) as session:
        session.add(row)
    record(
        ws,
        actor,
        "upload",
        received.filename,
        upload=row.id,
        kind="invoice",
        contract=contract.id,
        month=month,
        status=status,
        sha256=received.sha256,
    )
    return _record(row)


def latest_invoice(ws: Workspace, contract_id: str, month: str) -> Path | None:
    """The file of the provider's latest accepted invoice of the month (for the month's run)."""
    with session_scope(ws.engine) as session:
        row = session.scalars(
            select(Upload)
            .where(
                Upload.kind == "invoice",
                Upload.contract_id == contract_id,
                Upload.month == month,
                Upload.status == "received",
            )
            .order_by(Upload.uploaded_at.desc())
            .limit(1)
        ).first()
        return None if row is None else ws.root / row.stored_as


def _check_month(month: str, contract: Contract) -> None:
    read_month(month, field="month")
    if month not in contract.months():
        raise InputError(
            field="month", expected=f"a month of the contract ({contract.start} to {contract.end})", got=month
        )


# --- the contract's mapping ------------------------------------------------------------------


def set_contract_mapping(
    ws: Workspace, contract_id: str, text: str, *, account: Account, actor: Actor
) -> None:
    """Set the column mapping applied to the provider's uploads of a contract (validated first)."""
    require(account, Permission.CHANGE_CONTRACT)
    visible_contract(ws, account, contract_id)
    mapping = _mapping(text)
    with session_scope(ws.engine) as session:
        row = session.get(ContractMapping, contract_id)
        if row is None:
            row = ContractMapping(contract_id=contract_id, text=text, set_by=account.username)
            session.add(row)
        row.text = text
        row.set_by = account.username
        row.set_at = datetime.now(UTC)
    record(ws, actor, "mapping_change", contract_id, mapping=mapping.name)


def contract_mapping(ws: Workspace, contract_id: str) -> Mapping | None:
    with session_scope(ws.engine) as session:
        row = session.get(ContractMapping, contract_id)
        return None if row is None else _mapping(row.text)


# --- reading ---------------------------------------------------------------------------------


def uploads(ws: Workspace, account: Account, *, limit: int = 200) -> list[UploadRecord]:
    """The uploads the account may see, newest first: all for the client, those of its own
    contracts for a provider."""
    require(account, Permission.READ_CONTRACTS)
    visible = visible_contract_ids(ws, account)
    with session_scope(ws.engine) as session:
        query = select(Upload).order_by(Upload.uploaded_at.desc())
        if visible is not None:
            query = query.where(Upload.contract_id.in_(sorted(visible)))
        return [_record(r) for r in session.scalars(query.limit(limit))]


def get_upload(ws: Workspace, account: Account, upload_id: str) -> UploadRecord:
    for u in uploads(ws, account, limit=10_000):
        if u.id == upload_id:
            return u
    raise NotFound(f"no upload {upload_id!r}")


def _record(r: Upload) -> UploadRecord:
    return UploadRecord(
        id=r.id,
        kind=r.kind,
        contract_id=r.contract_id,
        month=r.month,
        filename=r.filename,
        bytes=r.bytes,
        sha256=r.sha256,
        uploaded_by=r.uploaded_by,
        uploaded_at=aware(r.uploaded_at),
        status=r.status,
        import_id=r.import_id,
        rows_read=r.rows_read,
        inserted=r.inserted,
        rejected=r.rejected,
        message=r.message,
        errors=[RowProblem.model_validate(e) for e in json.loads(r.errors)],
    )


__all__ = [
    "Received",
    "RowProblem",
    "TooLarge",
    "UploadRecord",
    "client_import",
    "contract_mapping",
    "get_upload",
    "latest_invoice",
    "provider_invoice",
    "provider_month",
    "receive",
    "safe_filename",
    "set_contract_mapping",
    "uploads",
]
