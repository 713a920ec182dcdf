"""One KPI registry (`arbitre.domain.kpis.KPIS`): the contract's SLA KPIs, the watch, the charts,
the CLI and the reports' words all read it, so a KPI added there is known everywhere."""

from __future__ import annotations

import typing

from arbitre.cli.output import fmt_kpi
from arbitre.contract.sla import KPI_BASIS
from arbitre.contract.watch import RATIO_KPIS
from arbitre.domain.contract import KPI_DIRECTIONS, Sla
from arbitre.domain.kpis import KPI_NAMES, KPIS, SCORE_KPIS, SECONDS_KPIS, SHARE_KPIS, SLA_KPIS
from arbitre.reports import governance_charts
from arbitre.reports.i18n import t


def test_an_sla_may_target_exactly_the_registry_s_kpis_with_a_better_side() -> None:
    assert set(typing.get_args(Sla.model_fields["kpi"].annotation)) == set(SLA_KPIS)
    assert KPI_DIRECTIONS == {k: KPIS[k].better for k in SLA_KPIS}
    assert set(KPI_BASIS) == set(SLA_KPIS) and all(KPI_BASIS[k] == KPIS[k].basis for k in SLA_KPIS)


def test_every_sla_kpi_has_its_name_definition_and_basis_in_both_languages() -> None:
    for name in SLA_KPIS:
        for lang in ("fr", "en"):
            for key in (f"kpi.{name}", f"kpidef.{name}", f"basis.{KPIS[name].basis}"):
                assert t(key, lang) != key, (key, lang)


def test_the_watch_projects_the_shares_of_contacts_and_the_charts_read_units_from_the_registry() -> None:
    assert RATIO_KPIS == {"service_level", "abandon_rate", "fcr", "repeat_rate_7d", "csat"}
    assert governance_charts.SECONDS == SECONDS_KPIS == {"asa_s", "aht_s"}
    assert governance_charts.SCORES == SCORE_KPIS
    assert SHARE_KPIS | SECONDS_KPIS | SCORE_KPIS | {k for k in KPI_NAMES if KPIS[k].kind == "count"} == set(
        KPI_NAMES
    )


def test_the_cli_writes_each_kpi_by_its_unit() -> None:
    assert fmt_kpi("service_level", 0.8123) == "81.2%"
    assert fmt_kpi("aht_s", 386.4) == "386 s" and fmt_kpi("asa_s", 14760) == "4.1 h"
    assert fmt_kpi("nps", 21.84) == "21.8" and fmt_kpi("offered", 59699) == "59,699"
    assert fmt_kpi("outside_hours", 8780) == "8,780" and fmt_kpi("csat", None) == "—"
