"""Background jobs on the app database (SQLite and PostgreSQL): run off the caller's thread with
their progress, one of a kind at a time, their error kept, never left running by a server that
stopped."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from arbitre.errors import InputError
from arbitre.services.jobs import INTERRUPTED, JobRecord, Progress, fail_interrupted, job, latest_jobs, start
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


def test_a_job_left_running_by_a_stopped_server_is_marked_failed_on_start(any_workspace: Workspace) -> None:
    class Never:  # an executor that never runs what it is given: the server stopped first
        def submit(self, *_: object) -> None:
            return None

    left = start(any_workspace, Never(), kind="decision", who="anna", inputs={}, run=lambda _: "x")  # type: ignore[arg-type]
    assert job(any_workspace, left.id).status == "queued"
    assert fail_interrupted(any_workspace) == 1
    found = job(any_workspace, left.id)
    assert (found.status, found.error) == ("failed", INTERRUPTED) and found.finished_at is not None
    assert fail_interrupted(any_workspace) == 0
    with ThreadPoolExecutor(max_workers=1) as executor:  # and a new one may run
        again = start(any_workspace, executor, kind="decision", who="anna", inputs={}, run=lambda _: "y")
        assert wait(any_workspace, again.id).status == "done"
