"""The contract's calendar on small cases computed by hand, and on the worked example."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import arbitre
from arbitre.contract.obligations import Obligation, PendingCredit, add_months, obligations, term_ends
from arbitre.domain.contract import Contract
from arbitre.domain.month import Month
from arbitre.reports.notes import say
from arbitre.yamlio import load_model

EXAMPLE = Path(arbitre.__file__).parent / "examples" / "contracts" / "callmada-2026.yaml"


def contract(**fields: Any) -> Contract:
    """A one-year contract over 2026, not renewed, with no notice, committee, certification, audit or
    reversibility notice unless given."""
    base: dict[str, Any] = {
        "id": "c",
        "client": {"name": "Client"},
        "provider": {"name": "Provider", "sites": ["p:1"]},
        "flows": ["voice"],
        "start": "2026-01-01",
        "end": "2026-12-31",
        "renewal": {"automatic": False, "notice_days": 0},
        "pricing": {"model": "per_contact", "rate": 2},
        "slas": [{"name": "sl", "kpi": "service_level", "target": 0.8, "weight": 1}],
        "audit": {"per_year": 0},
        "reversibility": {"notice_months": 0},
        "data_protection": {"country": "FR"},
    }
    return Contract.model_validate({**base, **fields})


def dates(items: list[Obligation], kind: str) -> list[date]:
    return [o.date for o in items if o.kind == kind]


# --- committees ------------------------------------------------------------------------------


def test_a_weekly_committee_meets_on_its_weekday_from_today() -> None:
    c = contract(committees=[{"name": "Ops", "cadence": "weekly", "weekday": "tue"}])
    # Wednesday 2026-03-04 → Tuesdays 10, 17, 24 and 31 March within 27 days
    got = obligations(c, today=date(2026, 3, 4), horizon_days=27)
    assert dates(got, "committee") == [
        date(2026, 3, 10),
        date(2026, 3, 17),
        date(2026, 3, 24),
        date(2026, 3, 31),
    ]


def test_a_monthly_committee_meets_on_its_day_including_today() -> None:
    c = contract(committees=[{"name": "COPIL", "cadence": "monthly", "day": 10}])
    got = obligations(c, today=date(2026, 3, 10), horizon_days=61)  # through 10 May
    assert dates(got, "committee") == [date(2026, 3, 10), date(2026, 4, 10), date(2026, 5, 10)]
    assert got[0].days_left == 0 and got[0].severity == "soon"
    assert got[-1].severity == "info"  # 61 days


def test_a_quarterly_committee_meets_in_january_april_july_and_october() -> None:
    c = contract(committees=[{"name": "Strat", "cadence": "quarterly", "day": 20}])
    got = obligations(c, today=date(2026, 1, 21), horizon_days=300)
    assert dates(got, "committee") == [date(2026, 4, 20), date(2026, 7, 20), date(2026, 10, 20)]


def test_committees_stay_within_the_term() -> None:
    c = contract(
        start="2026-02-15",
        committees=[{"name": "COPIL", "cadence": "monthly", "day": 10}],
    )
    # Before the start: the first meeting is 10 March. Without tacit renewal, none after 31 Dec.
    assert dates(obligations(c, today=date(2026, 1, 1), horizon_days=80), "committee") == [date(2026, 3, 10)]
    assert dates(obligations(c, today=date(2026, 12, 1), horizon_days=90), "committee") == [
        date(2026, 12, 10)
    ]


def test_with_tacit_renewal_committees_go_on_after_the_end() -> None:
    c = contract(renewal={"automatic": True}, committees=[{"name": "COPIL", "cadence": "monthly", "day": 10}])
    got = dates(obligations(c, today=date(2026, 12, 1), horizon_days=45), "committee")
    assert got == [date(2026, 12, 10), date(2027, 1, 10)]


# --- certifications --------------------------------------------------------------------------


def certified(*expiries: str) -> Contract:
    return contract(
        data_protection={
            "country": "FR",
            "certifications": [{"name": f"C{i}", "expires": e} for i, e in enumerate(expiries)],
        }
    )


def test_an_expired_certification_is_overdue_whatever_the_horizon() -> None:
    got = obligations(certified("2026-05-31"), today=date(2026, 6, 10), horizon_days=0)
    assert [(o.kind, o.date, o.severity, o.days_left) for o in got] == [
        ("certification", date(2026, 5, 31), "overdue", -10)
    ]
    assert "expired on 31 May 2026" in say(got[0].what, "en")


def test_a_certification_is_soon_within_30_days_info_within_the_horizon_absent_beyond() -> None:
    got = obligations(certified("2026-07-10", "2026-08-10", "2026-12-31"), today=date(2026, 6, 10))
    assert [(o.date, o.severity, o.days_left) for o in got] == [
        (date(2026, 7, 10), "soon", 30),
        (date(2026, 8, 10), "info", 61),
    ]


# --- notice, reversibility, end --------------------------------------------------------------


def rolling(**renewal: Any) -> Contract:
    """Ends 2027-03-31, tacitly renewed by 12 months, 90 days' notice."""
    return contract(
        start="2026-04-01", end="2027-03-31", renewal={"automatic": True, "period_months": 12, **renewal}
    )


def test_the_notice_deadline_is_the_terms_end_minus_the_notice_days() -> None:
    # 2027-03-31 − 90 days = 2026-12-31
    got = obligations(rolling(notice_days=90), today=date(2026, 12, 1), horizon_days=120)
    assert [(o.date, o.kind, o.severity) for o in got] == [
        (date(2026, 12, 31), "notice", "soon"),
        (date(2027, 3, 31), "contract_end", "info"),
    ]
    assert "renews until 31 March 2028" in say(got[0].what, "en")


def test_once_the_term_has_ended_tacit_renewal_rolls_to_the_next_term() -> None:
    # Current term: 2027-04-01 → 2028-03-31; its notice deadline 2028-03-31 − 90 days = 2028-01-01 (2028 is leap)
    assert term_ends(rolling(notice_days=90), today=date(2027, 6, 1), until=date(2027, 9, 29)) == [
        date(2028, 3, 31)
    ]
    got = obligations(rolling(notice_days=90), today=date(2027, 9, 1), horizon_days=122)
    assert [(o.date, o.kind) for o in got] == [(date(2028, 1, 1), "notice")]


def test_a_passed_notice_deadline_is_overdue_until_the_term_ends() -> None:
    got = obligations(rolling(notice_days=90), today=date(2027, 1, 15), horizon_days=30)
    assert [(o.date, o.kind, o.severity, o.days_left) for o in got] == [
        (date(2026, 12, 31), "notice", "overdue", -15)
    ]
    assert say(got[0].what, "en").endswith("unless notice was given, the contract renews until 31 March 2028")


def test_without_tacit_renewal_the_contract_ends_and_nothing_follows() -> None:
    c = contract(renewal={"automatic": False, "notice_days": 30})
    got = obligations(c, today=date(2026, 11, 1), horizon_days=120)
    assert [(o.date, o.kind) for o in got] == [
        (date(2026, 12, 1), "notice"),
        (date(2026, 12, 31), "contract_end"),
    ]
    assert "no tacit renewal" in say(got[1].what, "en")
    assert obligations(c, today=date(2027, 1, 1)) == []


def test_the_reversibility_notice_is_the_end_minus_its_months_within_the_horizon() -> None:
    c = rolling(notice_days=30).model_copy(
        update={"reversibility": contract().reversibility.model_copy(update={"notice_months": 6})}
    )
    # 2027-03-31 − 6 months = 2026-09-30
    got = obligations(c, today=date(2026, 9, 1), horizon_days=60)
    assert [(o.date, o.kind, o.severity) for o in got] == [(date(2026, 9, 30), "notice", "soon")]
    assert "reversibility notice (6 months)" in say(got[0].what, "en")
    assert obligations(c, today=date(2026, 6, 1), horizon_days=60) == []


# --- earn-back and audit ---------------------------------------------------------------------


def test_an_earn_back_window_closing_in_the_horizon_is_listed_with_its_amount() -> None:
    pending = [
        PendingCredit(Month("2026-03"), "sl", Decimal("1209.87"), date(2026, 6, 30)),
        PendingCredit(Month("2026-01"), "sl", Decimal("10"), date(2026, 4, 30)),  # passed: the run settles it
    ]
    got = obligations(contract(), today=date(2026, 6, 1), horizon_days=60, earn_back=pending)
    assert [(o.date, o.kind, o.severity) for o in got] == [(date(2026, 6, 30), "earn_back", "soon")]
    assert (
        say(got[0].what, "fr")
        == "fin de la fenêtre de restitution du crédit de mars 2026 sur sl (1\u202f209,87\u00a0€)"
    )
    assert say(got[0].what, "en") == "earn-back window closes for the March 2026 credit on sl (€1,209.87)"


def test_the_audit_right_reminder_is_the_contract_years_last_day_minus_the_notice() -> None:
    c = rolling(notice_days=0).model_copy(
        update={"audit": contract().audit.model_copy(update={"per_year": 2})}
    )
    # Contract year 2026-04-01 → 2027-03-31; announce by 2027-03-31 − 15 days = 2027-03-16
    got = obligations(c, today=date(2027, 3, 1), horizon_days=20)
    assert [(o.date, o.kind) for o in got] == [(date(2027, 3, 16), "audit")]
    assert "2 a year, 15 days' notice" in say(got[0].what, "en")
    # the next one a year later, on the renewed term
    assert dates(obligations(c, today=date(2027, 4, 1), horizon_days=365), "audit") == [date(2028, 3, 16)]


def test_no_audit_reminder_without_audit_rights() -> None:
    assert dates(obligations(contract(), today=date(2026, 12, 1), horizon_days=60), "audit") == []


# --- horizon and order -----------------------------------------------------------------------


def test_the_horizon_bounds_everything_but_what_is_overdue() -> None:
    c = certified("2026-05-01", "2026-06-05").model_copy(
        update={"committees": contract(committees=[{"name": "X", "cadence": "monthly", "day": 5}]).committees}
    )
    got = obligations(c, today=date(2026, 6, 1), horizon_days=3)
    assert [(o.date, o.kind) for o in got] == [(date(2026, 5, 1), "certification")]
    got = obligations(c, today=date(2026, 6, 1), horizon_days=4)
    assert [(o.date, o.kind) for o in got] == [
        (date(2026, 5, 1), "certification"),
        (date(2026, 6, 5), "certification"),
        (date(2026, 6, 5), "committee"),
    ]


def test_a_negative_horizon_is_refused() -> None:
    with pytest.raises(ValueError):
        obligations(contract(), today=date(2026, 1, 1), horizon_days=-1)


def test_months_are_added_on_the_last_day_of_a_shorter_month() -> None:
    assert add_months(date(2026, 8, 31), 1) == date(2026, 9, 30)
    assert add_months(date(2027, 1, 31), -2) == date(2026, 11, 30)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


# --- the worked example ----------------------------------------------------------------------


def test_the_example_lists_the_iso_27001_expiry_as_soon_and_the_next_monthly_committee() -> None:
    c = load_model(EXAMPLE, Contract)
    got = obligations(c, today=date(2026, 9, 1))
    iso = [o for o in got if o.kind == "certification"]
    assert [(o.date, o.severity, o.days_left) for o in iso] == [(date(2026, 9, 30), "soon", 29)]
    monthly = [o for o in got if o.kind == "committee" and "mensuel" in say(o.what, "fr")]
    assert monthly[0].date == date(2026, 9, 10)
    assert got == sorted(got, key=lambda o: o.date)
    # three weeks earlier the expiry is still 41 days away: info
    early = obligations(c, today=date(2026, 8, 20))
    assert [(o.date, o.severity) for o in early if o.kind == "certification"] == [(date(2026, 9, 30), "info")]


def test_a_certification_is_overdue_only_after_its_expiry_and_counts_days_from_the_run_date() -> None:
    """The demo's ISO 27001 expires on 30 September 2026: upcoming on the run of 6 July (86 days),
    due that day (0 days, soon), overdue the next day — whatever the month refereed."""
    c = load_model(EXAMPLE, Contract)

    def iso(today: date) -> tuple[int, str, str]:
        o = next(
            x for x in obligations(c, today=today) if x.kind == "certification" and "ISO" in say(x.what, "en")
        )
        return o.days_left, o.severity, say(o.what, "en")

    assert iso(date(2026, 7, 6))[:2] == (86, "info")
    assert iso(date(2026, 9, 30)) == (
        0,
        "soon",
        "ISO 27001 certification expires: ask for the renewed certificate",
    )
    assert iso(date(2026, 10, 1))[:2] == (-1, "overdue")
