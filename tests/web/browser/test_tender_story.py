"""The tender and quality pages in a real browser, on the demo workspace (scale 0.05): the client
reads the demo's tender scored and its lots awarded; Call Mada, invited, uploads a bid with a bad
cell to a tender still open, sees the cell named, fixes it and sees its bid; the quality page on
both sides (docs/web.md's screenshots)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app as cli
from arbitre.domain.tender import Tender
from arbitre.yamlio import load_model
from tests.demo.conftest import BuiltDemo
from tests.tender.grids import blank, complete, fill
from tests.web.browser.conftest import serving
from tests.web.browser.test_demo_story import Demo
from tests.web.test_tender import open_tender

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(small_demo: BuiltDemo, tmp_path: Path) -> Iterator[Demo]:
    """A copy of the small demo with a second tender, ``sav-open``: the demo's, its bids due in 2099."""
    root = tmp_path / "demo"
    shutil.copytree(small_demo.folder, root)
    text = (root / "tenders" / "sav-2026.yaml").read_text(encoding="utf-8")
    (root / "tenders" / "sav-open.yaml").write_text(open_tender(text), encoding="utf-8")
    with serving(root) as url:
        yield Demo(root, url)


def demo_grid(root: Path, **prices: object) -> bytes:
    """Call Mada's grid for ``sav-open`` (its two flows), ``prices`` set over a complete answer."""
    tender = load_model(root / "tenders" / "sav-open.yaml", Tender)
    cells = complete("callmada-tana")
    cells["bidder"]["B8"] = ", ".join(lot.id for lot in tender.all_lots())
    for sheet in ("prices", "productivity"):  # the example's third flow has no row here
        cells[sheet] = {k: v for k, v in cells[sheet].items() if not k.endswith("7")}
    cells["prices"].update(prices)
    return fill(blank(tender), cells)


def test_the_client_reads_the_demos_tender_scored_as_the_cli_scores_it_and_its_lots_awarded(
    demo: Demo, page, shots: Path
) -> None:  # type: ignore[no-untyped-def]
    run = CliRunner().invoke(cli, ["tender", "score", str(demo.root), "sav-2026", "--json"])
    assert run.exit_code == 0, run.output
    score = json.loads(run.stdout)
    demo.log_in(page, "direction")
    page.click("nav >> text=Tenders")
    page.click("#tenders >> text=sav-2026")
    page.wait_for_url(f"{demo.url}/w/demo/tenders/sav-2026")
    # The first view computes the score in the background: the page polls its job and reloads.
    page.wait_for_selector(f"#ranking-{score['lots'][0]['lot']}", timeout=120_000)
    assert page.locator("#bids tbody tr").count() == len(score["bidders"])
    for lot in score["lots"]:
        rows = page.locator(f"#ranking-{lot['lot']} tbody tr")
        assert rows.count() == len(lot["ranking"])
        first = rows.nth(0).locator("td")
        assert first.nth(5).inner_text() == f"{lot['ranking'][0]['total']:.2f}"
        assert lot["recommended"] == "callmada-tana"
        assert "Call Mada" in page.locator(f"#recommended-{lot['lot']}").inner_text()
    page.screenshot(path=str(shots / "web-tender.png"), full_page=True)
    # The demo awarded both lots: they stay awarded (to whom, when, by whom), no award form left.
    for lot in score["lots"]:
        note = page.locator(f"#awarded-note-{lot['lot']}").inner_text()
        assert "Call Mada" in note and "2026-03-06" in note and "arbitre demo" in note
        assert page.locator(f"#award-{lot['lot']}").count() == 0
    assert (demo.root / "contracts" / "sav-2026-voix-callmada-tana.yaml").exists()


def test_an_invited_provider_uploads_a_bid_sees_its_bad_cell_fixes_it_and_sees_its_bid(
    demo: Demo, page, shots: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    demo.log_in(page, "callmada")
    page.click("nav >> text=Tenders")
    assert page.locator("#tenders tbody tr").count() == 2  # invited to both
    page.click("#tenders >> text=sav-open")
    assert page.locator("#ranking-voix").count() == 0 and page.locator("#technical").count() == 0
    bad = tmp_path / "offre-callmada.xlsx"
    bad.write_bytes(demo_grid(demo.root, D5=-4))
    page.set_input_files("#bid-form input[name=file]", str(bad))
    page.click("#send-bid")
    page.wait_for_selector("#cell-errors")
    assert "D5" in page.locator("#cell-errors").inner_text()
    assert page.locator("#bids").count() == 0
    page.screenshot(path=str(shots / "web-tender-bid-refused.png"), full_page=True)
    good = tmp_path / "offre-callmada-v2.xlsx"
    good.write_bytes(demo_grid(demo.root, D5=15.5))
    page.set_input_files("#bid-form input[name=file]", str(good))
    page.click("#send-bid")
    page.wait_for_selector("#done")
    assert page.locator("#bids tbody tr").count() == 1
    assert "callmada-tana" in page.locator("#bids").inner_text()
    assert "15.5" not in page.content()  # its price is sealed even from its own page
    page.screenshot(path=str(shots / "web-tender-bid.png"), full_page=True)


def test_the_quality_page_shows_the_client_the_checks_and_the_provider_its_own_months(
    demo: Demo, page, shots: Path
) -> None:  # type: ignore[no-untyped-def]
    demo.log_in(page, "direction")
    page.click("nav >> text=Quality")
    assert page.locator("#grids tbody tr").count() >= 1
    assert page.locator("section[id^=run-]").count() >= 1
    page.screenshot(path=str(shots / "web-quality.png"), full_page=True)
    demo.log_in(page, "callmada")
    page.click("nav >> text=Quality")
    assert page.locator("section[id^=month-callmada-2026-]").count() >= 1
