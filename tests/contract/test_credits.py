"""Credits, cap, earn-back and bonus on small cases computed by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from arbitre.contract.credits import MonthCredits, PastMonth, SlaOutcome, month_credits
from arbitre.domain.contract import Contract
from arbitre.domain.month import Month

D = Decimal


def contract(**credits: Any) -> Contract:
    """Three SLAs weighing 50 %, 30 % and 20 % of the amount at risk."""
    return Contract.model_validate(
        {
            "id": "c",
            "client": {"name": "Client"},
            "provider": {"name": "Provider", "sites": ["p:1"]},
            "flows": ["voice"],
            "start": "2026-01-01",
            "end": "2027-12-31",
            "pricing": {"model": "per_contact", "rate": 2},
            "slas": [
                {"name": "sl", "kpi": "service_level", "target": 0.8, "weight": 0.5, "bonus_target": 0.9},
                {"name": "aband", "kpi": "abandon_rate", "target": 0.05, "weight": 0.3},
                {"name": "csat", "kpi": "csat", "target": 0.8, "weight": 0.2, "bonus_target": 0.9},
            ],
            "credits": {"at_risk_share": 0.10, "cap_share": 0.08, **credits},
            "data_protection": {"country": "FR"},
        }
    )


def run(
    c: Contract,
    month: str,
    fees: str,
    history: list[PastMonth] | None = None,
    complete: bool = True,
    **met: Any,
) -> MonthCredits:
    outcomes = {}
    for name in ("sl", "aband", "csat"):
        value = met.get(name, True)
        outcomes[name] = SlaOutcome(value if value != "bonus" else True, beat_bonus=value == "bonus")
    return month_credits(
        c, month=Month(month), fees=D(fees), outcomes=outcomes, history=history or [], complete=complete
    )


def test_each_missed_sla_costs_its_weight_of_the_amount_at_risk() -> None:
    # Fees 100,000: at risk 10,000; the service level missed costs 50 % of it.
    r = run(contract(), "2026-03", "100000", sl=False)
    assert r.at_risk == D("10000.00") and r.cap == D("8000.00")
    assert r.per_sla["sl"].credit == D("5000.00") and r.per_sla["aband"].credit == 0
    assert r.credits_total == D("5000.00") and r.net_fees == D("95000.00")


def test_credits_never_exceed_the_cap_and_are_reduced_pro_rata() -> None:
    # SL and abandon missed: 5,000 + 3,000 = 8,000 before the cap of 8,000 — exactly at it.
    at_cap = run(contract(), "2026-03", "100000", sl=False, aband=False)
    assert at_cap.credits_total == D("8000.00")
    # All three missed: 10,000 before the cap, × 0.8 → 4,000 + 2,400 + 1,600.
    over = run(contract(), "2026-03", "100000", sl=False, aband=False, csat=False)
    assert over.credits_before_cap == D("10000.00") and over.credits_total == D("8000.00")
    assert [over.per_sla[n].credit for n in ("sl", "aband", "csat")] == [
        D("4000.00"),
        D("2400.00"),
        D("1600.00"),
    ]


def test_the_cap_is_exact_to_the_cent_when_the_proportions_do_not_divide() -> None:
    # Fees 33,333.33: at risk 3,333.33; credits 1,666.67 + 1,000.00 + 666.67 = 3,333.34 before the
    # cap of 2,666.67: reduced by 2,666.67 ÷ 3,333.34, the cents add up to the cap exactly.
    r = run(contract(), "2026-03", "33333.33", sl=False, aband=False, csat=False)
    assert r.credits_before_cap == D("3333.34")
    assert r.credits_total == r.cap == D("2666.67")
    assert all(r.per_sla[n].credit <= r.per_sla[n].credit_before_cap for n in r.per_sla)


def test_an_sla_without_contacts_is_neither_met_nor_missed() -> None:
    r = run(contract(), "2026-03", "100000", sl=None)
    assert r.credits_total == 0


def test_a_credit_is_earned_back_only_when_the_next_months_are_all_met() -> None:
    c = contract(earn_back={"months": 2})
    march = PastMonth(Month("2026-03"), {"sl": False, "aband": True, "csat": True}, {"sl": D("5000.00")})
    april = PastMonth(Month("2026-04"), {"sl": True, "aband": True, "csat": True}, {})
    # April met: still pending in April's run.
    pending = run(c, "2026-04", "100000", history=[march])
    (e,) = pending.earn_back
    assert (e.status, e.decided_in, e.closes) == ("pending", None, "2026-05")
    assert pending.earned_back_total == 0
    # May met too: returned in May's run, added to May's net fees.
    returned = run(c, "2026-05", "100000", history=[march, april])
    (e,) = returned.earn_back
    assert (e.status, e.decided_in, e.amount) == ("returned", "2026-05", D("5000.00"))
    assert returned.earned_back_total == D("5000.00") and returned.net_fees == D("105000.00")
    # Once returned, a later month does not return it again.
    june = run(c, "2026-06", "100000", history=[march, april, PastMonth(Month("2026-05"), {"sl": True}, {})])
    assert june.earn_back == () and june.earned_back_total == 0


def test_a_credit_is_forfeited_when_a_following_month_misses() -> None:
    c = contract(earn_back={"months": 3})
    march = PastMonth(Month("2026-03"), {"sl": False}, {"sl": D("5000.00")})
    april = PastMonth(Month("2026-04"), {"sl": True}, {})
    r = run(c, "2026-05", "100000", history=[march, april], sl=False)
    forfeited = [e for e in r.earn_back if e.month == "2026-03"]
    assert [(e.status, e.decided_in) for e in forfeited] == [("forfeited", "2026-05")]
    assert r.earned_back_total == 0
    # May's own miss is a new credit, with its own window.
    assert r.per_sla["sl"].credit == D("5000.00")


def test_a_month_still_running_settles_no_earn_back() -> None:
    # March's credit closes with May. A run on 12 May sees May met so far, or missed so far:
    # neither returns nor forfeits it; the run after the month's end does.
    c = contract(earn_back={"months": 2})
    march = PastMonth(Month("2026-03"), {"sl": False}, {"sl": D("5000.00")})
    april = PastMonth(Month("2026-04"), {"sl": True}, {})
    for so_far in (True, False):
        mid = run(c, "2026-05", "100000", history=[march, april], complete=False, sl=so_far)
        assert [(e.status, e.decided_in) for e in mid.earn_back] == [("pending", None)]
        assert mid.earned_back_total == 0
    whole = run(c, "2026-05", "100000", history=[march, april])
    assert [(e.status, e.decided_in) for e in whole.earn_back] == [("returned", "2026-05")]


def test_the_bonus_goes_to_slas_beating_their_bonus_target_only_in_a_clean_month() -> None:
    c = contract(bonus_pool_share=0.03, bonus_cap_share=0.02)
    # Pool 3,000 shared equally by the two SLAs with a bonus target: 1,500 each; both beat it →
    # 3,000 capped at 2,000 (1,000 each).
    both = run(c, "2026-03", "100000", sl="bonus", csat="bonus")
    assert both.bonus_pool == D("3000.00") and both.bonus_total == D("2000.00")
    one = run(c, "2026-03", "100000", sl="bonus")
    assert one.per_sla["sl"].bonus == D("1500.00") and one.bonus_total == D("1500.00")
    # A missed SLA the same month: no bonus (bonus/malus).
    assert run(c, "2026-03", "100000", sl="bonus", aband=False).bonus_total == 0


def test_a_cap_above_the_amount_at_risk_is_refused() -> None:
    with pytest.raises(ValueError, match="cap_share"):
        contract(cap_share=0.2)


def test_a_credit_is_settled_under_the_earn_back_terms_of_the_version_that_charged_it() -> None:
    """A later version without earn-back (or with another window) must not forfeit a credit
    charged under earn-back terms: March's 5,000 € on sl, charged with a one-month window, is
    returned by April's met service level even though April runs under a version with none."""
    march = PastMonth(
        Month("2026-03"), {"sl": False, "aband": True, "csat": True}, {"sl": D(5000)}, earn_back_months=1
    )
    april = run(contract(), "2026-04", "100000", history=[march])  # the version in force: no earn-back
    assert [(e.sla, e.status, e.decided_in) for e in april.earn_back] == [("sl", "returned", "2026-04")]
    assert april.earned_back_total == D(5000)
    # A credit charged under a version without earn-back is final, whatever later versions say.
    final = PastMonth(
        Month("2026-03"), {"sl": False, "aband": True, "csat": True}, {"sl": D(5000)}, earn_back_months=0
    )
    assert run(contract(earn_back={"months": 1}), "2026-04", "100000", history=[final]).earn_back == ()


def test_a_credit_whose_sla_a_later_version_dropped_is_left_to_the_parties() -> None:
    """April runs under a version without ``aband``: March's credit on it can be neither returned
    nor forfeited by the figures; when its window closes it is ``to_settle``."""
    march = PastMonth(
        Month("2026-03"), {"sl": True, "aband": False, "csat": True}, {"aband": D(3000)}, earn_back_months=2
    )
    april = PastMonth(Month("2026-04"), {"sl": True, "csat": True}, {}, earn_back_months=2)
    may = run(contract(earn_back={"months": 2}), "2026-05", "100000", history=[march, april])
    assert [(e.sla, e.status, e.decided_in) for e in may.earn_back] == [("aband", "to_settle", "2026-05")]
    assert may.earned_back_total == 0
    # Missed in a month that measured it, it is forfeited as before.
    missed = run(contract(earn_back={"months": 2}), "2026-04", "100000", history=[march], aband=False)
    assert [(e.sla, e.status, e.decided_in) for e in missed.earn_back] == [("aband", "forfeited", "2026-04")]
