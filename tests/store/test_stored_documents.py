"""Documents stored by earlier releases still load, whole: the decision and the governance months.

The fixtures in ``tests/fixtures/stored``:

- ``decision-v1``, ``month-v1-*``: what the release before issue 10 (no ``schema_version``)
  recorded for the demo at scale 0.05 (its decision, its three governance months; the invoice
  paths made relative);
- ``month-v2-2026-06``: a month of schema version 2 (its notes sentences in French and English),
  made by the code of that release on the workspace `sentences_workspace` builds — June 2026
  refereed on 15 June, half-way through, on an invoice with every kind of line, after May refereed
  whole (so it holds warnings, an obligations calendar with a pending earn-back, and an invoice
  check with every note the run wrote; the invoice path made relative).

Each is stored in a fresh workspace's app database as that release wrote it, read back through the
store's queries, and must come out with every key and every value it had, under the current schema
version: the sentences of versions 1 and 2 as ``said`` notes, written back exactly as stored.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from arbitre.contract.notes import SaidAsStored
from arbitre.contract.result import MonthResult
from arbitre.decision.document import DecisionDocument
from arbitre.errors import InputError
from arbitre.reports.notes import say
from arbitre.services.contracts import store_contract
from arbitre.services.govern import govern
from arbitre.services.imports import import_file
from arbitre.store.appdb import DecisionRecord, GovernanceRun, session_scope
from arbitre.store.decisions import latest_decision
from arbitre.store.governance import recorded_months, refereed_whole
from arbitre.store.workspace import Workspace
from tests.contract.test_govern import HEADER, june_rows, may_rows
from tests.helpers import write_csv

STORED = Path(__file__).resolve().parents[1] / "fixtures" / "stored"


def stored(name: str) -> str:
    return gzip.decompress((STORED / name).read_bytes()).decode("utf-8")


def same(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two JSON values differ (numbers compared as numbers: a score 0 reads back as 0.0)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [
            d
            for k in sorted(set(a) | set(b))
            for d in same(a.get(k, "<absent>"), b.get(k, "<absent>"), f"{path}.{k}")
        ]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items, {len(b)} read back"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in same(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} stored, {b!r} read back"]


#: Where a stored month holds sentences (``{"fr", "en"}``, or one plain string): (list, key).
NOTES = (
    ("invoice.differences", "note"),
    ("invoice.computed", "note"),
    ("warnings", "note"),
    ("obligations", "what"),
)


def items(doc: dict[str, Any], path: str) -> list[dict[str, Any]]:
    part: Any = doc
    for key in path.split("."):
        part = (part or {}).get(key)
    return list(part or [])


def with_said(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` (a stored month's JSON) with each sentence as the ``said`` note that keeps it."""
    out = json.loads(json.dumps(doc))
    for path, key in NOTES:
        for item in items(out, path):
            text = item[key]
            fr, en = (text["fr"], text["en"]) if isinstance(text, dict) else (text, text)
            item[key] = {"code": "said", "fr": fr, "en": en}
    return out


def store_month(
    ws: Workspace, text: str, *, run_id: str, month: str, contract_id: str = "callmada-2026"
) -> None:
    with session_scope(ws.engine) as session:
        session.add(
            GovernanceRun(
                id=run_id,
                contract_id=contract_id,
                contract_version=1,
                month=month,
                created_at=datetime(2026, 7, 6, 10, int(month[-2:]), tzinfo=UTC),
                who="arbitre demo",
                inputs_sha256="0" * 64,
                invoice=None,
                result=text,
            )
        )


def test_a_decision_stored_by_the_previous_release_reads_back_whole(workspace: Workspace) -> None:
    text = stored("decision-v1.json.gz")
    assert "schema_version" not in json.loads(text)
    with session_scope(workspace.engine) as session:
        session.add(
            DecisionRecord(
                id="v1",
                created_at=datetime(2026, 7, 6, tzinfo=UTC),
                who="arbitre demo",
                inputs_sha256="0" * 64,
                recommended="optimised",
                document=text,
            )
        )
    document = latest_decision(workspace)
    assert document is not None and document.schema_version == DecisionDocument.SCHEMA_VERSION
    assert document.recommended_scenario.savings_npv > 0
    expected = json.loads(text) | {"schema_version": DecisionDocument.SCHEMA_VERSION}
    assert same(expected, document.model_dump(mode="json")) == []
    # What the current release writes, it reads as written.
    assert DecisionDocument.read(document.write()) == document


def test_a_document_from_a_newer_release_or_not_an_object_is_refused_in_one_line() -> None:
    newer = json.loads(stored("decision-v1.json.gz")) | {
        "schema_version": DecisionDocument.SCHEMA_VERSION + 1
    }
    with pytest.raises(InputError, match="newer release"):
        DecisionDocument.read(json.dumps(newer))
    with pytest.raises(InputError, match="not a JSON object"):
        DecisionDocument.read("[1, 2]")


def test_the_months_stored_by_the_previous_release_read_back_whole(workspace: Workspace) -> None:
    texts = {m: stored(f"month-v1-{m}.json.gz") for m in ("2026-04", "2026-05", "2026-06")}
    for month, text in texts.items():
        assert "schema_version" not in json.loads(text)
        store_month(workspace, text, run_id=f"v1-{month}", month=month)
    months = recorded_months(workspace, "callmada-2026")
    assert [m.month for m in months] == ["2026-04", "2026-05", "2026-06"]
    for month, result in zip(texts.values(), months, strict=True):
        assert result.schema_version == MonthResult.SCHEMA_VERSION
        expected = with_said(json.loads(month)) | {"schema_version": MonthResult.SCHEMA_VERSION}
        assert same(expected, result.model_dump(mode="json")) == []
        assert MonthResult.read(result.write()) == result
    june = months[-1]
    # Typed as stored: money in Decimal, the month a Month, the SLAs by name.
    assert june.net_fees == Decimal("15225.00") and june.month.number == 6
    answer = june.sla("answer-30s")
    assert answer is not None and answer.met is True and answer.bonus == Decimal("225.00")
    assert refereed_whole(workspace, "callmada-2026") == [("2026-04", 1), ("2026-05", 1), ("2026-06", 1)]


# --- schema version 2: sentences where version 3 holds codes -----------------------------------

SENTENCES_CONTRACT = """\
id: small
client: {name: Client}
provider: {name: Provider, sites: ["p:1"]}
flows: [voice, mail]
start: 2025-09-01
end: 2026-08-31
renewal: {automatic: true, period_months: 12, notice_days: 180}
reversibility: {notice_months: 2}
audit: {per_year: 2, notice_days: 15}
pricing: {model: per_contact, rate: 2}
volumes:
  tolerance: 0.15
  default: {voice: 3100, mail: 310}
slas:
  - {name: sl, kpi: service_level, flows: [voice], threshold_s: 20, target: 0.80, weight: 0.4}
  - {name: aband, kpi: abandon_rate, flows: [voice], target: 0.05, window: day, min_share_of_windows: 0.9, weight: 0.3}
  - {name: mail, kpi: service_level, flows: [mail], threshold_s: 86400, target: 0.90, weight: 0.2}
  - {name: asa, kpi: asa_s, flows: [voice], target: 15, weight: 0.1}
credits: {at_risk_share: 0.10, cap_share: 0.08, earn_back: {months: 2}}
exclusions:
  volume_days: {when: always}
  periods:
    - {start: "2026-05-20T00:00:00+02:00", end: "2026-05-21T00:00:00+02:00", reason: strike}
data_protection:
  country: FR
  certifications:
    - {name: ISO 27001, expires: 2026-06-01}
    - {name: PCI DSS, expires: 2026-09-01}
committees:
  - {name: Point hebdo, cadence: weekly, weekday: tue, attendees: [superviseurs, chef de plateau]}
  - {name: COPIL, cadence: monthly, day: 10}
"""
SENTENCES_INVOICE = [
    "flow,unit,band,quantity,unit_price,amount",
    "voice,contact,,1450,2.00,2900.00",
    "voice,contact,weekend,0,2.50,0",
    "mail,contact,,140,2,280.00",
    "voice,logged_hour,day,150,,0",
    "voice,logged_hour,evening,1,,0",
    "voice,productive_hour,,120,,0",
    "voice,outcome,,12,,0",
    "other,contact,,5,2,10.00",
]


def sentences_workspace(tmp_path: Path) -> tuple[Workspace, MonthResult]:
    """The workspace the v2 fixture was made on, and June 2026 refereed on it by this release:
    May (tests.contract.test_govern's) refereed whole on 5 June, then June's first fortnight
    imported and June refereed on 15 June with an invoice (`SENTENCES_INVOICE`)."""
    ws = Workspace.init(tmp_path / "ws", name="Small")
    import_file(ws, write_csv(tmp_path / "may.csv", HEADER, may_rows()))
    (tmp_path / "contract.yaml").write_text(SENTENCES_CONTRACT, encoding="utf-8")
    store_contract(ws, tmp_path / "contract.yaml", who="test")
    govern(ws, month="2026-05", today=date(2026, 6, 5), who="test")
    first_half = [r for r in june_rows() if r.split(",")[0][1:5] <= "0614"]
    import_file(ws, write_csv(tmp_path / "june.csv", HEADER, first_half))
    invoice = tmp_path / "invoice.csv"
    invoice.write_text("\n".join(SENTENCES_INVOICE) + "\n", encoding="utf-8")
    (june,) = govern(ws, month="2026-06", today=date(2026, 6, 15), invoice=invoice, who="test")
    return ws, june.model_copy(
        update={"invoice": june.invoice and june.invoice.model_copy(update={"file": "invoice.csv"})}
    )


def test_a_month_stored_with_sentences_reads_back_whole_and_says_them_as_stored(workspace: Workspace) -> None:
    text = stored("month-v2-2026-06.json.gz")
    stored_json = json.loads(text)
    assert stored_json["schema_version"] == 2
    store_month(workspace, text, run_id="v2-2026-06", month="2026-06", contract_id="small")
    (month,) = recorded_months(workspace, "small")
    assert month.schema_version == MonthResult.SCHEMA_VERSION == 3
    expected = with_said(stored_json) | {"schema_version": MonthResult.SCHEMA_VERSION}
    assert same(expected, month.model_dump(mode="json")) == []
    assert MonthResult.read(month.write()) == month
    # Every sentence is written back, in each language, exactly as it was stored.
    said = [getattr(item, key) for path, key in NOTES for item in getattr_path(month, path)]
    stored_texts = [item[key] for path, key in NOTES for item in items(stored_json, path)]
    assert len(said) == len(stored_texts) == 32  # 10 invoice checks, 5 computed, 4 warnings, 13 dates
    assert all(isinstance(note, SaidAsStored) for note in said)
    assert [(say(note, "fr"), say(note, "en")) for note in said] == [(t["fr"], t["en"]) for t in stored_texts]


def test_the_codes_say_what_the_sentences_of_the_previous_release_said(tmp_path: Path) -> None:
    """The same month refereed by this release holds codes, not sentences; written by the
    reports, each says word for word what version 2 stored, in French and in English — and every
    other figure of the month is the one version 2 recorded."""
    ws, june = sentences_workspace(tmp_path)
    ws.close()
    v2 = json.loads(stored("month-v2-2026-06.json.gz"))
    now = june.model_dump(mode="json")
    codes = sorted({item[key]["code"] for path, key in NOTES for item in items(now, path)})
    assert "said" not in codes and len(codes) == 20
    for path, key in NOTES:
        old, new = items(v2, path), getattr_path(june, path)
        assert len(old) == len(new), path
        for before, item in zip(old, new, strict=True):
            note = getattr(item, key)
            assert (say(note, "fr"), say(note, "en")) == (before[key]["fr"], before[key]["en"]), path
    # Apart from the notes (and the run's own record), the month is the one version 2 recorded.
    strip = {"run", "schema_version"}
    assert (
        same(
            {k: v for k, v in with_said(v2).items() if k not in strip},
            {k: v for k, v in with_said_from_codes(now, v2).items() if k not in strip},
        )
        == []
    )


def getattr_path(month: MonthResult, path: str) -> list[Any]:
    if path.startswith("invoice."):
        return list(getattr(month.invoice, path.split(".")[1])) if month.invoice else []
    return list(getattr(month, path))


def with_said_from_codes(now: dict[str, Any], v2: dict[str, Any]) -> dict[str, Any]:
    """``now`` with each code replaced by the sentence version 2 stored at its place (the
    sentences are compared one by one above): what is left to compare is every other figure."""
    out = json.loads(json.dumps(now))
    for path, key in NOTES:
        for item, before in zip(items(out, path), items(v2, path), strict=True):
            item[key] = {"code": "said", "fr": before[key]["fr"], "en": before[key]["en"]}
    return out
