"""Background jobs: a slow run (a decision: minutes on the demo) made off the request.

`start` records the job (queued), hands the run to an executor (the server's worker thread), and
returns at once; the run reports its progress through a `Progress` callback, and the job ends
``done`` with the id of what it made, or ``failed`` with the error the user would have read. One
job of a kind at a time in a workspace: a second is refused while the first is queued or running
(the ``running`` column's unique constraint, shared by every server process). Each job names
the process that holds it (``owner``, `OWNER`) and carries a heartbeat: while a job runs, its
worker says every `HEARTBEAT_S` seconds that this process still holds its jobs, queued or running
(``heartbeat_at``). A job whose heartbeat is older than `STALE_AFTER_S` was left by a server that
stopped: it is marked failed, "interrupted", when a server starts and when a new job of its kind
is asked (`fail_interrupted`) — never left "running", and never one another live process runs.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from arbitre.errors import ArbitreError, InputError
from arbitre.services.access import NotFound
from arbitre.services.audit import aware
from arbitre.store.appdb import session_scope
from arbitre.store.webdb import Job
from arbitre.store.workspace import Workspace

log = logging.getLogger(__name__)

#: What a run is told as it goes: the share done (0–1) and the step it is at.
Progress = Callable[[float, str], None]
#: A job's run: given its progress callback, it returns the id of what it made.
Run = Callable[[Progress], str]

INTERRUPTED = "interrupted: the server stopped while it ran; run it again"
#: How often a running job's worker says its process still holds its jobs (seconds).
HEARTBEAT_S = 5.0
#: A heartbeat older than this (seconds): the process holding the job has stopped.
STALE_AFTER_S = 60.0
#: This server process, as the jobs it queues name it.
OWNER = f"{socket.gethostname()[:40]}:{os.getpid()}"


class JobRecord(BaseModel):
    """A job as the pages and the API show it."""

    id: str
    kind: str
    status: str  # queued, running, done, failed
    progress: float
    step: str
    error: str | None
    result_id: str | None
    inputs: dict[str, str]
    who: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None

    @property
    def over(self) -> bool:
        return self.status in ("done", "failed")


def start(
    ws: Workspace,
    executor: Executor,
    *,
    kind: str,
    who: str,
    inputs: dict[str, str],
    run: Run,
    lock: str | None = None,
) -> JobRecord:
    """Record a job of ``kind`` and run it on ``executor``; refused (`InputError`) while another
    job of that kind — or, given ``lock`` (at most 20 characters), of that lock: one tender's
    score — is queued or running in the workspace (one left by a stopped server — its heartbeat
    old — is marked failed first)."""
    fail_interrupted(ws, kind=kind)
    job_id = secrets.token_hex(16)
    now = datetime.now(UTC)
    try:
        with session_scope(ws.engine) as session:
            session.add(
                Job(
                    id=job_id,
                    kind=kind,
                    status="queued",
                    running=(lock or kind)[:20],
                    progress=0.0,
                    step="queued",
                    inputs=json.dumps(inputs, sort_keys=True),
                    who=who,
                    created_at=now,
                    owner=OWNER,
                    heartbeat_at=now,
                )
            )
    except IntegrityError:
        raise InputError(f"a {kind} is already running in this workspace: wait for it to end") from None
    executor.submit(_work, ws, job_id, run)
    return job(ws, job_id)


def _work(ws: Workspace, job_id: str, run: Run) -> None:
    """Run the job on this thread and record how it ended (never raises); a heartbeat beside it
    while it runs."""
    _set(ws, job_id, status="running", step="started", started_at=datetime.now(UTC))
    stop = threading.Event()
    beating = threading.Thread(target=_beat, args=(ws, stop), name="arbitre-job-heartbeat", daemon=True)
    beating.start()
    try:
        _run(ws, job_id, run)
    finally:
        stop.set()
        beating.join(timeout=HEARTBEAT_S)


def _beat(ws: Workspace, stop: threading.Event) -> None:
    """Every `HEARTBEAT_S` until ``stop``: this process still holds its queued and running jobs."""
    while not stop.wait(HEARTBEAT_S):
        try:
            with session_scope(ws.engine) as session:
                session.execute(
                    update(Job)
                    .where(Job.owner == OWNER, Job.status.in_(("queued", "running")))
                    .values(heartbeat_at=datetime.now(UTC))
                )
        except Exception:  # a missed beat: the next one tries again
            log.exception("job heartbeat failed")


def _run(ws: Workspace, job_id: str, run: Run) -> None:
    """Run the job and record how it ended: done with what it made, or failed with the error."""

    def progress(share: float, step: str) -> None:
        _set(ws, job_id, progress=max(0.0, min(1.0, share)), step=step[:200], heartbeat_at=datetime.now(UTC))

    try:
        made = run(progress)
    except ArbitreError as exc:
        _end(ws, job_id, error=str(exc))
    except Exception:  # a bug: the job says so, the log has the traceback
        log.exception("job %s failed", job_id)
        _end(ws, job_id, error="internal error: the server's log has the details")
    else:
        _end(ws, job_id, result_id=made)


def _set(ws: Workspace, job_id: str, **values: object) -> None:
    with session_scope(ws.engine) as session:
        session.execute(update(Job).where(Job.id == job_id).values(**values))


def _end(ws: Workspace, job_id: str, *, error: str | None = None, result_id: str | None = None) -> None:
    _set(
        ws,
        job_id,
        status="failed" if error is not None else "done",
        running=None,
        progress=1.0 if error is None else Job.progress,
        step="failed" if error is not None else "done",
        error=error,
        result_id=result_id,
        finished_at=datetime.now(UTC),
    )


def fail_interrupted(
    ws: Workspace,
    *,
    kind: str | None = None,
    now: datetime | None = None,
    stale_after_s: float = STALE_AFTER_S,
) -> int:
    """Mark failed every job (of ``kind``, or any) left queued or running by a server that stopped
    — its heartbeat older than ``stale_after_s`` at ``now`` — and how many; a job whose process
    still beats is left alone."""
    at = now or datetime.now(UTC)
    with session_scope(ws.engine) as session:
        done = session.execute(
            update(Job)
            .where(
                Job.status.in_(("queued", "running")),
                or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < at - timedelta(seconds=stale_after_s)),
                *([] if kind is None else [Job.kind == kind]),
            )
            .values(status="failed", running=None, step="failed", error=INTERRUPTED, finished_at=at)
        )
        return int(getattr(done, "rowcount", 0) or 0)


def job(ws: Workspace, job_id: str) -> JobRecord:
    """One job; `NotFound` when there is none of that id."""
    with session_scope(ws.engine) as session:
        row = session.get(Job, job_id[:32])
        if row is None:
            raise NotFound(f"no job {job_id[:40]!r}")
        return _record(row)


def latest_jobs(ws: Workspace, *, kind: str, limit: int = 10) -> list[JobRecord]:
    """The ``limit`` latest jobs of ``kind``, newest first."""
    with session_scope(ws.engine) as session:
        rows = session.scalars(
            select(Job).where(Job.kind == kind).order_by(Job.created_at.desc()).limit(limit)
        ).all()
        return [_record(r) for r in rows]


def _record(row: Job) -> JobRecord:
    return JobRecord(
        id=row.id,
        kind=row.kind,
        status=row.status,
        progress=row.progress,
        step=row.step,
        error=row.error,
        result_id=row.result_id,
        inputs=json.loads(row.inputs),
        who=row.who,
        created_at=aware(row.created_at),
        started_at=None if row.started_at is None else aware(row.started_at),
        finished_at=None if row.finished_at is None else aware(row.finished_at),
        heartbeat_at=None if row.heartbeat_at is None else aware(row.heartbeat_at),
    )


__all__ = [
    "HEARTBEAT_S",
    "INTERRUPTED",
    "OWNER",
    "STALE_AFTER_S",
    "JobRecord",
    "Progress",
    "Run",
    "fail_interrupted",
    "job",
    "latest_jobs",
    "start",
]
