"""Background jobs on the app database (SQLite and PostgreSQL): run off the caller's thread with
their progress, one of a kind at a time, their error kept, never left running by a server that
stopped — and only when its heartbeat says so, never one another live process runs."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from arbitre.errors import InputError
from arbitre.services import jobs
from arbitre.services.jobs import (
    INTERRUPTED,
    STALE_AFTER_S,
    JobRecord,
    Progress,
    fail_interrupted,
    job,
    latest_jobs,
    start,
)
from arbitre.store.appdb import session_scope
from arbitre.store.webdb import Job
from arbitre.store.workspace import Workspace


def wait(ws: Workspace, job_id: str, *, timeout_s: float = 60) -> JobRecord:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        found = job(ws, job_id)
        if found.over:
            return found
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job(ws, job_id).status}")


def test_a_job_runs_off_the_callers_thread_and_records_its_progress_and_result(
    any_workspace: Workspace,
) -> None:
    seen: list[tuple[float, str]] = []
    go, release = threading.Event(), threading.Event()

    def run(progress: Progress) -> str:
        go.wait(10)  # until the caller has its job's id
        progress(0.5, "half way")
        seen.append((job(any_workspace, started.id).progress, job(any_workspace, started.id).step))
        release.wait(10)
        return "decision-42"

    with ThreadPoolExecutor(max_workers=1) as executor:
        started = start(
            any_workspace, executor, kind="decision", who="anna", inputs={"term_months": "24"}, run=run
        )
        assert started.status in ("queued", "running") and started.who == "anna"
        go.set()
        time.sleep(0.5)
        assert job(any_workspace, started.id).status == "running"
        release.set()
        done = wait(any_workspace, started.id)
    assert seen == [(0.5, "half way")]
    assert (done.status, done.result_id, done.progress, done.error) == ("done", "decision-42", 1.0, None)
    assert (
        done.inputs == {"term_months": "24"} and done.started_at is not None and done.finished_at is not None
    )
    assert [j.id for j in latest_jobs(any_workspace, kind="decision")] == [started.id]


def test_one_job_of_a_kind_runs_at_a_time_and_the_next_may_start_once_it_is_over(
    any_workspace: Workspace,
) -> None:
    release = threading.Event()

    def slow(_: Progress) -> str:
        release.wait(10)
        return "first"

    with ThreadPoolExecutor(max_workers=2) as executor:
        first = start(any_workspace, executor, kind="decision", who="anna", inputs={}, run=slow)
        with pytest.raises(InputError, match="already running"):
            start(any_workspace, executor, kind="decision", who="alice", inputs={}, run=lambda _: "second")
        release.set()
        assert wait(any_workspace, first.id).status == "done"
        second = start(
            any_workspace, executor, kind="decision", who="alice", inputs={}, run=lambda _: "second"
        )
        assert wait(any_workspace, second.id).result_id == "second"
    assert len(latest_jobs(any_workspace, kind="decision")) == 2


def test_a_failed_run_keeps_the_users_error_and_hides_a_bugs(any_workspace: Workspace) -> None:
    def refused(_: Progress) -> str:
        raise InputError(field="offers", expected="at least one offer", got="none")

    def bug(_: Progress) -> str:
        raise ZeroDivisionError("secret internals")

    with ThreadPoolExecutor(max_workers=1) as executor:
        a = start(any_workspace, executor, kind="decision", who="anna", inputs={}, run=refused)
        first = wait(any_workspace, a.id)
        b = start(any_workspace, executor, kind="decision", who="anna", inputs={}, run=bug)
        second = wait(any_workspace, b.id)
    assert first.status == "failed" and first.error is not None and "offers" in first.error
    assert second.status == "failed" and second.error is not None
    assert "secret" not in second.error and "internal error" in second.error


class Never:  # an executor that never runs what it is given: the server stopped first
    def submit(self, *_: object) -> None:
        return None


def _age(ws: Workspace, job_id: str, seconds: float) -> None:
    """Make the job's last heartbeat ``seconds`` old, as a stopped server leaves it."""
    with session_scope(ws.engine) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(heartbeat_at=datetime.now(UTC) - timedelta(seconds=seconds))
        )


def test_a_job_left_by_a_stopped_server_is_marked_failed_on_start_once_its_heartbeat_is_old(
    any_workspace: Workspace,
) -> None:
    left = start(any_workspace, Never(), kind="decision", who="anna", inputs={}, run=lambda _: "x")  # type: ignore[arg-type]
    assert job(any_workspace, left.id).status == "queued" and left.heartbeat_at is not None
    assert fail_interrupted(any_workspace) == 0  # a fresh heartbeat: a live process holds it
    assert job(any_workspace, left.id).status == "queued"
    _age(any_workspace, left.id, STALE_AFTER_S + 1)
    assert fail_interrupted(any_workspace) == 1
    found = job(any_workspace, left.id)
    assert (found.status, found.error) == ("failed", INTERRUPTED) and found.finished_at is not None
    assert fail_interrupted(any_workspace) == 0
    with ThreadPoolExecutor(max_workers=1) as executor:  # and a new one may run
        again = start(any_workspace, executor, kind="decision", who="anna", inputs={}, run=lambda _: "y")
        assert wait(any_workspace, again.id).status == "done"


def test_a_new_job_of_a_kind_fails_a_stale_one_of_that_kind_and_waits_for_a_fresh_one(
    any_workspace: Workspace,
) -> None:
    stale = start(any_workspace, Never(), kind="decision", who="anna", inputs={}, run=lambda _: "x")  # type: ignore[arg-type]
    fresh = start(any_workspace, Never(), kind="plan", who="anna", inputs={}, run=lambda _: "x")  # type: ignore[arg-type]
    _age(any_workspace, stale.id, STALE_AFTER_S - 5)  # old, but within the bound: still held
    with pytest.raises(InputError, match="already running"):
        start(any_workspace, Never(), kind="decision", who="alice", inputs={}, run=lambda _: "y")  # type: ignore[arg-type]
    _age(any_workspace, stale.id, STALE_AFTER_S + 5)
    _age(any_workspace, fresh.id, STALE_AFTER_S + 5)  # another kind: not this request's to fail
    with ThreadPoolExecutor(max_workers=1) as executor:
        again = start(any_workspace, executor, kind="decision", who="alice", inputs={}, run=lambda _: "y")
        assert wait(any_workspace, again.id).status == "done"
    assert (job(any_workspace, stale.id).status, job(any_workspace, stale.id).error) == (
        "failed",
        INTERRUPTED,
    )
    assert job(any_workspace, fresh.id).status == "queued"


def test_a_running_job_beats_so_that_a_server_starting_meanwhile_leaves_it_running(
    any_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs, "HEARTBEAT_S", 0.1)
    release = threading.Event()

    def slow(_: Progress) -> str:
        release.wait(20)
        return "made"

    with ThreadPoolExecutor(max_workers=1) as executor:
        running = start(any_workspace, executor, kind="decision", who="anna", inputs={}, run=slow)
        first = job(any_workspace, running.id).heartbeat_at
        time.sleep(0.6)
        beaten = job(any_workspace, running.id)
        assert beaten.status == "running" and first is not None and beaten.heartbeat_at is not None
        assert beaten.heartbeat_at > first  # the worker said it still holds the job
        # Another server starting now, with a bound of a second: the heartbeat is fresher.
        assert fail_interrupted(any_workspace, stale_after_s=1.0) == 0
        # The same job seen a minute later with no beat since: failed.
        later = beaten.heartbeat_at + timedelta(seconds=61)
        release.set()
        assert wait(any_workspace, running.id).status == "done"
    assert fail_interrupted(any_workspace, now=later) == 0  # over: never failed afterwards
