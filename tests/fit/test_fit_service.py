"""`arbitre.services.fit` on queues whose truth is known: the estimates recover it.

The queues are drawn and served by the project's simulator (`tests.fit.simulated`), seeded, with
exponential patience and a known number of agents per half hour; the fit sees only the
interaction records an ACD would export.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arbitre.errors import InputError
from arbitre.services.fit import FitRun, fit
from arbitre.services.imports import import_file
from arbitre.store.workspace import Workspace
from tests.fit.simulated import Truth, simulated_records


@pytest.fixture(scope="module")
def voice() -> Truth:
    return simulated_records(rng=np.random.default_rng(11), patience_s=180.0, days=20)


@pytest.fixture(scope="module")
def voice_file(voice: Truth, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fit") / "calls.parquet"
    pq.write_table(voice.records, path)
    return path


@pytest.fixture(scope="module")
def voice_fit(voice_file: Path) -> FitRun:
    return fit(voice_file, tz="Europe/Paris")


def test_the_patience_of_a_simulated_queue_is_within_its_confidence_interval(
    voice: Truth, voice_fit: FitRun
) -> None:
    (flow,) = voice_fit.result.flows
    assert flow.patience_ci_s is not None
    low, high = flow.patience_ci_s
    assert low <= voice.patience_s <= high
    assert high / low < 1.15  # 20 days of calls pin it within ±7 %
    # The Kaplan–Meier band holds the true survival beyond the short-abandon threshold.
    assert flow.kaplan_meier is not None
    for p in flow.kaplan_meier.curve[10::20]:
        truth = math.exp(-max(p.time_s - flow.patience_from_s, 0.0) / voice.patience_s)
        assert p.ci_low - 1e-9 <= truth <= p.ci_high + 1e-9


def test_the_agents_of_a_simulated_queue_are_recovered(voice: Truth, voice_fit: FitRun) -> None:
    table = voice_fit.intervals
    seen = table.column("agents_seen").to_numpy()
    truth = np.tile(voice.agents, voice.days)
    assert seen.size == truth.size  # every interval of every day is compared
    error = seen - truth
    assert np.abs(error).mean() < 0.1
    # The first half hour of a day: agents idle before their first call are not seen.
    first = np.arange(truth.size) % voice.agents.size == 0
    assert np.abs(error[~first]).max() < 0.5


def test_erlang_a_and_the_simulation_fit_the_simulated_queue_and_erlang_c_does_not(voice_fit: FitRun) -> None:
    (flow,) = voice_fit.result.flows
    c, a, s = (flow.model(m) for m in ("erlang_c", "erlang_a", "simulation"))
    assert c is not None and a is not None and s is not None
    assert flow.best_model in ("erlang_a", "simulation")
    assert a.mae_abandon_rate is not None and c.mae_abandon_rate is not None
    assert a.mae_abandon_rate < 0.05 < c.mae_abandon_rate  # Erlang C knows no abandon: ~10 % off
    assert abs(a.bias_abandon_rate or 0.0) < 0.03
    assert (s.mae_service_level or 1.0) < 0.08
    assert flow.model_patience_s == flow.patience_mle_s  # one flow: its pool is itself


def test_the_same_seed_gives_the_same_fit_and_another_seed_only_moves_the_simulation(
    voice_file: Path,
) -> None:
    again = fit(voice_file, tz="Europe/Paris")
    other = fit(voice_file, tz="Europe/Paris", seed=8)
    assert again.result == fit(voice_file, tz="Europe/Paris").result
    a, b = again.result.flows[0], other.result.flows[0]
    assert a.model("erlang_a") == b.model("erlang_a")
    assert a.model("simulation") != b.model("simulation")


def test_a_workspace_holding_the_same_calls_gives_the_same_patience(
    voice_file: Path, voice_fit: FitRun, tmp_path: Path
) -> None:
    ws = Workspace.init(tmp_path / "ws", name="Simulated")
    try:
        import_file(ws, voice_file)
    finally:
        ws.close()
    from_store = fit(tmp_path / "ws").result.flows[0]
    from_file = voice_fit.result.flows[0]
    # The workspace's default opening hours (Mon–Fri 08:00–20:00, Sat 09:00–18:00) hold every
    # simulated call but those of Sundays.
    assert from_store.patience_ci_s is not None and from_file.patience_mle_s is not None
    assert from_store.patience_ci_s[0] <= from_file.patience_mle_s <= from_store.patience_ci_s[1]


def test_two_teams_sharing_agents_are_fitted_as_one_pool(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    truth = simulated_records(rng=rng, patience_s=150.0, days=6)
    records = truth.records
    # Every other call is of a second flow served by the same agents.
    flows = np.where(np.arange(records.num_rows) % 2 == 0, "sales", "service")
    records = records.set_column(records.schema.get_field_index("flow"), "flow", pa.array(flows))
    path = tmp_path / "two.parquet"
    pq.write_table(records, path)
    result = fit(path, tz="Europe/Paris").result
    assert [f.flow for f in result.flows] == ["sales", "service"]
    for f in result.flows:
        assert f.pool == ["sales", "service"]
        assert f.agents is not None
        assert f.agents.mean_agents == pytest.approx(f.agents.pool_mean_agents / 2, rel=0.15)
        assert f.patience_ci_s is not None and f.patience_ci_s[0] <= 150.0 <= f.patience_ci_s[1]


def test_an_export_without_agents_gives_patience_but_no_model(voice: Truth, tmp_path: Path) -> None:
    records = voice.records.drop_columns(["agent_id"])
    path = tmp_path / "no-agents.parquet"
    pq.write_table(records, path)
    (flow,) = fit(path, tz="Europe/Paris").result.flows
    assert flow.agents is None and flow.models == [] and flow.best_model is None
    assert (
        flow.patience_ci_s is not None and flow.patience_ci_s[0] <= voice.patience_s <= flow.patience_ci_s[1]
    )


def test_flows_without_a_queue_are_listed_as_not_fitted(voice: Truth, tmp_path: Path) -> None:
    emails = voice.records.slice(0, 50)
    emails = emails.set_column(emails.schema.get_field_index("channel"), "channel", pa.array(["email"] * 50))
    emails = emails.set_column(emails.schema.get_field_index("flow"), "flow", pa.array(["mail"] * 50))
    emails = emails.set_column(
        emails.schema.get_field_index("contact_id"), "contact_id", pa.array([f"m{i}" for i in range(50)])
    )
    path = tmp_path / "mixed.parquet"
    pq.write_table(pa.concat_tables([voice.records, emails]), path)
    result = fit(path, tz="Europe/Paris").result
    assert [f.flow for f in result.flows] == ["sav"]
    assert [(s.flow, s.channel, s.reason) for s in result.skipped] == [("mail", "email", "no_queue")]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"tz": "Europe/Paris'; DROP TABLE fit_rows; --"}, "unknown time zone"),
        ({"tz": "../../etc/passwd"}, "unknown time zone"),
        ({"replications": -1}, "--replications"),
    ],
)
def test_hostile_or_wrong_options_are_refused_in_one_line(
    voice_file: Path, kwargs: dict[str, object], words: str
) -> None:
    with pytest.raises(InputError, match=words):
        fit(voice_file, **kwargs)  # type: ignore[arg-type]


def test_a_path_that_is_neither_a_file_nor_a_workspace_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or workspace"):
        fit(tmp_path / "nowhere.csv")
