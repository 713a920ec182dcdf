"""The tender of a workspace: init, bids sealed until the deadline, grades, the score on the DQE."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.demo.generate import generate_history
from arbitre.errors import InputError, RejectedCells
from arbitre.services.imports import import_file
from arbitre.services.tender import init_tender, load_tender
from arbitre.services.tender_bids import SealedError, import_bids, list_bids, unsealed_bids
from arbitre.services.tender_grades import record_evaluation, technical_board
from arbitre.services.tender_score import score_tender
from arbitre.store.appdb import TenderBid, session_scope
from arbitre.store.workspace import Workspace

from .grids import EXAMPLE, blank, complete, example_tender, fill

RECEIVED = datetime(2026, 2, 10, 9, 30, tzinfo=UTC)
BEFORE = datetime(2026, 2, 12, tzinfo=UTC)  # before the deadline of 13 February 2026, noon
AFTER = datetime(2026, 2, 20, tzinfo=UTC)


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three months of the demo company at a twentieth of its size, with its costs and the example tender
    (shortened to a 12-month term)."""
    history = generate_history(seed=5, start=date(2025, 1, 6), end=date(2025, 4, 6), scale=0.05)
    folder = tmp_path_factory.mktemp("tender")
    pq.write_table(history.interactions, folder / "history.parquet")
    ws = Workspace.init(folder / "ws", settings=history.settings)
    try:
        import_file(ws, folder / "history.parquet")
    finally:
        ws.close()
    (folder / "ws" / "tenders").mkdir()
    text = EXAMPLE.read_text(encoding="utf-8").replace("months: 36 ", "months: 12 ")
    (folder / "ws" / "tenders" / "sav-2026.yaml").write_text(text, encoding="utf-8")
    shutil.copyfile(
        Path(__file__).parents[2] / "src/arbitre/demo/workspace/costs.yaml", folder / "ws" / "costs.yaml"
    )
    return folder / "ws"


@pytest.fixture
def ws(company: Path, tmp_path: Path) -> Iterator[Workspace]:
    shutil.copytree(company, tmp_path / "ws")
    w = Workspace.open(tmp_path / "ws")
    yield w
    w.close()


def grid(tmp_path: Path, provider: str, **kwargs: object) -> Path:
    path = tmp_path / f"{provider}.xlsx"
    path.write_bytes(fill(blank(example_tender()), complete(provider, **kwargs)))  # type: ignore[arg-type]
    return path


def grade_all(ws: Workspace, providers: list[str], grades: dict[str, str]) -> None:
    tender = load_tender(ws, "sav-2026")
    from arbitre.domain.tender import Evaluation

    for evaluator in ("ana", "bob"):
        record_evaluation(
            ws,
            tender,
            Evaluation(
                evaluator=evaluator,
                grades=[
                    {"provider": p, "criterion": c, "score": Decimal(grades[p])}
                    for p in providers
                    for c in tender.criteria.graded()
                ],
            ),
        )


def test_init_writes_a_valid_tender_with_the_workspace_flows_and_refuses_a_path_as_name(
    ws: Workspace,
) -> None:
    path = init_tender(ws, "rfp-1", flows=["sav-voice-fr", "sav-email-fr", "sav-chat-fr"]).path
    tender = load_tender(ws, "rfp-1")
    assert path.name == "rfp-1.yaml" and tender.scope.flows == ["sav-voice-fr", "sav-email-fr", "sav-chat-fr"]
    assert [(lot.id, lot.flows) for lot in tender.all_lots()] == [
        ("voix", ["sav-voice-fr", "sav-chat-fr"]),
        ("ecrit", ["sav-email-fr"]),
    ]
    assert "# Appel d'offres" in path.read_text(encoding="utf-8")  # the example's comments are kept
    with pytest.raises(InputError, match="already exists"):
        init_tender(ws, "rfp-1")
    for hostile in ("../escape", "a/b", "..", ".hidden", "x" * 200):
        with pytest.raises(InputError, match="tender id"):
            init_tender(ws, hostile)
    with pytest.raises(InputError, match="flows of the store"):
        init_tender(ws, "rfp-2", flows=["no-such-flow"])


def test_a_tender_file_error_names_its_line(ws: Workspace) -> None:
    path = ws.root / "tenders" / "sav-2026.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("weight: 0.40", "weight: 0.50"), encoding="utf-8"
    )
    with pytest.raises(
        InputError,
        match=r"sav-2026.yaml, line \d+, field criteria: the price's and the criteria's weights add up to 1.10",
    ):
        load_tender(ws, "sav-2026")


def test_bids_are_stored_all_or_none_and_sealed_until_the_deadline(ws: Workspace, tmp_path: Path) -> None:
    good = grid(tmp_path, "callmada")
    bad_cells = complete("atlas")
    bad_cells["prices"]["D5"] = -4
    bad = tmp_path / "atlas.xlsx"
    bad.write_bytes(fill(blank(example_tender()), bad_cells))
    with pytest.raises(RejectedCells) as caught:
        import_bids(ws, "sav-2026", [good, bad], received_at=RECEIVED, now=BEFORE)
    assert [(e.sheet, e.cell) for e in caught.value.errors] == [("Prix", "D5")]
    with session_scope(ws.engine) as session:
        assert session.scalar(select(func.count()).select_from(TenderBid)) == 0  # nothing stored
    stored = import_bids(ws, "sav-2026", [good, grid(tmp_path, "atlas")], received_at=RECEIVED, now=BEFORE)
    assert [s.provider for s in stored] == ["callmada", "atlas"]
    tender = load_tender(ws, "sav-2026")
    with pytest.raises(SealedError, match="sealed until 2026-02-13T12:00:00\\+01:00"):
        unsealed_bids(ws, tender, now=BEFORE)
    before = score_tender(ws, "sav-2026", now=BEFORE)
    assert before.sealed and all(not lot.quotes and not lot.ranking for lot in before.lots)
    assert "14.5" not in before.model_dump_json()  # no price anywhere in the sealed document
    assert [b.provider for b in list_bids(ws, tender)] == ["atlas", "callmada"]
    late = datetime(2026, 2, 13, 11, 1, tzinfo=UTC)  # 12:01 in Paris
    with pytest.raises(InputError, match="late bid"):
        import_bids(ws, "sav-2026", [grid(tmp_path, "hexa")], received_at=late, now=AFTER)
    again = import_bids(ws, "sav-2026", [good], received_at=RECEIVED, now=BEFORE)
    assert again[0].version == 2
    assert [b.fees.setup_fee for b in unsealed_bids(ws, tender, now=AFTER)] == [20000, 20000]


def test_the_technical_evaluation_needs_no_price_and_keeps_each_grade(ws: Workspace, tmp_path: Path) -> None:
    import_bids(ws, "sav-2026", [grid(tmp_path, "callmada")], received_at=RECEIVED, now=BEFORE)
    tender = load_tender(ws, "sav-2026")
    from arbitre.domain.tender import Evaluation

    record_evaluation(
        ws,
        tender,
        Evaluation(evaluator="ana", grades=[{"provider": "callmada", "criterion": "rh", "score": 12}]),
    )
    record_evaluation(
        ws,
        tender,
        Evaluation(evaluator="bob", grades=[{"provider": "callmada", "criterion": "rh", "score": 17}]),
    )
    record_evaluation(
        ws,
        tender,
        Evaluation(evaluator="bob", grades=[{"provider": "callmada", "criterion": "rh", "score": 16}]),
    )
    board = technical_board(ws, tender)
    cell = next(c for c in board.cells if c.criterion == "rh")
    assert (
        cell.grades == {"ana": Decimal(12), "bob": Decimal(16)} and cell.consensus == 14
    )  # bob's later grade replaces his first
    with pytest.raises(InputError, match="a provider who bid"):
        record_evaluation(
            ws,
            tender,
            Evaluation(evaluator="ana", grades=[{"provider": "nobody", "criterion": "rh", "score": 1}]),
        )
    with pytest.raises(InputError, match="a grade from 0 to 20"):
        record_evaluation(
            ws,
            tender,
            Evaluation(evaluator="ana", grades=[{"provider": "callmada", "criterion": "rh", "score": 21}]),
        )


def test_after_the_deadline_every_bid_is_priced_on_the_same_forecast_and_ranked(
    ws: Workspace, tmp_path: Path
) -> None:
    files = [
        grid(tmp_path, "callmada", rate=14.5),
        grid(tmp_path, "atlas", rate=16.0),
        grid(tmp_path, "hexa", rate=29.0),
    ]
    import_bids(ws, "sav-2026", files, received_at=RECEIVED, now=BEFORE)
    grade_all(ws, ["callmada", "atlas", "hexa"], {"callmada": "12", "atlas": "15", "hexa": "17"})
    result = score_tender(ws, "sav-2026", now=AFTER)
    assert not result.sealed and {d.flow for d in result.dqe} == {
        "sav-voice-fr",
        "orders-voice-fr",
        "sav-email-fr",
    }
    voix = next(lot for lot in result.lots if lot.lot == "voix")
    quotes = {q.provider: q for q in voix.quotes}
    # same volumes for everyone: the contacts priced are the DQE's, whatever the price schedule
    assert len({q.contacts for q in voix.quotes}) == 1
    dqe_contacts = sum(d.contacts_term for d in result.dqe if d.flow in voix.flows)
    assert abs(quotes["atlas"].contacts - dqe_contacts) <= 2
    # same productivity, prices 14.5, 16 and 29 an hour: the recurring costs are in that ratio
    ratio = quotes["atlas"].recurring / quotes["callmada"].recurring
    assert abs(ratio - Decimal(16) / Decimal("14.5")) < Decimal("0.001")
    assert voix.ranking[0].provider in {"callmada", "atlas"}
    assert voix.by_formula.keys() == {"classique", "lineaire", "moyenne"}
    assert len(voix.by_weights) == 2 and voix.inhouse_total is not None
    assert voix.recommended == voix.ranking[0].provider
    # hexa at 29 an hour is not abnormally low; the in-house cost is the French defaults' on the same volumes
    assert quotes["hexa"].flags == []
    document = json.loads(result.model_dump_json())
    assert isinstance(document["lots"][0]["quotes"][0]["term_total"], str)  # money as decimal strings


def test_the_cli_imports_lists_grades_and_scores(company: Path, tmp_path: Path) -> None:
    target = tmp_path / "ws"
    shutil.copytree(company, target)
    runner = CliRunner()
    files = [str(grid(tmp_path, "callmada")), str(grid(tmp_path, "atlas", rate=16.0))]
    result = runner.invoke(
        app, ["tender", "bids", str(target), "sav-2026", *files, "--received-at", "2026-02-10T10:00:00+01:00"]
    )
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["tender", "bids", str(target), "sav-2026", "--json"])
    assert [b["provider"] for b in json.loads(listed.stdout)] == ["atlas", "callmada"]
    csv = tmp_path / "ana.csv"
    csv.write_text(
        "provider;criterion;score;comment\n"
        + "".join(
            f"{p};{c};14,5;ok\n" for p in ("atlas", "callmada") for c in example_tender().criteria.graded()
        ),
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["tender", "evaluate", str(target), "sav-2026", "--evaluator", "ana", "--file", str(csv)]
    )
    assert result.exit_code == 0, result.output
    assert "10 grades of ana recorded" in result.stdout
    result = runner.invoke(app, ["tender", "score", str(target), "sav-2026", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert not document["sealed"] and document["lots"][0]["ranking"][0]["provider"] == "callmada"
    bad = tmp_path / "bad.csv"
    bad.write_text("provider,criterion,score\natlas,rh,beaucoup\n", encoding="utf-8")
    result = runner.invoke(
        app, ["tender", "evaluate", str(target), "sav-2026", "--evaluator", "bob", "--file", str(bad)]
    )
    assert result.exit_code == 1 and "bad.csv, line 2, field score: expected a number" in result.stderr


def test_hostile_names_reach_the_database_the_terminal_and_the_report_as_plain_text(
    company: Path, tmp_path: Path
) -> None:
    target = tmp_path / "ws"
    shutil.copytree(company, target)
    cells = complete("evil")
    cells["bidder"]["B6"] = "[/bold]<script>alert(1)</script>'; DROP TABLE tender_bids; --"
    path = tmp_path / "evil.xlsx"
    path.write_bytes(fill(blank(example_tender()), cells))
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["tender", "bids", str(target), "sav-2026", str(path), "--received-at", "2026-02-10T10:00:00+01:00"],
    )
    assert result.exit_code == 0, result.output
    assert "DROP TABLE" in result.stdout and "[/bold]" in result.stdout  # shown as written, not as markup
    evaluator = "[red]'; DELETE FROM tender_grades; --"
    result = runner.invoke(
        app,
        [
            "tender",
            "evaluate",
            str(target),
            "sav-2026",
            "--evaluator",
            evaluator,
            "--provider",
            "evil",
            "--criterion",
            "rh",
            "--score",
            "12",
        ],
    )
    assert result.exit_code == 0, result.output
    assert evaluator in result.stdout
    ws = Workspace.open(target)
    try:
        assert [b.technical.provider_name for b in list_bids(ws, load_tender(ws, "sav-2026"))] == [
            cells["bidder"]["B6"]
        ]
        board = technical_board(ws, load_tender(ws, "sav-2026"))
        assert board.evaluators == (evaluator,)
        from arbitre.services.tender_report import render_tender_report

        html = render_tender_report(ws, score_tender(ws, "sav-2026", now=AFTER), lang="fr")
    finally:
        ws.close()
    assert "<script>" not in html and "&lt;script&gt;" in html
    for bad in (["--score", "-1"], ["--score", "NaN"], ["--score", "douze"]):
        args = [
            "tender",
            "evaluate",
            str(target),
            "sav-2026",
            "--evaluator",
            "x",
            "--provider",
            "evil",
            "--criterion",
            "rh",
        ]
        result = runner.invoke(app, [*args, *bad])
        assert result.exit_code == 1 and "--score" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(
        app, ["tender", "bids", str(target), "sav-2026", str(path), "--received-at", "hier"]
    )
    assert result.exit_code == 1 and "--received-at" in result.stderr
    result = runner.invoke(app, ["tender", "init", str(target), "../../etc/passwd"])
    assert result.exit_code == 1 and "tender id" in result.stderr


def test_contacts_after_the_term_starts_leave_no_empty_weeks_in_the_history_the_dqe_uses(
    ws: Workspace, tmp_path: Path
) -> None:
    from arbitre.services.tender_score import dqe

    late = tmp_path / "late.csv"
    late.write_text(
        "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned,talk_s,hold_s,wrap_s\n"
        "late-1,sav-voice-fr,voice_in,callmada:tana,2026-05-04T10:00:00+02:00,2026-05-04T10:00:10+02:00,"
        "2026-05-04T10:05:00+02:00,false,250,10,30\n",
        encoding="utf-8",
    )
    import_file(ws, late)
    volumes = dqe(ws, load_tender(ws, "sav-2026"))
    # the history stops at its last contact before the term (5 April 2025), not at the empty year after it
    assert volumes.history_end == date(2025, 4, 5)
    for flow, w in volumes.workloads.items():
        assert float((w.volume * w.in_scope).sum()) > 1000, flow
