"""The steering-committee report says what a committee needs, in one language.

The small store of tests/contract/test_govern.py with survey answers added (every fifth answered
call, a 5 one time in two: 19 answers a day in May, 10 of them 4 or 5) and a contract that has
every part: a CSAT SLA, an SLA on a channel and hours, a bonus, reversibility, a provider
outside the EEA, certifications, audits and committees.

By hand: May's CSAT is computed over 29 × 19 = 551 survey answers (the calls of 10 May, above
their band, and the 20th, on strike, excluded) out of 3,200 contacts of the contract's flows
(29 days of 100 calls, 30 days of 10 e-mails); 10 ÷ 19 = 52.6 % are 4 or 5. June: 3,300 contacts handled at 2 €, fees 6,600 €, a bonus pool of 2 % = 132 €; the e-mails
beat their bonus target (100 % ≥ 99 %), the calls do not (90 % < 95 %): the e-mail SLA's fixed
half of the pool, 66 €, is paid, the other half is not passed on.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.reports.governance_format import day_label, days_text
from arbitre.services.contracts import store_contract
from arbitre.services.copil import copil, open_actions, render_copil
from arbitre.services.govern import govern
from arbitre.services.imports import import_file
from arbitre.store.workspace import Workspace
from tests.contract.test_govern import CONTRACT, HEADER, june_rows, may_rows, write_csv
from tests.reports.language_check import foreign_words

RICH = (
    CONTRACT.replace(
        "  - {name: sl, kpi: service_level, flows: [voice], threshold_s: 20, target: 0.80, weight: 0.5}",
        "  - {name: sl, kpi: service_level, flows: [voice], channels: [voice_in], hours: {mon-sun: '08:00-20:00'},"
        " threshold_s: 20, target: 0.80, weight: 0.4, bonus_target: 0.95}\n"
        "  - {name: csat, kpi: csat, target: 0.5, weight: 0.1}",
    )
    .replace(
        "  - {name: mail, kpi: service_level, flows: [mail], threshold_s: 86400, target: 0.90, weight: 0.2}",
        "  - {name: mail, kpi: service_level, flows: [mail], threshold_s: 86400, target: 0.90, weight: 0.2,"
        " bonus_target: 0.99}",
    )
    .replace(
        "credits: {at_risk_share: 0.10, cap_share: 0.08, earn_back: {months: 1}}",
        "credits: {at_risk_share: 0.10, cap_share: 0.08, earn_back: {months: 1}, bonus_pool_share: 0.02}",
    )
    .replace(
        "data_protection: {country: FR}",
        """reversibility: {notice_months: 6, transition_months: 3, assets: [scripts, knowledge_base, data, training_material], exit_fee: 5000}
audit: {per_year: 1, notice_days: 30}
data_protection:
  dpa_signed: 2026-04-02
  country: MA
  transfer_mechanism: standard_contractual_clauses
  certifications: [{name: ISO 27001, expires: 2026-09-30}]
committees:
  - {name: Comité de pilotage, cadence: monthly, day: 10, attendees: [responsable de compte]}
  - {name: Point hebdo, cadence: weekly, weekday: tue}""",
    )
)
DATA = [
    "voice",
    "mail",
    "sl",
    "aband",
    "csat",
    "small",
    "Small",
    "Provider",
    "Client",
    "strike",
    "Comité de pilotage",
    "responsable de compte",
    "Point hebdo",
    "ISO 27001",
    "test",
]


def with_surveys(rows: list[str]) -> list[str]:
    """Every fifth answered call gets a survey answer: 5 when its index is a multiple of 10, else 3."""
    out = []
    for row in rows:
        index = int(row.split(",")[0].rpartition("-")[2])
        answered = ",false," in row and row.startswith("v")
        out.append(row + ("," + ("5" if index % 10 == 0 else "3") if answered and index % 5 == 0 else ","))
    return out


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("rich")
    ws = Workspace.init(root / "ws", name="Small")
    import_file(ws, write_csv(root / "may.csv", HEADER + ",csat", with_surveys(may_rows())))
    import_file(ws, write_csv(root / "june.csv", HEADER + ",csat", with_surveys(june_rows())))
    (root / "contract.yaml").write_text(RICH, encoding="utf-8")
    store_contract(ws, root / "contract.yaml", who="test")
    govern(ws, month="2026-05", today=date(2026, 6, 5), who="test")
    govern(ws, month="2026-06", today=date(2026, 7, 6), who="test")
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def may(workspace: Workspace) -> dict[str, Any]:
    (report,) = copil(workspace, month="2026-05", today=date(2026, 6, 5))
    return report


@pytest.fixture(scope="module")
def june(workspace: Workspace) -> dict[str, Any]:
    (report,) = copil(workspace, month="2026-06", today=date(2026, 7, 6))
    return report


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("month", ["may", "june"])
def test_each_report_is_written_in_one_language_without_internal_codes(
    month: str, lang: str, request: pytest.FixtureRequest
) -> None:
    """Before: ``voice_in``, ``mon-sun: 08:00-20:00``, ``knowledge_base``, ``logged_hour`` and
    decimal points in the French report; internal codes in the English one."""
    html = render_copil(request.getfixturevalue(month), lang=lang)
    assert foreign_words(html, lang, names=DATA) == []


def test_csat_is_counted_in_survey_answers_not_contacts(may: dict[str, Any]) -> None:
    """Before: "41,866 contacts counted" for the CSAT of the demo's June (about 6,200 answers)."""
    csat = next(s for s in may["document"]["slas"] if s["name"] == "csat")
    assert (csat["counted"], csat["counted_unit"], csat["contacts"]) == (551, "survey_answers", 3200)
    assert csat["actual"] == pytest.approx(10 / 19)
    html = render_copil(may, lang="fr")
    assert "551 réponses à l&#39;enquête" in html
    assert "551 survey answers" in render_copil(may, lang="en")


def test_the_bonus_wording_describes_the_rule_that_paid(june: dict[str, Any]) -> None:
    """Before: "shared between the SLAs that beat their bonus target", which reads as the whole
    pool going to the one SLA that beat it; each has a fixed share."""
    d = june["document"]
    assert (d["fees"], d["bonus_pool"], d["bonus_total"]) == ("6600.00", "132.00", "66.00")
    en = render_copil(june, lang="en")
    assert "each SLA with a bonus target has a fixed share of it, paid when it reaches that target" in en
    assert "sl 50% (≥ 95.0%) and mail 50% (≥ 99.0%)" in en and "a share not earned is not paid" in en
    assert "This month: sl 90.0% against ≥ 95.0%: €0.00; mail 100.0% against ≥ 99.0%: €66.00." in en
    assert "shared between the SLAs that beat" not in en
    fr = render_copil(june, lang="fr")
    assert "mail 100,0\u202f% pour ≥ 99,0\u202f% : 66,00\u00a0€" in fr


def test_the_report_has_reversibility_data_protection_audits_and_committees(june: dict[str, Any]) -> None:
    fr = render_copil(june, lang="fr")
    for heading in ("Engagements du contrat", "Réversibilité", "Protection des données", "Audits", "Comités"):
        assert f">{heading}</h" in fr
    assert "scripts, base de connaissances, données et supports de formation" in fr
    assert "frais de sortie : 5\u202f000,00\u00a0€" in fr
    assert "Accord de traitement des données signé le 2 avril 2026" in fr
    assert "hors de l&#39;EEE (Maroc) : transfert encadré par les clauses contractuelles types" in fr
    # Contract year 1 May 2026 – 30 April 2027: announce the audit by 31 March 2027.
    assert "dernier jour pour annoncer un audit, le 31 mars 2027 (dans 268 jours)" in fr
    assert "chaque mois, le 10" in fr and "10 juillet 2026" in fr and "chaque semaine, le mardi" in fr
    assert (
        "ISO 27001" in fr
        and "86" in _row(fr, "30 septembre 2026")
        and "valide" in _row(fr, "30 septembre 2026")
    )


def test_the_report_shows_the_aht_trend_and_the_provider_s_staffing(june: dict[str, Any]) -> None:
    """Every call is talk 240 + hold 20 + wrap 40 = 300 s, every e-mail 360 s; one agent id per
    row is not given, so no agent is counted."""
    en = render_copil(june, lang="en")
    row = _row(en, ">voice</td><td>5 min")
    assert row.count("5 min 00 s") == 2  # May and June
    staffing = {f["flow"]: f for f in june["document"]["staffing"]}
    # June: 3,000 calls × 300 s = 250 productive hours; 300 e-mails × 360 s = 30 hours.
    assert (staffing["voice"]["productive_hours"], staffing["mail"]["productive_hours"]) == (
        "250.00",
        "30.00",
    )
    assert "The provider&#39;s staffing and handling time" in en and "250.00" in _row(
        en, ">voice</td><td>0</td>"
    )


def test_days_above_their_band_are_explained_with_the_figures(may: dict[str, Any]) -> None:
    """10 May: 200 calls against a top of 115 (3,100 ÷ 31 × 1.15); the contract excludes every
    day above its band."""
    fr = render_copil(may, lang="fr")
    assert "tout jour au-dessus de sa bande (prévision du jour + 15\u202f%) est exclu" in fr
    row = _row(fr, "10 mai 2026</td>")
    assert "115,0" in row and "200" in row and "oui" in row


def test_the_calendar_counts_from_the_run_date_the_report_states(june: dict[str, Any]) -> None:
    """Before: the header gave the day the run was recorded while the days left were counted from
    another date; the ISO 27001 expiry of 30 September, 86 days after the run of 6 July, is
    upcoming — not overdue."""
    fr = render_copil(june, lang="fr")
    assert (
        "au 6 juillet 2026" in fr
        and "Jours restants comptés au 6 juillet 2026, date de l&#39;exécution" in fr
    )
    certification = next(o for o in june["document"]["obligations"] if o["kind"] == "certification")
    assert (certification["date"], certification["days_left"], certification["severity"]) == (
        "2026-09-30",
        86,
        "info",
    )


def test_each_action_asks_the_right_party(may: dict[str, Any]) -> None:
    kinds = [(a["kind"], a["owner"]) for a in open_actions(may)]
    assert ("remediation", "provider") in kinds and ("earn_back", "provider") in kinds


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_govern_command_speaks_one_language(workspace: Workspace, lang: str) -> None:
    result = CliRunner().invoke(app, ["govern", str(workspace.root), "--month", "2026-05", "--lang", lang])
    assert result.exit_code == 0, result.output
    assert foreign_words(result.stdout, lang, names=[*DATA, "SLA"]) == []
    bad = CliRunner().invoke(app, ["govern", str(workspace.root), "--month", "2026-05", "--lang", "de"])
    assert bad.exit_code == 1 and "--lang" in bad.stderr


def _row(html: str, text: str) -> str:
    at = html.index(text)
    return html[html.rindex("<tr", 0, at) : html.index("</tr>", at)]


def test_the_first_of_the_month_is_written_the_french_way() -> None:
    assert (
        day_label("2025-01-01", "fr") == "1er janvier 2025"
        and day_label("2025-01-01", "en") == "1 January 2025"
    )
    assert days_text(["2026-05-01", "2026-05-02"], "fr") == "1er et 2 mai 2026"
