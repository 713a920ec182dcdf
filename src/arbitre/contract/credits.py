"""Service credits and bonus of one month, with earn-back: the money side of the SLAs.

The mechanics (docs/governance.md, with worked examples):

- **At risk**: ``at_risk_share`` × the month's fees. Each missed SLA costs the provider its
  ``weight`` of that amount (the weights add up to 1, so missing every SLA puts it all at risk).
- **Cap**: the month's credits never exceed ``cap_share`` × the fees; above it, every credit is
  reduced in the same proportion (to the cent, the total exactly the cap).
- **Earn-back**: a credit charged in month m on an SLA is returned to the provider in month
  m + N when the SLA is met in each of the N following months (N = ``earn_back.months``); it is
  forfeited as soon as the SLA is missed (or cannot be measured) in one of them; it is pending
  until then. The terms are those of the contract version that charged the credit: a later
  version (another N, no earn-back at all) never changes the fate of a credit already charged. A
  month refereed under a version without the SLA can neither return nor forfeit it: when its
  window closes the credit is ``to_settle`` — the parties decide it, Arbitre does not guess.
- **Bonus**: ``bonus_pool_share`` × the fees is shared between the SLAs that beat their
  ``bonus_target``, by their bonus weights, up to ``bonus_cap_share`` × the fees; no bonus in a
  month with a missed SLA when ``bonus_only_if_all_met`` (bonus/malus: a month is either).

An SLA that could not be measured (no contact in its scope after exclusions) is neither met nor
missed: no credit and no bonus. Earning a credit back needs the SLA proved met, so an unmeasured
month in the earn-back window forfeits the credit (the conservative reading).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from arbitre.costing.money import ZERO, cents
from arbitre.domain.contract import Contract
from arbitre.domain.month import Month


@dataclass(frozen=True)
class SlaOutcome:
    """What the month's evaluation says of one SLA."""

    met: bool | None  # None: nothing to measure in its scope this month
    beat_bonus: bool = False


@dataclass(frozen=True)
class PastMonth:
    """An earlier month's results, as recorded: each SLA of its contract version met or not,
    each credit charged, and the earn-back months of that version (0: none; None: as the
    contract passed to `month_credits`)."""

    month: Month
    met: Mapping[str, bool | None]
    credits: Mapping[str, Decimal]
    earn_back_months: int | None = None


@dataclass(frozen=True)
class EarnBack:
    """A credit of an earlier month and what becomes of it in this month's run."""

    month: Month
    sla: str
    amount: Decimal
    status: str  # returned, pending, forfeited, to_settle
    decided_in: Month | None  # the month whose run settled it
    closes: Month  # the month whose result decides it at the latest


@dataclass(frozen=True)
class SlaCredit:
    credit_before_cap: Decimal
    credit: Decimal
    bonus: Decimal


@dataclass(frozen=True)
class MonthCredits:
    """The money of one month: credits, earn-back, bonus, and the fees net of them all."""

    fees: Decimal
    at_risk: Decimal
    cap: Decimal
    per_sla: dict[str, SlaCredit]
    credits_before_cap: Decimal
    credits_total: Decimal
    earn_back: tuple[EarnBack, ...]
    earned_back_total: Decimal
    bonus_pool: Decimal
    bonus_total: Decimal

    @property
    def net_fees(self) -> Decimal:
        return self.fees - self.credits_total + self.earned_back_total + self.bonus_total


class BonusShare(BaseModel):
    """One SLA's fixed share of the bonus pool and what earns it."""

    model_config = ConfigDict(frozen=True)

    sla: str
    share: Decimal
    bonus_target: float
    kpi: str
    direction: str
    window: str
    min_share_of_windows: float


class BonusRule(BaseModel):
    """The bonus rule as `month_credits` applies it: the pool (a share of the fees), its cap,
    each SLA's fixed share — paid when the SLA beats its bonus target, not passed on to the
    others when it does not — and whether a missed SLA withholds every share."""

    model_config = ConfigDict(frozen=True)

    pool_share: Decimal
    cap_share: Decimal | None
    only_if_all_met: bool
    shares: list[BonusShare]


def bonus_rule(contract: Contract) -> BonusRule:
    """The contract's bonus rule, from the same weights `month_credits` pays by."""
    slas = {s.name: s for s in contract.slas}
    return BonusRule(
        pool_share=contract.credits.bonus_pool_share,
        cap_share=contract.credits.bonus_cap_share,
        only_if_all_met=contract.credits.bonus_only_if_all_met,
        shares=[
            BonusShare(
                sla=name,
                share=share,
                bonus_target=slas[name].bonus_target or 0.0,
                kpi=slas[name].kpi,
                direction=slas[name].better,
                window=slas[name].window,
                min_share_of_windows=slas[name].min_share_of_windows,
            )
            for name, share in contract.bonus_weights().items()
        ],
    )


def month_credits(
    contract: Contract,
    *,
    month: Month,
    fees: Decimal,
    outcomes: Mapping[str, SlaOutcome],
    history: Sequence[PastMonth] = (),
    complete: bool = True,
) -> MonthCredits:
    """The credits, earn-back and bonus of ``month`` given its SLA outcomes and the earlier months.

    ``history`` holds the recorded months before ``month`` (any order; later months ignored).
    A month still running (``complete`` False: a month-to-date run) settles no earn-back: its
    outcomes so far neither return nor forfeit an earlier credit.
    """
    terms = contract.credits
    at_risk = cents(fees * terms.at_risk_share)
    cap = cents(fees * terms.cap_share)
    raw = {
        s.name: cents(at_risk * s.weight) if outcomes.get(s.name, SlaOutcome(None)).met is False else ZERO
        for s in contract.slas
    }
    capped = _scale_to(raw, cap)
    missed_any = any(o.met is False for o in outcomes.values())
    pool = cents(fees * terms.bonus_pool_share)
    weights = contract.bonus_weights()
    bonus_raw = {
        name: cents(pool * w)
        if outcomes.get(name, SlaOutcome(None)).beat_bonus
        and outcomes[name].met
        and not (missed_any and terms.bonus_only_if_all_met)
        else ZERO
        for name, w in weights.items()
    }
    bonus_cap = cents(fees * terms.bonus_cap_share) if terms.bonus_cap_share is not None else None
    bonus = _scale_to(bonus_raw, bonus_cap) if bonus_cap is not None else bonus_raw
    earn = earn_back(contract, month=month, outcomes=outcomes, history=history, complete=complete)
    per_sla = {s.name: SlaCredit(raw[s.name], capped[s.name], bonus.get(s.name, ZERO)) for s in contract.slas}
    return MonthCredits(
        fees=cents(fees),
        at_risk=at_risk,
        cap=cap,
        per_sla=per_sla,
        credits_before_cap=sum(raw.values(), ZERO),
        credits_total=sum(capped.values(), ZERO),
        earn_back=earn,
        earned_back_total=sum(
            (e.amount for e in earn if e.status == "returned" and e.decided_in == month), ZERO
        ),
        bonus_pool=pool,
        bonus_total=sum(bonus.values(), ZERO),
    )


def earn_back(
    contract: Contract,
    *,
    month: Month,
    outcomes: Mapping[str, SlaOutcome],
    history: Sequence[PastMonth],
    complete: bool = True,
) -> tuple[EarnBack, ...]:
    """Every credit of the earlier months still open at ``month`` or settled by it (by its
    outcomes only when the month is ``complete``), each under the earn-back terms of the version
    that charged it."""
    current = contract.credits.earn_back.months if contract.credits.earn_back is not None else 0
    met: dict[Month, Mapping[str, bool | None]] = {p.month: p.met for p in history if p.month < month}
    if complete:
        met[month] = {k: o.met for k, o in outcomes.items()}
    out = []
    for past in sorted(history, key=lambda p: p.month):
        n = current if past.earn_back_months is None else past.earn_back_months
        if past.month >= month or n <= 0:
            continue
        for sla, amount in past.credits.items():
            if amount <= 0:
                continue
            following = [past.month.shift(k) for k in range(1, n + 1)]
            known = [m for m in following if m in met and m <= month]
            status, decided = _fate(sla, known, met, whole=len(known) == n, closes=following[-1])
            # A credit settled before this month is history: list only what is open or settled now.
            if decided is not None and decided < month:
                continue
            out.append(EarnBack(past.month, sla, amount, status, decided, following[-1]))
    return tuple(out)


def _fate(
    sla: str,
    known: Sequence[Month],
    met: Mapping[Month, Mapping[str, bool | None]],
    *,
    whole: bool,
    closes: Month,
) -> tuple[str, Month | None]:
    """(status, month decided) of a credit on ``sla`` given the months of its window refereed so
    far: forfeited by the first month that measured the SLA and did not find it met; otherwise
    returned once the window is whole — or to settle when a month of it ran under a version
    without the SLA; pending until then."""
    broken = next((m for m in known if sla in met[m] and met[m][sla] is not True), None)
    if broken is not None:
        return "forfeited", broken
    if not whole:
        return "pending", None
    if any(sla not in met[m] for m in known):
        return "to_settle", closes
    return "returned", closes


def _scale_to(amounts: Mapping[str, Decimal], limit: Decimal | None) -> dict[str, Decimal]:
    """``amounts`` reduced pro rata so that they add up to ``limit`` at most, exactly to the cent
    (largest remainders get the spare cents)."""
    total = sum(amounts.values(), ZERO)
    if limit is None or total <= limit or total == 0:
        return dict(amounts)
    exact = {k: v * limit / total for k, v in amounts.items()}
    floor = {k: v.quantize(Decimal("0.01"), rounding="ROUND_FLOOR") for k, v in exact.items()}
    spare = int((limit - sum(floor.values(), ZERO)) / Decimal("0.01"))
    for k in sorted(exact, key=lambda k: (floor[k] - exact[k], k))[:spare]:
        floor[k] += Decimal("0.01")
    return floor
