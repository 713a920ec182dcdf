"""The monthly run on a small store computed by hand: exclusions, windows, credits, invoice, record.

May 2026 at the provider's site ``p:1``, every day: 100 calls at 10:00 — 75 answered after 10 s,
20 after 60 s, 5 abandoned after 30 s — and 10 e-mails answered within the hour. Two days differ:
on 10 May 200 calls come (above the band of 100 ± 15 %), all answered after 60 s; on 20 May, an
agreed force-majeure day, every call is abandoned. Both days are excluded, so the month's service
level within 20 s is 75 % on the 29 other days (target 80 %: missed) and abandonment is 5 % on
each of them (target ≤ 5 % on 90 % of the days: met). June: 90 answered after 10 s a day.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.contract.result import MonthResult
from arbitre.reports.notes import say
from arbitre.services.contracts import contract_history, load_contract, store_contract
from arbitre.services.imports import import_file
from arbitre.store.workspace import Workspace
from tests.helpers import govern_json, runs_json, write_csv

PARIS = ZoneInfo("Europe/Paris")
HEADER = (
    "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned,talk_s,hold_s,wrap_s,language"
)
CONTRACT = """\
id: small
client: {name: Client}
provider: {name: Provider, sites: ["p:1"]}
flows: [voice, mail]
start: 2026-05-01
end: 2027-04-30
pricing: {model: per_contact, rate: 2}
volumes:
  tolerance: 0.15
  default: {voice: 3100, mail: 310}
slas:
  - {name: sl, kpi: service_level, flows: [voice], threshold_s: 20, target: 0.80, weight: 0.5}
  - {name: aband, kpi: abandon_rate, flows: [voice], target: 0.05, window: day, min_share_of_windows: 0.9, weight: 0.3}
  - {name: mail, kpi: service_level, flows: [mail], threshold_s: 86400, target: 0.90, weight: 0.2}
credits: {at_risk_share: 0.10, cap_share: 0.08, earn_back: {months: 1}}
exclusions:
  volume_days: {when: always}
  periods:
    - {start: "2026-05-20T00:00:00+02:00", end: "2026-05-21T00:00:00+02:00", reason: strike}
data_protection: {country: FR}
"""


def call(i: int, day: date, *, wait: float | None, abandon_after: float | None = None) -> str:
    t0 = datetime(day.year, day.month, day.day, 10, 0, tzinfo=PARIS) + timedelta(seconds=i)
    if wait is None:
        end = t0 + timedelta(seconds=abandon_after or 30)
        return f"v{day:%m%d}-{i},voice,voice_in,p:1,{t0.isoformat()},,{end.isoformat()},true,,,,fr"
    answered = t0 + timedelta(seconds=wait)
    end = answered + timedelta(seconds=300)
    return f"v{day:%m%d}-{i},voice,voice_in,p:1,{t0.isoformat()},{answered.isoformat()},{end.isoformat()},false,240,20,40,fr"


def mail(i: int, day: date) -> str:
    t0 = datetime(day.year, day.month, day.day, 9, 0, tzinfo=PARIS) + timedelta(minutes=i)
    answered = t0 + timedelta(minutes=30)
    end = answered + timedelta(seconds=360)
    return f"m{day:%m%d}-{i},mail,email,p:1,{t0.isoformat()},{answered.isoformat()},{end.isoformat()},false,360,0,0,fr"


def may_rows() -> list[str]:
    rows = []
    for d in range(1, 32):
        day = date(2026, 5, d)
        if d == 10:
            rows += [call(i, day, wait=60) for i in range(200)]
        elif d == 20:
            rows += [call(i, day, wait=None) for i in range(100)]
        else:
            rows += [call(i, day, wait=10) for i in range(75)]
            rows += [call(75 + i, day, wait=60) for i in range(20)]
            rows += [call(95 + i, day, wait=None) for i in range(5)]
        rows += [mail(i, day) for i in range(10)]
    return rows


def june_rows() -> list[str]:
    rows = []
    for d in range(1, 31):
        day = date(2026, 6, d)
        rows += [call(i, day, wait=10) for i in range(90)] + [call(90 + i, day, wait=60) for i in range(10)]
        rows += [mail(i, day) for i in range(10)]
    return rows


@pytest.fixture
def small(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "ws", name="Small")
    import_file(ws, write_csv(tmp_path / "may.csv", HEADER, may_rows()))
    (tmp_path / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    store_contract(ws, tmp_path / "contract.yaml", who="test")
    yield ws
    ws.close()


def test_the_month_is_refereed_as_computed_by_hand(small: Workspace) -> None:
    (d,) = govern_json(small, month="2026-05", today=date(2026, 6, 5))
    slas = {s["name"]: s for s in d["slas"]}
    # Exclusions: 10 May for volume (200 > 100 × 1.15), 20 May for the agreed period.
    assert [(e["flow"], e["day"]) for e in d["exclusions"]["days"]] == [("voice", "2026-05-10")]
    assert slas["sl"]["contacts"] == 29 * 100 and slas["sl"]["excluded_contacts"] == 300
    assert slas["sl"]["actual"] == pytest.approx(0.75) and slas["sl"]["met"] is False
    assert slas["aband"]["windows"] == {"total": 29, "met": 29, "excluded": 2}
    assert slas["aband"]["actual"] == 1.0 and slas["aband"]["met"] is True
    assert slas["aband"]["month_value"] == pytest.approx(0.05)
    assert slas["mail"]["actual"] == 1.0 and slas["mail"]["met"] is True
    # Fees: 2 € a handled contact — 29 × 95 + 200 calls and 310 e-mails = 3,265 → 6,530 €.
    assert d["units"]["contacts_handled"] == 3265 and d["fees"] == "6530.00"
    # At risk 10 %: 653 €; the service level weighs 50 %: 326.50 €, under the cap of 522.40 €.
    assert (d["at_risk"], d["cap"]) == ("653.00", "522.40")
    assert slas["sl"]["credit"] == "326.50" and d["credits_total"] == "326.50"
    assert d["net_fees"] == "6203.50"
    assert d["complete"] is True and d["data_through"] == "2026-05-31"


def test_the_next_month_met_earns_the_credit_back(small: Workspace, tmp_path: Path) -> None:
    govern_json(small, month="2026-05", today=date(2026, 6, 5))
    import_file(small, write_csv(tmp_path / "june.csv", HEADER, june_rows()))
    (june,) = govern_json(small, month="2026-06", today=date(2026, 7, 5))
    sl = next(s for s in june["slas"] if s["name"] == "sl")
    assert sl["actual"] == pytest.approx(0.9) and sl["met"] is True
    assert june["earn_back"] == [
        {
            "month": "2026-05",
            "sla": "sl",
            "amount": "326.50",
            "status": "returned",
            "decided_in": "2026-06",
            "closes": "2026-06",
        }
    ]
    assert june["earned_back_total"] == "326.50"
    assert Decimal(june["net_fees"]) == Decimal(june["fees"]) + Decimal("326.50")
    assert [t["month"] for t in june["trend"]] == ["2026-05", "2026-06"]


def test_a_month_to_date_run_neither_settles_nor_charges_for_good(small: Workspace, tmp_path: Path) -> None:
    import_file(small, write_csv(tmp_path / "june.csv", HEADER, june_rows()))
    # May run on 20 May: its credit is provisional, so June's run does not count it.
    govern_json(small, month="2026-05", today=date(2026, 5, 20))
    (june,) = govern_json(small, month="2026-06", today=date(2026, 7, 5))
    assert june["earn_back"] == []
    # May refereed whole: its credit is open; June run mid-month leaves it pending.
    govern_json(small, month="2026-05", today=date(2026, 6, 5))
    (mid,) = govern_json(small, month="2026-06", today=date(2026, 6, 20))
    assert [(e["status"], e["decided_in"]) for e in mid["earn_back"]] == [("pending", None)]
    assert mid["earned_back_total"] == "0.00"


def test_running_a_month_again_gives_the_same_figures_and_keeps_both_runs(small: Workspace) -> None:
    (first,) = govern_json(small, month="2026-05", today=date(2026, 6, 5), who="a")
    (again,) = govern_json(small, month="2026-05", today=date(2026, 6, 5), who="b")
    assert first["run"]["inputs_sha256"] == again["run"]["inputs_sha256"]
    assert {k: v for k, v in first.items() if k != "run"} == {k: v for k, v in again.items() if k != "run"}
    assert runs_json(small, "small")[-1]["run"]["who"] == "b"


def test_the_invoice_is_checked_line_by_line(small: Workspace, tmp_path: Path) -> None:
    invoice = write_csv(
        tmp_path / "invoice.csv",
        "flow,unit,band,quantity,unit_price,amount",
        ["voice,contact,,3000,2.00,6000.00", "mail,contact,,310,2,620.00", "voice,contact,weekend,0,2.50,0"],
    )
    (d,) = govern_json(small, month="2026-05", invoice=invoice, today=date(2026, 6, 5))
    inv = d["invoice"]
    flags = {x["item"]: x for x in inv["differences"]}
    assert flags["contact voice"]["flag"] == "over" and flags["contact voice"]["difference"] == "45"
    assert flags["contact mail"]["flag"] == "ok"
    # 3,000 calls billed against the 2,955 handled; 310 mails against 310.
    computed = {(c["unit"], c["flow"]): c["quantity"] for c in inv["computed"]}
    assert computed == {("contact", "voice"): "2955", ("contact", "mail"): "310"}
    assert flags["total"]["billed"] == "6620.00" and flags["total"]["flag"] == "over"
    assert any(x["flag"] == "price" for x in inv["differences"])  # 2.50 where the contract says 2
    # Run again without the invoice: the one given with the month still stands.
    (again,) = govern_json(small, month="2026-05", today=date(2026, 6, 5))
    assert again["invoice"]["billed_total"] == "6620.00" and again["invoice"]["file"] == str(invoice)


def test_a_bad_invoice_line_is_named(small: Workspace, tmp_path: Path) -> None:
    invoice = write_csv(tmp_path / "bad.csv", "flow,unit,quantity,amount", ["voice,minutes,10,20"])
    result = CliRunner().invoke(
        app, ["govern", str(small.root), "--month", "2026-05", "--invoice", str(invoice)]
    )
    assert result.exit_code == 1
    assert "bad.csv, line 2, field unit" in result.stderr
    nan = write_csv(tmp_path / "nan.csv", "flow,unit,quantity,amount", ["voice,contact,NaN,20"])
    result = CliRunner().invoke(app, ["govern", str(small.root), "--month", "2026-05", "--invoice", str(nan)])
    assert result.exit_code == 1
    assert "nan.csv, line 2, field quantity" in result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("kpi: abandon_rate", "kpi: abandonment"), "line 13, field slas.1.kpi"),
        (
            ("weight: 0.2}", "weight: 0.25}"),
            "line 11, field slas: the SLAs' weights (their shares of the amount at risk) add up to 1.05, expected 1",
        ),
        (("end: 2027-04-30", "end: 2027-02-30"), "line 6, field end"),
    ],
)
def test_a_wrong_contract_is_refused_with_its_line_and_the_stored_one_is_unchanged(
    small: Workspace, tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CONTRACT.replace(*change), encoding="utf-8")
    result = CliRunner().invoke(app, ["contract", str(small.root), str(bad)])
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    contract, version = load_contract(small, "small")
    assert version == 1 and contract.slas[1].kpi == "abandon_rate"
    assert len(contract_history(small, "small")) == 1


def test_a_changed_contract_is_a_new_version_with_its_changes(small: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(CONTRACT.replace("target: 0.80", "target: 0.85"), encoding="utf-8")
    result = CliRunner().invoke(app, ["contract", str(small.root), str(path), "--as", "buyer", "--json"])
    assert result.exit_code == 0, result.output
    stored = json.loads(result.stdout)
    assert stored["version"] == 2
    assert stored["changes"] == [{"field": "slas.0.target", "before": 0.8, "after": 0.85}]
    (d,) = govern_json(small, month="2026-05", today=date(2026, 6, 5))
    assert d["contract_version"] == 2 and d["slas"][0]["target"] == 0.85


def test_the_govern_command_prints_json_and_a_table(small: Workspace) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["govern", str(small.root), "--month", "2026-05", "--json"])
    assert result.exit_code == 0, result.output
    (doc,) = json.loads(result.stdout)
    for key in ("contract", "month", "fees", "at_risk", "slas", "credits_total", "bonus_total", "invoice"):
        assert key in doc
    assert {"name", "kpi", "target", "actual", "met", "credit"} <= set(doc["slas"][0])
    table = runner.invoke(app, ["govern", str(small.root), "--month", "2026-05"])
    assert table.exit_code == 0 and "MISSED" in table.stdout
    bad = runner.invoke(app, ["govern", str(small.root), "--month", "2026-13"])
    assert bad.exit_code == 1 and "--month" in bad.stderr
    outside = runner.invoke(app, ["govern", str(small.root), "--month", "2025-05"])
    assert outside.exit_code == 1 and "no contract in force" in outside.stderr


def test_part_way_through_the_month_each_sla_is_projected(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws", name="Small")
    try:
        first_half = [r for r in may_rows() if r.split(",")[0][1:5] <= "0514"]
        import_file(ws, write_csv(tmp_path / "may.csv", HEADER, first_half))
        (tmp_path / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
        store_contract(ws, tmp_path / "contract.yaml")
        (d,) = govern_json(ws, month="2026-05", today=date(2026, 5, 15))
    finally:
        ws.close()
    assert d["complete"] is False and d["data_through"] == "2026-05-14"
    warnings = {w["sla"]: w for w in d["warnings"]}
    # 75 % so far on 1,300 calls (13 days, the 10th excluded); 1,700 calls expected on the 17 days
    # left: (0.8 × 3,000 − 975) ÷ 1,700 = 83.8 % needed — possible, but better than so far.
    assert warnings["sl"]["status"] == "at_risk"
    assert warnings["sl"]["needed"] == pytest.approx((0.8 * 3000 - 975) / 1700, abs=1e-3)
    assert warnings["mail"]["status"] == "on_track"
    # The note is a code with its figures; the words are the reports'.
    assert warnings["sl"]["note"]["code"] == "watch.needed" and warnings["sl"]["note"]["noun"] == "calls"
    (sl,) = [w for w in MonthResult.model_validate(d).warnings if w.sla == "sl"]
    assert "1,700 calls left" in say(sl.note, "en")
