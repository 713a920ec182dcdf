"""The tender pages and API: the client's tenders, bids, grades, score and award; a provider's
invitations, its own bid uploaded through the same import as `arbitre tender bids` — isolation by
page, API, download and guessed id; hostile grids refused cleanly; the score the CLI's — on
SQLite and on the PostgreSQL server of ./scripts/test."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from httpx2 import Response
from markupsafe import escape
from typer.testing import CliRunner

from arbitre.cli.app import app as cli
from arbitre.demo.generate import generate_history
from arbitre.domain.settings import WorkspaceSettings
from arbitre.domain.tender import Tender
from arbitre.services.accounts import add_user, set_lang
from arbitre.services.audit import entries
from arbitre.services.imports import import_file
from arbitre.services.tender_bids import import_bids, list_bids
from arbitre.services.tender_score import score_tender
from arbitre.services.tender_views import awards_of
from arbitre.store.workspace import Workspace
from arbitre.web.i18n import translate
from arbitre.yamlio import load_model
from tests.tender.grids import EXAMPLE, blank, complete, fill
from tests.tender.test_service import grade_all
from tests.web.conftest import ADMIN, PASSWORD, Site, database_from, login, make_client, point_at

RECEIVED = datetime(2026, 2, 10, 9, 30, tzinfo=UTC)
BEFORE = datetime(2026, 2, 12, tzinfo=UTC)  # before sav-2026's deadline (13 February 2026, noon)
USERS = {
    "alice": ("admin", None, []),
    "anna": ("analyst", None, []),
    "odile": ("auditor", None, []),
    "mada": ("provider", "Call Mada", ["callmada:tana"]),
    "atlas": ("provider", "Atlas", ["atlas:casablanca"]),
    "hexa": ("provider", "Hexa", ["hexa:amiens"]),  # not invited
}
INVITED = """
invited:
  - {provider: callmada, name: Call Mada, sites: ["callmada:tana"]}
  - {provider: atlas, name: Atlas, sites: ["atlas:casablanca"]}
"""


def open_tender(text: str) -> str:
    """The example tender as ``sav-open``, its bids due far ahead: still sealed, still receiving."""
    return (
        text.replace("id: sav-2026", "id: sav-open")
        .replace("published: 2026-01-12", "published: 2099-01-12")
        .replace("questions_until: 2026-01-30", "questions_until: 2099-01-30")
        .replace("bids_due: 2026-02-13T12:00:00+01:00", "bids_due: 2099-02-13T12:00:00+01:00")
        .replace("award: 2026-03-06", "award: 2099-03-06")
        .replace("start: 2026-04", "start: 2099-04")
    )


@pytest.fixture(scope="module")
def history_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WorkspaceSettings]:
    """Three months of the demo company at a twentieth of its size."""
    history = generate_history(seed=5, start=date(2025, 1, 6), end=date(2025, 4, 6), scale=0.05)
    folder = tmp_path_factory.mktemp("web-tender-history")
    pq.write_table(history.interactions, folder / "history.parquet")
    return folder / "history.parquet", history.settings


def build_tendering(
    folder: Path, history: tuple[Path, WorkspaceSettings], *, database_url: str | None = None
) -> None:
    """The history, two tenders — ``sav-2026`` past its deadline with the bids of Call Mada and
    Atlas graded by two evaluators, ``sav-open`` still receiving —, Call Mada and Atlas invited to
    both, and an account of each role, in ``folder / "ws"`` (its app database on
    ``database_url`` when given)."""
    ws = Workspace.init(folder / "ws", settings=history[1], name="Tenders", database_url=database_url)
    try:
        import_file(ws, history[0])
        (folder / "ws" / "tenders").mkdir()
        text = EXAMPLE.read_text(encoding="utf-8").replace("months: 36 ", "months: 12 ") + INVITED
        (folder / "ws" / "tenders" / "sav-2026.yaml").write_text(text, encoding="utf-8")
        (folder / "ws" / "tenders" / "sav-open.yaml").write_text(open_tender(text), encoding="utf-8")
        files = []
        for provider, rate in (("callmada", 14.5), ("atlas", 16.0)):
            path = folder / f"{provider}.xlsx"
            path.write_bytes(fill(blank(load_model(EXAMPLE, Tender)), complete(provider, rate=rate)))
            files.append(path)
        import_bids(ws, "sav-2026", files, received_at=RECEIVED, now=BEFORE)
        grade_all(ws, ["callmada", "atlas"], {"callmada": "12", "atlas": "15"})
        for username, (role, provider, sites) in USERS.items():
            add_user(
                ws,
                username=username,
                role=role,  # type: ignore[arg-type]
                actor=ADMIN,
                provider=provider,
                sites=sites,
                password=PASSWORD,
                lang="en",
            )
    finally:
        ws.close()  # no connection may stay open on a template database


@pytest.fixture(scope="module")
def tendering(tmp_path_factory: pytest.TempPathFactory, history_file: tuple[Path, WorkspaceSettings]) -> Path:
    folder = tmp_path_factory.mktemp("web-tender")
    build_tendering(folder, history_file)
    return folder


@pytest.fixture(scope="module")
def pg_tendering(
    tmp_path_factory: pytest.TempPathFactory, history_file: tuple[Path, WorkspaceSettings]
) -> Iterator[tuple[Path, str]]:
    """The same workspace on the PostgreSQL server of ./scripts/test: a template database, copied
    for each test (CREATE DATABASE … TEMPLATE), as tests/web/conftest.py does."""
    base = os.environ.get("ARBITRE_TEST_PG_URL")
    if not base:
        pytest.skip("no PostgreSQL server (./scripts/test starts one)")
    name = "tender_tpl_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    folder = tmp_path_factory.mktemp("web-tender-pg")
    build_tendering(folder, history_file, database_url=base.rsplit("/", 1)[0] + "/" + name)
    yield folder, name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    with ExitStack() as stack:
        if request.param == "sqlite":
            shutil.copytree(request.getfixturevalue("tendering") / "ws", tmp_path / "ws")
        else:
            folder, template = request.getfixturevalue("pg_tendering")
            url = stack.enter_context(database_from(template))
            shutil.copytree(folder / "ws", tmp_path / "ws")
            point_at(tmp_path / "ws", url)
        built = Site(ws=Workspace.open(tmp_path / "ws"), root=tmp_path / "ws", tmp=tmp_path)
        built.users = {u: r for u, (r, _, _) in USERS.items()}
        yield built
        built.ws.close()


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    with make_client(site) as c:
        yield c


def grid_of(tender_text: str, provider: str, **cells: dict[str, object]) -> bytes:
    """A filled grid of the tender ``tender_text`` by ``provider``, ``cells`` set over a complete answer."""
    answer = complete(provider)
    for sheet, values in cells.items():
        answer[sheet] = {**answer.get(sheet, {}), **values}
    from arbitre.yamlio import parse_model

    return fill(blank(parse_model(tender_text, Tender, file="t.yaml")), answer)


def open_grid(site: Site, provider: str, **cells: dict[str, object]) -> bytes:
    return grid_of((site.root / "tenders" / "sav-open.yaml").read_text(encoding="utf-8"), provider, **cells)


def upload(client: TestClient, csrf: str, data: bytes, *, tender: str = "sav-open", name: str = "offre.xlsx"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/w/ws/tenders/{tender}/bids",
        data={"csrf_token": csrf},
        files={"file": (name, data, "application/octet-stream")},
    )


def sign_in(client: TestClient, username: str) -> str:
    return login(client, username, workspace="ws")


RUNNING = re.compile(r'id="tender-job" class="job job-(queued|running)"')


def ready(
    client: TestClient, path: str, headers: dict[str, str] | None = None, *, wait_s: float = 120
) -> Response:
    """GET ``path`` again while what it shows is being computed by a background job (the API's
    202, a page's job still queued or running), as a script or the page's polling does."""
    deadline = time.monotonic() + wait_s
    while True:
        answer = client.get(path, headers=headers)
        busy = answer.status_code == 202 or (
            answer.headers.get("content-type", "").startswith("text/html") and RUNNING.search(answer.text)
        )
        if not busy or time.monotonic() > deadline:
            return answer
        time.sleep(0.1)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- who sees which tender -------------------------------------------------------------------


def test_the_client_sees_every_tender_and_a_provider_only_those_it_is_invited_to(
    site: Site, client: TestClient
) -> None:
    for username, expected in (("odile", {"sav-2026", "sav-open"}), ("mada", {"sav-2026", "sav-open"})):
        api = client.get("/api/w/ws/tenders", headers=site.bearer(username))
        assert api.status_code == 200 and {t["id"] for t in api.json()} == expected
    mine = client.get("/api/w/ws/tenders", headers=site.bearer("mada")).json()
    assert all([i["provider"] for i in t["invited"]] == ["callmada"] for t in mine)  # not Atlas
    assert client.get("/api/w/ws/tenders", headers=site.bearer("hexa")).json() == []
    sign_in(client, "hexa")
    page = client.get("/w/ws/tenders")
    assert page.status_code == 200 and escape(translate("en", "ten.none_provider")) in page.text
    assert f">{translate('en', 'nav.tenders')}</a>" in client.get("/w/ws/").text


@pytest.mark.parametrize(
    "path",
    [
        "/tenders/sav-2026",
        "/tenders/sav-open/files/grid.xlsx",
        "/tenders/sav-2026/files/spec.docx?lang=en",
        "/tenders/nope",
        "/tenders/..%2F..%2Farbitre",
        "/tenders/%3Cscript%3E",
    ],
)
def test_a_provider_not_invited_finds_nothing_by_page_download_api_or_guessed_id(
    site: Site, client: TestClient, path: str
) -> None:
    sign_in(client, "hexa")
    page = client.get("/w/ws" + path)
    assert page.status_code == 404 and "<script>" not in page.text
    api = client.get("/api/w/ws" + path, headers=site.bearer("hexa"))
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
    assert api.json()["type"] == "/problems/not-found"


def test_a_provider_never_sees_another_providers_bid_price_grade_or_rank(
    site: Site, client: TestClient
) -> None:
    sign_in(client, "mada")
    page = ready(client, "/w/ws/tenders/sav-2026").text
    assert "callmada" in page and "Atlas" not in page and "atlas" not in page
    assert 'id="technical"' not in page and 'id="ranking-voix"' not in page
    bids = client.get("/api/w/ws/tenders/sav-2026/bids", headers=site.bearer("mada"))
    assert [b["provider"] for b in bids.json()] == ["callmada"]
    assert "prices" not in bids.text and "14.5" not in bids.text
    for path in ("/score", "/report.en.html"):
        assert client.get("/w/ws/tenders/sav-2026" + path).status_code in (403, 404)
    assert client.get("/api/w/ws/tenders/sav-2026/score", headers=site.bearer("mada")).status_code == 403
    for path, data in (
        ("/grades", {"provider": "atlas", "criterion": "x", "score": "1"}),
        ("/awards", {"lot": "voix", "provider": "callmada"}),
    ):
        assert (
            client.post(
                "/api/w/ws/tenders/sav-2026" + path, data=data, headers=site.bearer("mada")
            ).status_code
            == 403
        )


# --- the client's pages ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_client_reads_the_scope_the_bids_the_grades_and_the_ranking_in_each_language(
    site: Site, client: TestClient, lang: str
) -> None:
    set_lang(site.ws, 3, lang)  # odile, the auditor: reads, grades nothing, awards nothing
    sign_in(client, "odile")
    page = ready(client, "/w/ws/tenders/sav-2026")
    assert page.status_code == 200, page.text[:500]
    text = page.text
    assert f'<html lang="{lang}">' in text and escape(translate(lang, "ten.comparison")) in text
    for flow in ("sav-voice-fr", "orders-voice-fr", "sav-email-fr"):
        assert flow in text
    assert 'id="invited"' in text and "Call Mada" in text and "Atlas" in text
    assert 'id="ranking-voix"' in text and 'id="ranking-ecrit"' in text
    assert 'id="grade-form"' not in text and 'action="/w/ws/tenders/sav-2026/award"' not in text
    score = ready(client, "/api/w/ws/tenders/sav-2026/score", site.bearer("odile")).json()
    voix = next(lot for lot in score["lots"] if lot["lot"] == "voix")
    assert voix["recommended"] in ("callmada", "atlas")
    assert escape(f"{voix['ranking'][0]['total']:.2f}") in text  # the page shows the score's totals
    report = client.get(f"/w/ws/tenders/sav-2026/report.{lang}.html")
    assert report.status_code == 200 and "script-src" not in report.headers["content-security-policy"]


def test_before_the_deadline_no_price_is_read_shown_or_scored(site: Site, client: TestClient) -> None:
    csrf = sign_in(client, "mada")
    assert upload(client, csrf, open_grid(site, "callmada", prices={"D5": 13.75})).status_code == 303
    score = ready(client, "/api/w/ws/tenders/sav-open/score", site.bearer("alice")).json()
    assert score["sealed"] is True and all(lot["quotes"] == [] for lot in score["lots"])
    sign_in(client, "alice")
    page = ready(client, "/w/ws/tenders/sav-open").text
    assert 'id="sealed-note"' in page and "13.75" not in page and "13,75" not in page
    assert "callmada" in page  # the bid is listed, its technical part only


def test_an_evaluator_grades_with_the_rules_of_tender_evaluate_and_each_grade_is_audited(
    site: Site, client: TestClient
) -> None:
    csrf = sign_in(client, "anna")
    sent = client.post(
        "/w/ws/tenders/sav-2026/grades",
        data={"csrf_token": csrf, "provider": "atlas", "criterion": "rh", "score": "17,5"},
    )
    assert sent.status_code == 303, sent.text[:500]
    score = ready(client, "/api/w/ws/tenders/sav-2026/score", site.bearer("anna")).json()
    cell = next(c for c in score["technical"]["cells"] if c["provider"] == "atlas" and c["criterion"] == "rh")
    assert cell["grades"]["anna"] == "17.5"
    assert [e.action for e in entries(site.ws, action="tender_grade")] == ["tender_grade"]
    for bad in ("-1", "abc", "NaN", "1e999", "21", "<b>5</b>"):
        answer = client.post(
            "/w/ws/tenders/sav-2026/grades",
            data={"csrf_token": csrf, "provider": "atlas", "criterion": "rh", "score": bad},
        )
        assert answer.status_code == 422, bad
        assert "<b>5</b>" not in answer.text
    unknown = client.post(
        "/w/ws/tenders/sav-2026/grades",
        data={"csrf_token": csrf, "provider": "<script>x</script>", "criterion": "rh", "score": "3"},
    )
    assert unknown.status_code == 422 and "<script>x" not in unknown.text
    assert (
        client.post(
            "/w/ws/tenders/sav-2026/grades", data={"provider": "atlas", "criterion": "rh", "score": "3"}
        ).status_code
        == 403
    )  # no CSRF token


def test_the_admin_awards_a_lot_only_when_confirmed_and_the_award_writes_what_the_cli_writes(
    site: Site, client: TestClient
) -> None:
    csrf = sign_in(client, "anna")
    assert (
        client.post(
            "/w/ws/tenders/sav-2026/award",
            data={"csrf_token": csrf, "lot": "voix", "provider": "atlas", "confirm": "true"},
        ).status_code
        == 403
    )
    csrf = sign_in(client, "alice")
    unconfirmed = client.post(
        "/w/ws/tenders/sav-2026/award", data={"csrf_token": csrf, "lot": "voix", "provider": "atlas"}
    )
    assert unconfirmed.status_code == 422 and not (site.root / "contracts").exists()
    assert (
        client.post(
            "/w/ws/tenders/sav-2026/award", data={"lot": "voix", "provider": "atlas", "confirm": "true"}
        ).status_code
        == 403
    )
    done = client.post(
        "/w/ws/tenders/sav-2026/award",
        data={"csrf_token": csrf, "lot": "voix", "provider": "atlas", "confirm": "true"},
    )
    assert done.status_code == 303, done.text[:500]
    written = sorted(p.name for p in (site.root / "contracts").glob("*.yaml"))
    assert written and all(n.startswith("sav-2026-voix-atlas") for n in written)
    assert sorted(p.name for p in (site.root / "offers").glob("atlas-*.yaml")) == [
        "atlas-orders-voice-fr.yaml",
        "atlas-sav-voice-fr.yaml",
    ]
    (entry,) = entries(site.ws, action="tender_award")
    assert entry.actor == "alice" and entry.target == "sav-2026"


def test_an_awarded_lot_stays_awarded_for_both_parties_and_a_second_award_is_refused(
    site: Site, client: TestClient
) -> None:
    csrf = sign_in(client, "alice")
    ready(client, "/w/ws/tenders/sav-2026")  # the score computed: the award forms are shown
    done = client.post(
        "/w/ws/tenders/sav-2026/award",
        data={"csrf_token": csrf, "lot": "voix", "provider": "atlas", "confirm": "true"},
    )
    assert done.status_code == 303, done.text[:500]
    page = ready(client, "/w/ws/tenders/sav-2026").text
    when = re.search(r'id="awarded-voix"[^>]*>Lot voix awarded to ([^<]+) on (\S+ \S+) by alice\.<', page)
    assert when is not None, page[:3000]
    assert 'id="award-voix"' not in page and 'id="awarded-note-voix"' in page
    assert 'id="award-ecrit"' in page  # the other lot can still be awarded
    # A second award of the lot: refused, by the page and by the API, and nothing written again.
    contract = site.root / "contracts" / "sav-2026-voix-atlas.yaml"
    before = contract.stat().st_mtime_ns if contract.exists() else None
    again = client.post(
        "/w/ws/tenders/sav-2026/award",
        data={"csrf_token": csrf, "lot": "voix", "provider": "callmada", "confirm": "true"},
    )
    assert again.status_code == 409 and "was awarded to atlas" in again.text and "by alice" in again.text
    api = client.post(
        "/api/w/ws/tenders/sav-2026/awards",
        data={"lot": "voix", "provider": "callmada"},
        headers=site.bearer("alice"),
    )
    assert api.status_code == 409 and api.json()["type"] == "/problems/conflict"
    assert not list((site.root / "contracts").glob("sav-2026-voix-callmada*"))
    assert (contract.stat().st_mtime_ns if contract.exists() else None) == before
    assert [e.detail["provider"] for e in entries(site.ws, action="tender_award")] == ["atlas"]
    # The client's API: to whom, when, by whom; a hostile lot is refused by its field.
    (lot,) = client.get("/api/w/ws/tenders/sav-2026/awards", headers=site.bearer("odile")).json()
    assert (lot["lot"], lot["provider"], lot["awarded_by"]) == ("voix", "atlas", "alice")
    bad = client.post(
        "/api/w/ws/tenders/sav-2026/awards",
        data={"lot": "voix'; DROP TABLE tender_awards; --", "provider": "atlas"},
        headers=site.bearer("alice"),
    )
    assert bad.status_code == 422 and bad.json()["field"] == "lot"
    # The providers: the winner sees it won the lot, the other that another bidder did — neither
    # sees by whom, and the loser never sees the winner's name.
    sign_in(client, "atlas")
    mine = client.get("/w/ws/tenders/sav-2026").text
    assert "Lot voix: awarded to you" in mine and "alice" not in mine
    sign_in(client, "mada")
    theirs = client.get("/w/ws/tenders/sav-2026").text
    assert "Lot voix awarded on" in theirs and "another bidder" in theirs
    assert "atlas" not in theirs.lower() and "alice" not in theirs
    (seen,) = client.get("/api/w/ws/tenders/sav-2026", headers=site.bearer("mada")).json()["awarded"]
    assert seen["provider"] is None and seen["awarded_by"] is None and seen["recommended"] is None
    (won,) = client.get("/api/w/ws/tenders/sav-2026/awards", headers=site.bearer("atlas")).json()
    assert won["provider"] == "atlas" and won["awarded_by"] is None
    assert client.get("/api/w/ws/tenders/sav-2026/awards", headers=site.bearer("hexa")).status_code == 404


# --- the command's award: the same claim, files and audit entry as the web app's ----------------

HOSTILE_WHO = "<i>[bold]jo'; DROP TABLE tender_awards; --"


def award_by_command(site: Site, lot: str, provider: str, *more: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        cli, ["tender", "award", str(site.root), "sav-2026", "--lot", lot, "--provider", provider, *more]
    )


def written(site: Site) -> dict[Path, bytes]:
    """The offers and contracts of the workspace, byte for byte."""
    return {
        p: p.read_bytes() for folder in ("offers", "contracts") for p in (site.root / folder).rglob("*.yaml")
    }


def test_an_award_by_the_command_shows_on_the_web_as_awarded_and_a_second_one_is_refused_naming_it(
    site: Site, client: TestClient
) -> None:
    done = award_by_command(site, "voix", "atlas", "--as", HOSTILE_WHO, "--json")
    assert done.exit_code == 0, done.output
    document = json.loads(done.stdout)
    who = f"cli:{HOSTILE_WHO}"
    assert (document["lot"], document["provider"], document["awarded_by"]) == ("voix", "atlas", who)
    contracts = [Path(p) for p in document["contracts"]]
    assert contracts and all(p.parent == site.root / "contracts" and p.is_file() for p in contracts)
    assert all(p.name.startswith("sav-2026-voix-atlas") for p in contracts)
    at = datetime.fromisoformat(document["awarded_at"])
    assert abs((datetime.now(UTC) - at).total_seconds()) < 600
    # The web app sees it awarded — to whom, when, by whom — and offers no award form for it.
    (lot,) = client.get("/api/w/ws/tenders/sav-2026/awards", headers=site.bearer("alice")).json()
    assert (lot["lot"], lot["provider"], lot["awarded_by"]) == ("voix", "atlas", who)
    assert datetime.fromisoformat(lot["awarded_at"]) == at
    (stored,) = awards_of(site.ws, "sav-2026")
    assert stored.files == [
        Path(p).relative_to(site.root).as_posix() for p in document["offers"] + document["contracts"]
    ]
    sign_in(client, "alice")
    page = ready(client, "/w/ws/tenders/sav-2026").text
    assert 'id="awarded-voix"' in page and f"by {escape(who)}." in page and "<i>[bold]jo" not in page
    assert 'id="award-voix"' not in page and 'id="award-ecrit"' in page
    (entry,) = entries(site.ws, action="tender_award")
    assert (entry.actor, entry.role, entry.target) == (who, "cli", "sav-2026")
    assert (entry.detail["lot"], entry.detail["provider"]) == ("voix", "atlas")
    # A second award of the lot by the command: one line naming the first, exit 1, nothing written.
    before = written(site)
    again = award_by_command(site, "voix", "callmada")
    assert again.exit_code == 1
    (line,) = again.stderr.strip().splitlines()
    assert line == (
        f"arbitre: error: lot voix of sav-2026 was awarded to atlas on "
        f"{at.isoformat(timespec='minutes')} by {' '.join(who.split())}"
    )
    assert written(site) == before and len(entries(site.ws, action="tender_award")) == 1
    # … and by the web app: refused the same way (409 naming the command's award).
    csrf = sign_in(client, "alice")
    web = client.post(
        "/w/ws/tenders/sav-2026/award",
        data={"csrf_token": csrf, "lot": "voix", "provider": "callmada", "confirm": "true"},
    )
    assert web.status_code == 409 and "was awarded to atlas" in web.text and str(escape(who)) in web.text
    assert written(site) == before


def test_an_award_made_in_the_web_app_refuses_the_command_naming_it(site: Site, client: TestClient) -> None:
    api = client.post(
        "/api/w/ws/tenders/sav-2026/awards",
        data={"lot": "ecrit", "provider": "callmada"},
        headers=site.bearer("alice"),
    )
    assert api.status_code == 201, api.text[:500]
    before = written(site)
    refused = award_by_command(site, "ecrit", "atlas", "--json")
    assert refused.exit_code == 1 and refused.stdout == ""
    (line,) = refused.stderr.strip().splitlines()
    assert line.startswith("arbitre: error: lot ecrit of sav-2026 was awarded to callmada on ")
    assert line.endswith(" by alice")
    assert written(site) == before
    assert [e.actor for e in entries(site.ws, action="tender_award")] == ["alice"]


def test_a_failed_award_by_the_command_leaves_no_claim_and_the_lot_can_be_awarded_after(
    site: Site, client: TestClient
) -> None:
    for lot, provider, said in (
        ("voix", "hexa", "a provider who bid for lot voix"),
        ("../../etc", "atlas", "a lot of sav-2026"),
    ):
        failed = award_by_command(site, lot, provider)
        assert failed.exit_code == 1 and said in failed.stderr, failed.output
    assert client.get("/api/w/ws/tenders/sav-2026/awards", headers=site.bearer("alice")).json() == []
    assert not (site.root / "contracts").exists() and entries(site.ws, action="tender_award") == []
    done = award_by_command(site, "voix", "callmada")
    assert done.exit_code == 0, done.output
    assert "lot voix of sav-2026 awarded to callmada on " in done.stdout


# --- the provider's upload ---------------------------------------------------------------------


def test_a_provider_uploads_a_grid_with_a_bad_cell_sees_it_named_fixes_it_and_sees_its_bid(
    site: Site, client: TestClient
) -> None:
    csrf = sign_in(client, "mada")
    bad = upload(client, csrf, open_grid(site, "callmada", prices={"D5": -4}))
    assert bad.status_code == 422
    assert 'id="cell-errors"' in bad.text and "<td>D5</td>" in bad.text and "-4" in bad.text
    assert list_bids(site.ws, load_model(site.root / "tenders" / "sav-open.yaml", Tender)) == []
    good = upload(client, csrf, open_grid(site, "callmada"))
    assert good.status_code == 303
    page = client.get(good.headers["location"]).text
    assert 'id="bids"' in page and "Callmada SA" in page and 'id="done"' in page
    again = upload(client, csrf, open_grid(site, "callmada", prices={"D5": 14.0}))
    assert again.status_code == 303
    (bid,) = client.get("/api/w/ws/tenders/sav-open/bids", headers=site.bearer("mada")).json()
    assert bid["version"] == 2 and bid["provider"] == "callmada"
    assert [e.detail["version"] for e in entries(site.ws, action="tender_bid")] == [2, 1]


def test_a_grid_naming_another_bidder_or_a_late_one_is_refused(site: Site, client: TestClient) -> None:
    csrf = sign_in(client, "mada")
    other = upload(client, csrf, open_grid(site, "atlas"))
    assert other.status_code == 422 and "<td>B5</td>" in other.text and "callmada" in other.text
    late = upload(
        client,
        csrf,
        grid_of((site.root / "tenders" / "sav-2026.yaml").read_text(encoding="utf-8"), "callmada"),
        tender="sav-2026",
    )
    assert late.status_code == 422 and "late bid" in late.text
    api = client.post(
        "/api/w/ws/tenders/sav-open/bids",
        files={"file": ("x.xlsx", open_grid(site, "callmada", prices={"D5": -4}), XLSX)},
        headers=site.bearer("mada"),
    )
    assert api.status_code == 422 and api.headers["content-type"] == "application/problem+json"
    assert "D5" in api.json()["detail"]


def _macro(grid: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(grid)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["not-a-zip", "too-large", "formula", "macro", "over-long", "empty"])
def test_a_hostile_grid_is_refused_cleanly_and_nothing_is_stored(
    site: Site, client: TestClient, kind: str
) -> None:
    csrf = sign_in(client, "mada")
    data = {
        "not-a-zip": lambda: b"<html><script>alert(1)</script></html>",
        "too-large": lambda: b"PK" + b"\x00" * 6_000_000,
        "formula": lambda: open_grid(site, "callmada", prices={"D5": "=1+1"}),
        "macro": lambda: _macro(open_grid(site, "callmada")),
        "over-long": lambda: open_grid(site, "callmada", answers={"C5": "x" * 6000}),
        "empty": lambda: b"",
    }[kind]()
    answer = upload(client, csrf, data, name="../../<b>evil</b>.xlsx")
    assert answer.status_code in (413, 422), answer.text[:300]
    said = {
        "not-a-zip": "not an XLSX file",
        "too-large": "larger than the limit of 5 MB",
        "formula": "cell D5: expected a value, not a formula",
        "macro": "holds macros",
        "over-long": "cell C5: expected an answer of at most 5000 characters",
        "empty": "the file is empty",
    }[kind]
    alert = re.search(r'role="alert"[^>]*>([^<]*)', answer.text)
    assert alert is not None and alert.group(1).startswith("b_.xlsx: ") and said in alert.group(1)
    assert "uploads/bids" not in answer.text
    assert "<script>alert" not in answer.text and "<b>evil" not in answer.text
    assert "Traceback" not in answer.text and str(site.root) not in answer.text
    assert list_bids(site.ws, load_model(site.root / "tenders" / "sav-open.yaml", Tender)) == []


def test_the_specification_and_the_grid_download_as_the_service_writes_them_and_each_download_is_audited(
    site: Site, client: TestClient
) -> None:
    sign_in(client, "mada")
    grid = ready(client, "/w/ws/tenders/sav-open/files/grid.xlsx?lang=en")
    assert grid.status_code == 200 and grid.headers["content-type"] == XLSX
    assert (
        grid.content[:2] == b"PK"
        and 'filename="bid-grid-sav-open.xlsx"' in grid.headers["content-disposition"]
    )
    spec = ready(client, "/api/w/ws/tenders/sav-open/files/spec.docx", site.bearer("mada"))
    assert spec.status_code == 200 and spec.content[:2] == b"PK"
    assert client.get("/w/ws/tenders/sav-open/files/spec.exe").status_code == 422
    assert [e.target for e in entries(site.ws, action="download")] == [
        "cahier-des-charges-sav-open.docx",
        "bid-grid-sav-open.xlsx",
    ]


def test_the_score_the_api_gives_is_the_clis_json(site: Site, client: TestClient) -> None:
    api = ready(client, "/api/w/ws/tenders/sav-2026/score", site.bearer("alice"))
    assert api.status_code == 200
    run = CliRunner().invoke(cli, ["tender", "score", str(site.root), "sav-2026", "--json"])
    assert run.exit_code == 0, run.output
    mine, theirs = api.json(), json.loads(run.stdout)
    mine.pop("now"), theirs.pop("now")
    assert mine == theirs


# --- the first score and the first document, computed in the background --------------------------

JOB = re.compile(r'hx-get="/w/ws/tenders/sav-2026/jobs/([0-9a-f]{32})"')


def test_the_first_view_of_a_ranking_answers_at_once_and_its_job_computes_what_the_request_did(
    site: Site, client: TestClient
) -> None:
    sign_in(client, "alice")
    first = client.get("/w/ws/tenders/sav-2026")
    # The page did not compute the score: it shows the job queued, and no ranking yet.
    assert first.status_code == 200 and 'id="score-computing"' in first.text
    assert 'id="ranking-voix"' not in first.text and 'id="technical"' not in first.text
    found = JOB.search(first.text)
    assert found is not None
    job_id = found.group(1)
    assert 'id="award-voix"' not in first.text  # nothing to award from before the score is read
    deadline = time.monotonic() + 120
    while True:  # as the page polls it: the fragment, until it tells the page to reload
        fragment = client.get(f"/w/ws/tenders/sav-2026/jobs/{job_id}")
        assert fragment.status_code == 200
        if fragment.headers.get("HX-Refresh") == "true" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    record = client.get(f"/api/w/ws/jobs/{job_id}", headers=site.bearer("alice")).json()
    assert record["kind"] == "tender_score" and record["status"] == "done", record
    assert record["result_id"] == "sav-2026" and record["who"] == "alice"
    again = client.get("/w/ws/tenders/sav-2026").text
    assert 'id="ranking-voix"' in again and 'id="score-computing"' not in again
    # What the job kept is what the request used to compute: the service's score, now.
    kept = client.get("/api/w/ws/tenders/sav-2026/score", headers=site.bearer("alice"))
    assert kept.status_code == 200
    direct = score_tender(site.ws, "sav-2026", now=datetime.now(UTC)).model_dump(mode="json")
    mine = kept.json()
    mine.pop("now"), direct.pop("now")
    assert mine == direct


def test_the_api_answers_202_with_the_job_then_the_score_and_a_provider_polls_only_its_documents(
    site: Site, client: TestClient
) -> None:
    first = client.get("/api/w/ws/tenders/sav-2026/score", headers=site.bearer("anna"))
    assert first.status_code == 202, first.text[:300]
    job = first.json()
    assert job["kind"] == "tender_score" and first.headers["location"] == f"/api/w/ws/jobs/{job['id']}"
    assert ready(client, "/api/w/ws/tenders/sav-2026/score", site.bearer("anna")).status_code == 200
    # A provider's document: 202, then the file; the score's job is not its to read.
    spec = client.get("/api/w/ws/tenders/sav-2026/files/grid.xlsx", headers=site.bearer("mada"))
    assert spec.status_code == 202 and spec.json()["kind"] == "tender_spec"
    assert (
        ready(client, "/api/w/ws/tenders/sav-2026/files/grid.xlsx", site.bearer("mada")).content[:2] == b"PK"
    )
    sign_in(client, "mada")
    assert client.get(f"/w/ws/tenders/sav-2026/jobs/{job['id']}").status_code == 403
    assert client.get(f"/w/ws/tenders/sav-open/jobs/{job['id']}").status_code == 404  # another tender's
    assert client.get(f"/api/w/ws/jobs/{job['id']}", headers=site.bearer("mada")).status_code == 403
    sign_in(client, "hexa")
    assert client.get(f"/w/ws/tenders/sav-2026/jobs/{job['id']}").status_code == 404


# --- several grades at once ---------------------------------------------------------------------


def _graded(site: Site) -> list[str]:
    return load_model(site.root / "tenders" / "sav-2026.yaml", Tender).criteria.graded()


def _cells(score: dict[str, object]) -> dict[tuple[str, str], dict[str, str]]:
    return {(c["provider"], c["criterion"]): c["grades"] for c in score["technical"]["cells"]}  # type: ignore[index]


def test_an_evaluator_grades_all_criteria_of_a_bid_in_one_form_each_grade_audited(
    site: Site, client: TestClient
) -> None:
    criteria = _graded(site)
    csrf = sign_in(client, "anna")
    page = ready(client, "/w/ws/tenders/sav-2026").text
    assert 'id="grade-grid"' in page and f'id="grade-atlas-{criteria[0]}"' in page
    # The form as the page posts it: a cell per bidder and criterion, Atlas's column filled, one
    # cell of Call Mada's, the rest left empty.
    rows = [(p, c) for c in criteria for p in ("callmada", "atlas")]
    scores = {("atlas", c): str(10 + i) for i, c in enumerate(criteria)} | {("callmada", criteria[0]): "9,5"}
    sent = client.post(
        "/w/ws/tenders/sav-2026/grades",
        data={
            "csrf_token": csrf,
            "provider": [p for p, _ in rows],
            "criterion": [c for _, c in rows],
            "score": [scores.get(r, "") for r in rows],
            "comment": ["solid staffing plan" if r == ("atlas", criteria[0]) else "" for r in rows],
        },
    )
    assert sent.status_code == 303, sent.text[:800]
    cells = _cells(ready(client, "/api/w/ws/tenders/sav-2026/score", site.bearer("anna")).json())
    for (provider, criterion), value in scores.items():
        assert cells[(provider, criterion)]["anna"] == value.replace(",", ".")
    audited = {
        (e.detail["provider"], e.detail["criterion"], e.detail["score"])
        for e in entries(site.ws, action="tender_grade")
    }
    assert audited == {(p, c, v.replace(",", ".")) for (p, c), v in scores.items()}
    assert len(entries(site.ws, action="tender_grade")) == len(scores)  # one entry a grade


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"score": "21"}, "score"),
        ({"score": "-0.5"}, "score"),
        ({"score": "1e999"}, "score"),
        ({"score": "<b>5</b>"}, "score"),
        ({"provider": "hexa"}, "provider"),
        ({"criterion": "'; DROP TABLE tender_grades; --"}, "criterion"),
        ({"consensus": "true"}, "comment"),
    ],
)
def test_a_form_of_grades_with_one_bad_grade_lists_it_and_keeps_none(
    site: Site, client: TestClient, bad: dict[str, str], field: str
) -> None:
    criteria = _graded(site)
    csrf = sign_in(client, "alice")
    before = _cells(ready(client, "/api/w/ws/tenders/sav-2026/score", site.bearer("alice")).json())
    good = {"provider": "atlas", "criterion": criteria[0], "score": "11", "comment": ""}
    wrong = {"provider": "callmada", "criterion": criteria[1], "score": "12", "comment": ""}
    wrong |= {k: v for k, v in bad.items() if k != "consensus"}
    data: dict[str, object] = {"csrf_token": csrf, **{k: [good[k], wrong[k]] for k in good}}
    if "consensus" in bad:
        data["consensus"] = "true"
        data["comment"] = ["agreed in the meeting of 20 February", ""]
    answer = client.post("/w/ws/tenders/sav-2026/grades", data=data)
    assert answer.status_code == 422, answer.text[:500]
    table = re.search(r'<table class="narrow" id="grade-errors">.*?</table>', answer.text, re.S)
    assert (
        table is not None
        and f"<td>{field}</td>" in table.group(0)
        and '<td class="n">2</td>' in table.group(0)
    )
    assert (
        "<b>5</b>" not in answer.text
        and "DROP TABLE tender_grades; --<" not in answer.text.replace("&#39;", "'")[:0]
    )
    assert entries(site.ws, action="tender_grade") == []
    after = _cells(ready(client, "/api/w/ws/tenders/sav-2026/score", site.bearer("alice")).json())
    assert after == before


def test_the_api_takes_a_list_of_grades_as_json_checks_each_and_audits_each(
    site: Site, client: TestClient
) -> None:
    criteria = _graded(site)
    url = "/api/w/ws/tenders/sav-2026/grades"
    body = {
        "consensus": True,
        "grades": [
            {"provider": "atlas", "criterion": criteria[0], "score": 14, "comment": "meeting of 20 February"},
            {"provider": "callmada", "criterion": criteria[0], "score": "13.5", "comment": "idem"},
        ],
    }
    sent = client.post(url, json=body, headers=site.bearer("anna"))
    assert sent.status_code == 201, sent.text
    assert sent.json() == {"grades": 2}
    score = ready(client, "/api/w/ws/tenders/sav-2026/score", site.bearer("anna")).json()
    agreed = {(c["provider"], c["criterion"]): c["consensus"] for c in score["technical"]["cells"]}
    assert Decimal(agreed[("callmada", criteria[0])]) == Decimal("13.5")
    assert Decimal(agreed[("atlas", criteria[0])]) == Decimal("14")
    assert [e.detail["consensus"] for e in entries(site.ws, action="tender_grade")] == [True, True]
    for bad, field in (
        ({"grades": [{**body["grades"][0], "score": "abc"}]}, "grades.0.score"),  # type: ignore[index]
        ({"consensus": True, "grades": [{**body["grades"][1], "comment": ""}]}, "grades.0.comment"),  # type: ignore[index]
        ({"grades": [body["grades"][0], {**body["grades"][1], "provider": "hexa"}]}, "grades.1.provider"),  # type: ignore[index]
        ({"grades": [{**body["grades"][0], "evaluator": "alice"}]}, "grades.0.evaluator"),  # type: ignore[index]
        ({"grades": []}, "grades"),
    ):
        answer = client.post(url, json=bad, headers=site.bearer("anna"))
        assert answer.status_code == 422 and answer.json()["field"] == field, (bad, answer.text)
    assert len(entries(site.ws, action="tender_grade")) == 2  # nothing more kept
    assert client.post(url, json=body, headers=site.bearer("mada")).status_code == 403
    assert client.post(url, json=body, headers=site.bearer("odile")).status_code == 403


def test_two_tenders_first_views_each_get_their_own_job(site: Site, client: TestClient) -> None:
    sign_in(client, "alice")
    jobs = {}
    for tender in ("sav-2026", "sav-open"):
        page = client.get(f"/w/ws/tenders/{tender}").text
        found = re.search(rf'hx-get="/w/ws/tenders/{tender}/jobs/([0-9a-f]{{32}})"', page)
        assert found is not None, tender
        jobs[tender] = found.group(1)
    assert jobs["sav-2026"] != jobs["sav-open"]
    for tender, job_id in jobs.items():  # each polls its own job, until it is done
        deadline = time.monotonic() + 120
        while client.get(f"/w/ws/tenders/{tender}/jobs/{job_id}").headers.get("HX-Refresh") != "true":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        record = client.get(f"/api/w/ws/jobs/{job_id}", headers=site.bearer("alice")).json()
        assert record["status"] == "done" and record["result_id"] == tender
    assert 'id="ranking-voix"' in client.get("/w/ws/tenders/sav-2026").text
    assert 'id="sealed-note"' in client.get("/w/ws/tenders/sav-open").text


def test_the_report_asked_before_the_score_is_computed_shows_its_job_then_the_report(
    client: TestClient,
) -> None:
    sign_in(client, "alice")
    first = client.get("/w/ws/tenders/sav-2026/report.en.html")
    assert (
        first.status_code == 200
        and 'id="tender-job"' in first.text
        and "<h1>report.en.html</h1>" in first.text
    )
    report = ready(client, "/w/ws/tenders/sav-2026/report.en.html")
    assert report.status_code == 200 and 'id="tender-job"' not in report.text
    assert "script-src" not in report.headers["content-security-policy"]  # the report's own CSP
