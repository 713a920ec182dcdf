"""Shared fixtures: workspaces on real SQLite and, when the test script started one, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from arbitre.store.workspace import Workspace
from tests.demo.conftest import SMALL, BuiltDemo, build

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


TESTS = Path(__file__).resolve().parent

#: Modules whose tests, or the workspace their fixtures build, take seconds each: building the demo
#: or a decision, a PDF, the installed command driven with every bad argument, the benchmarks'
#: peers, a month of real calls. Marked ``slow``: the fast lane (``./scripts/test --fast``) leaves
#: them to the whole suite.
SLOW_MODULES = (
    "demo/",
    "benchmarks/",
    "services/test_decide.py",
    "web/test_decision_rerun.py",
    "reports/test_decision_language.py",
    "reports/test_copil.py",
    "reports/test_copil_complete.py",
    "cli/test_errors.py",
    "fit/test_planning.py",
    "fit/test_bank.py",
    "ingest/test_real_bank_export.py",
    "tender/test_report.py",
    "tender/test_spec.py",
    "hardening/test_fuzz.py",
    "forecast/test_growth.py",
    "forecast/test_realistic.py",
    "contract/test_versions.py",
    "tender/test_service.py",
    "web/test_tender.py",
    "web/test_governance.py",
    "tender/test_award.py",
)

#: Single tests of a few seconds or more (measured on the shared machine), marked ``slow`` too.
SLOW_TESTS = (
    "web/test_auth.py::test_failures_counted_by_another_server_process_refuse_the_next_login",
    "hardening/test_mapping_sandbox.py::test_the_key_never_shows_through_kpi_and_the_store_is_left_untouched",
    "hardening/test_snapshot.py::test_kpi_and_map_read_a_whole_store_while_imports_commit",
    "hardening/test_names_and_outputs.py::test_a_flow_or_site_named_like_rich_markup_prints_as_written",
    "store/test_imports.py::test_a_killed_import_leaves_the_workspace_exactly_as_before",
    "cli/test_commands.py::test_the_installed_command_keeps_stdout_for_json_and_exits_as_promised",
    "cli/test_commands.py::test_init_import_kpi_and_map_work_end_to_end_as_json",
    "staffing/test_shifts.py::test_bad_rules_exit_1_with_one_line_and_usage_errors_exit_2",
    "staffing/test_shifts.py::test_the_command_prints_one_json_document_and_writes_the_coverage",
    "staffing/test_shifts.py::test_every_tour_keeps_the_rules_and_the_tours_give_the_reported_coverage",
    "staffing/test_shifts.py::test_the_readable_summary_lists_the_under_covered_intervals",
    "staffing/test_shifts.py::test_the_schedule_is_optimal_against_brute_force_on_one_day",
    "staffing/test_shifts.py::test_the_schedule_is_optimal_against_brute_force_on_two_days_with_varying_starts",
    "staffing/test_erlang.py::test_a_million_intervals_are_staffed_in_one_call",
    "staffing/test_queue.py::test_the_kernel_agrees_with_a_brute_force_reading_of_the_rules",
    "staffing/test_queue.py::test_served_contacts_respect_fcfs_duty_capacity_and_patience",
    "staffing/test_channels.py::test_a_day_of_email_is_spread_over_the_deadline_instead_of_staffed_at_its_peak",
    "web/test_cli.py::test_arbitre_serve_serves_the_workspace_until_interrupted",
    "web/test_layers.py::test_nothing_but_the_command_line_imports_the_web_app",
    "web/test_isolation.py::test_a_token_or_a_session_of_one_workspace_opens_nothing_in_another",
    "decision/test_qualify.py::test_every_reason_quotes_each_of_its_numbers_in_both_languages",
    "decision/test_allocate_benchmark.py::test_fifty_flows_over_a_week_of_half_hours_at_five_sites_solve_to_optimality_in_time",
    "tender/test_service.py::test_hostile_names_reach_the_database_the_terminal_and_the_report_as_plain_text",
    "tender/test_service.py::test_the_cli_imports_lists_grades_and_scores",
    "contract/test_govern.py::test_a_month_to_date_run_neither_settles_nor_charges_for_good",
    "contract/test_refuses_to_guess.py::test_a_provisional_month_neither_charges_a_credit_for_good_nor_settles_an_earn_back",
    "services/test_plan.py::test_each_channel_is_sized_with_its_own_model",
    "services/test_plan.py::test_each_flow_is_planned_from_the_day_after_its_own_history",
    "services/test_plan.py::test_a_flow_planned_on_no_data_is_said",
    "services/test_plan.py::test_the_simulator_checks_a_plan_against_its_own_forecast",
    "kpi/test_scope.py::test_a_workspace_counts_its_waiting_kpis_within_its_opening_hours_by_default",
    "quality/test_service.py::test_every_transcript_is_checked_and_the_kpi_engine_reads_the_scores_by_agent",
    "store/test_imports.py::test_repeats_stay_right_when_a_later_import_brings_the_next_contact",
    "contract/test_refuses_to_guess.py::test_a_month_partly_covered_is_flagged_day_by_day_and_not_charged_as_complete",
    "staffing/test_simulation.py::test_m_m_n_plus_m_agrees_with_erlang_a_within_half_a_point_at_a_million_contacts",
    "staffing/test_simulation.py::test_m_m_n_agrees_with_erlang_c_within_half_a_point_at_a_million_contacts",
)


def _slow(relative: str, name: str) -> bool:
    return relative.startswith(SLOW_MODULES) or f"{relative}::{name}" in SLOW_TESTS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        relative = (
            item.path.resolve().relative_to(TESTS).as_posix() if item.path.is_relative_to(TESTS) else ""
        )
        if relative and _slow(relative, getattr(item, "originalname", item.name)):
            item.add_marker(pytest.mark.slow)
    if os.environ.get("ARBITRE_TEST_PG_URL") or not os.environ.get("ARBITRE_REQUIRE_PG"):
        return
    raise pytest.UsageError(
        "ARBITRE_REQUIRE_PG is set but no PostgreSQL server: run the suite with ./scripts/test"
    )


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> BuiltDemo:
    """The demo at scale 0.05, shared by the demo's tests and the web app's browser tests (each
    builds nothing of its own; a test that changes it works on a copy)."""
    return build(tmp_path_factory.mktemp("demo") / "ws", scale=SMALL)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A fresh workspace on SQLite."""
    ws = Workspace.init(tmp_path / "ws", name="Test")
    yield ws
    ws.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the server scripts/test started."""
    base = os.environ.get("ARBITRE_TEST_PG_URL")
    if not base:
        pytest.skip("no PostgreSQL server (./scripts/test starts one)")
    import sqlalchemy as sa

    name = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    """A fresh workspace on each database the product supports."""
    url = request.getfixturevalue("pg_url") if request.param == "postgres" else None
    ws = Workspace.init(tmp_path / "ws", name="Test", database_url=url)
    yield ws
    ws.close()
