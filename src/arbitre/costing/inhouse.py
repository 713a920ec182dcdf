"""What a flow costs in-house: people, supervision, hidden costs, seats and telecom (step 2 of the method).

Seed 003 lists what to count — "salaires chargés des agents ; coûts de management, d'encadrement et
de recrutement ; formation initiale et continue ; licences logicielles et infrastructure télécom ;
quote-part des locaux" — and the costs people forget: "le turnover qui nécessite de recruter et de
former à nouveau, l'absentéisme qui impose des remplacements, les heures supplémentaires pendant
les pics". Each is a `CostLine` here; the forgotten ones carry ``hidden=True``.

The hours come from the staffing engine, interval by interval, never from a yearly average:
agents on line per interval (`arbitre.staffing.requirement.requirement` with the flow's targets)
become scheduled hours through the planned shrinkage, and each hour is paid at the premium of its
band (evening, night, weekend). Formulas, defaults and sources: ``docs/costing.md``.

Conventions. ``paid_hours_per_year`` is what one FTE works in a year; a ``months``-long period
holds ``months / 12`` of it. Annual amounts (salaries, equipment, premises) are prorated the same
way. Amounts are exact decimals, rounded to the cent per line; the total is the sum of the lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np

from arbitre._types import IntArray
from arbitre.costing.money import HOURS_PER_DAY, ONE, TWELVE, ZERO, cents, dec, ratio, round6
from arbitre.costing.workload import FlowWorkload
from arbitre.domain.channels import Channel
from arbitre.domain.costing import InHouseCosts
from arbitre.domain.targets import CHANNEL_DEFAULTS
from arbitre.staffing.requirement import requirement
from arbitre.staffing.workforce import BANDS

Driver = Literal["volume", "fixed"]

#: Components whose cost is hidden in a spreadsheet of salaries (seed 003's "coûts cachés").
HIDDEN = frozenset({"band_premium", "recruiting", "initial_training", "absenteeism", "overtime"})
#: Components that do not move with volume over a contract term (step costs: a site, a manager).
FIXED = frozenset({"managers", "support_staff", "premises"})
#: Channels that use telephone minutes.
VOICE = frozenset({Channel.VOICE_IN, Channel.VOICE_OUT})


@dataclass(frozen=True, slots=True)
class CostLine:
    """One component of a cost over the period, to the cent.

    ``hidden`` marks the costs a salary spreadsheet forgets (turnover, absenteeism, overtime, band
    premiums); ``driver`` says whether it grows with volume over a contract term (TCO); ``basis``
    shows the figures it was computed from.
    """

    component: str
    amount: Decimal
    hidden: bool = False
    band: str | None = None
    driver: Driver = "volume"
    basis: str = ""


@dataclass(frozen=True, slots=True)
class InHouseCost:
    """The in-house cost of a flow (or a team) over a period, line by line.

    ``fte`` counts the scheduled team (people paid for the hours on line and the planned shrinkage);
    absences among them are replaced and priced in the ``absenteeism`` line. ``paid_hours_by_band``
    are those people's hours by band, ``productive_hours`` the agent hours on line.
    """

    flow: str | None
    currency: str
    months: Decimal
    lines: tuple[CostLine, ...]
    total: Decimal
    per_month: Decimal
    hidden_total: Decimal
    volume_driven_total: Decimal
    fte: Decimal
    fte_by_band: dict[str, Decimal]
    paid_hours_by_band: dict[str, Decimal]
    productive_hours: Decimal
    talk_minutes: Decimal
    contacts: Decimal | None
    per_productive_hour: Decimal | None
    per_contact: Decimal | None
    per_fte_per_month: Decimal | None
    peak_agents: int | None
    model: str

    def amount(self, component: str) -> Decimal:
        """The sum of the lines of one component (all bands)."""
        return sum((ln.amount for ln in self.lines if ln.component == component), ZERO)

    def by_component(self) -> dict[str, Decimal]:
        """Amounts per component, bands summed, in the order of the lines."""
        out: dict[str, Decimal] = {}
        for ln in self.lines:
            out[ln.component] = out.get(ln.component, ZERO) + ln.amount
        return out

    def pay_by_band(self) -> dict[str, Decimal]:
        """Agents' pay and band premiums per band."""
        out = dict.fromkeys(BANDS, ZERO)
        for ln in self.lines:
            if ln.band is not None:
                out[ln.band] += ln.amount
        return out


def planned_shrinkage(shrinkage: Decimal, *, costs: InHouseCosts) -> Decimal:
    """The shrinkage that sizes the scheduled team: without absence when it is priced apart.

    >>> from arbitre.costing.defaults import french_defaults
    >>> planned_shrinkage(Decimal("0.30"), costs=french_defaults())
    Decimal('0.22')
    """
    planned = shrinkage - costs.absenteeism_rate if costs.shrinkage_includes_absenteeism else shrinkage
    if planned < 0:
        planned = ZERO
    if planned >= 1:
        raise ValueError(f"shrinkage must be < 1, got {shrinkage}")
    return planned


def inhouse_cost(
    workload: FlowWorkload, *, costs: InHouseCosts, agents: IntArray | None = None
) -> InHouseCost:
    """The in-house cost of ``workload`` over its reference period, line by line.

    ``agents`` are the agents on line per interval (a plan); None: the staffing engine's requirement
    with the workload's targets on the contacts in scope (``volume * in_scope``), the team working
    the flow's service hours (``open_``): deferred work arriving while closed waits for them. Scheduled hours are agents ×
    interval ÷ (1 − planned shrinkage), by band; talk minutes count for voice channels only.

    >>> import numpy as np
    >>> from arbitre.costing.defaults import french_defaults
    >>> from arbitre.domain.targets import StaffingTargets
    >>> n = 4
    >>> w = FlowWorkload(flow="mails", channel=Channel.EMAIL, interval_s=3600.0,
    ...     start_s=np.arange(n) * 3600, band=np.zeros(n, np.int64), open_=np.ones(n, bool),
    ...     in_scope=np.ones(n, bool), volume=np.full(n, 10.0), aht_s=np.full(n, 360.0),
    ...     talk_s=np.zeros(n), targets=StaffingTargets(shrinkage=0.3), months=0.01)
    >>> c = inhouse_cost(w, costs=french_defaults(), agents=np.array([1, 1, 1, 1]))
    >>> c.productive_hours, c.paid_hours_by_band["day"]
    (Decimal('4.000000'), Decimal('5.128205'))
    """
    targets = workload.targets.over(CHANNEL_DEFAULTS[workload.channel])
    if agents is None:
        req = requirement(
            channel=workload.channel,
            volume=workload.volume * workload.in_scope,
            aht_s=workload.aht_s,
            interval_s=workload.interval_s,
            targets=targets,
            open_=workload.open_,
            patience_s=workload.patience_s,
            contact_rate=workload.contact_rate,
        )
        on_line, model = req.agents, req.model
    else:
        on_line = np.asarray(agents, dtype=np.int64)
        model = "given"
        if on_line.shape != workload.volume.shape:
            raise ValueError(f"agents must have one value per interval ({workload.volume.size})")
        if np.any(on_line < 0):
            raise ValueError("agents must be ≥ 0")
    agent_intervals = np.zeros(len(BANDS), dtype=np.int64)
    np.add.at(agent_intervals, workload.band, on_line)
    interval_h = dec(workload.interval_s) / Decimal(3600)
    on_line_h = {b: Decimal(int(agent_intervals[i])) * interval_h for i, b in enumerate(BANDS)}
    planned = planned_shrinkage(dec(targets.shrinkage or 0.0), costs=costs)
    paid_h = {b: h / (ONE - planned) for b, h in on_line_h.items()}
    talk_min = ZERO
    if workload.channel in VOICE:
        talk = workload.volume * workload.talk_s * workload.in_scope
        talk_min = dec(float(talk.sum())) / Decimal(60)
    return breakdown(
        costs=costs,
        paid_hours_by_band=paid_h,
        months=dec(workload.months),
        productive_hours=sum(on_line_h.values(), ZERO),
        talk_minutes=talk_min,
        contacts=dec(workload.contacts),
        flow=workload.flow,
        peak_agents=int(on_line.max()) if on_line.size else 0,
        model=model,
    )


def team_cost(
    *,
    fte: Decimal | int,
    costs: InHouseCosts,
    months: Decimal | int = 1,
    band_shares: Mapping[str, Decimal] | None = None,
    shrinkage: Decimal = Decimal("0.30"),
    talk_share: Decimal = Decimal("0.70"),
    contacts_per_month: Decimal | None = None,
) -> InHouseCost:
    """The in-house cost of a team of ``fte`` full-time agents, without a workload.

    The seed's comparison ("5 agents … contre 25 000 € en France pour une équipe interne
    équivalente") is of this kind. The team works ``paid_hours_per_year`` each, split over the
    bands by ``band_shares`` (default: all daytime); ``shrinkage`` is the staffing shrinkage
    (absence included when ``costs.shrinkage_includes_absenteeism``), ``talk_share`` the share of
    time on line spent talking (telephone minutes; 0 for written channels).

    >>> from arbitre.costing.defaults import french_defaults
    >>> team_cost(fte=5, costs=french_defaults()).per_month
    Decimal('22131.80')
    """
    shares = dict(band_shares) if band_shares is not None else {"day": ONE}
    unknown = set(shares) - set(BANDS)
    if unknown:
        raise ValueError(f"unknown bands {sorted(unknown)}: expected {', '.join(BANDS)}")
    total_share = sum(shares.values(), ZERO)
    if total_share != ONE:
        raise ValueError(f"band shares must add up to 1, got {total_share}")
    people = Decimal(fte)
    period = Decimal(months)
    if people < 0 or period <= 0:
        raise ValueError("fte must be ≥ 0 and months > 0")
    hours = people * costs.paid_hours_per_year * period / TWELVE
    paid_h = {b: hours * Decimal(shares.get(b, ZERO)) for b in BANDS}
    productive = hours * (ONE - planned_shrinkage(shrinkage, costs=costs))
    return breakdown(
        costs=costs,
        paid_hours_by_band=paid_h,
        months=period,
        productive_hours=productive,
        talk_minutes=productive * 60 * talk_share,
        contacts=contacts_per_month * period if contacts_per_month is not None else None,
        flow=None,
        peak_agents=None,
        model="team",
    )


def breakdown(
    *,
    costs: InHouseCosts,
    paid_hours_by_band: Mapping[str, Decimal],
    months: Decimal,
    productive_hours: Decimal,
    talk_minutes: Decimal,
    contacts: Decimal | None,
    flow: str | None = None,
    peak_agents: int | None = None,
    model: str = "given",
) -> InHouseCost:
    """The cost lines of a team paid ``paid_hours_by_band`` over ``months`` (the formulas).

    With H_b the paid hours of band b, h = gross × (1 + charges) ÷ paid hours a year the loaded
    hourly pay, F = ΣH_b ÷ (paid hours a year × months ÷ 12) the FTE and y = months ÷ 12:

    - agents' pay H_b·h and band premium H_b·h·premium_b, per band;
    - team leaders F ÷ span × salary × (1 + staff charges) × y, managers likewise, support staff
      F × per 100 ÷ 100 × salary × (1 + staff charges) × y;
    - turnover: hires F × turnover × y, each costing the recruiting cost and initial training days
      × (7 h × h + training cost per day) — the trainee is paid and not yet on line;
    - ongoing training F × y × hours ÷ 7 × training cost per day (the trainees' time is in the
      shrinkage);
    - absenteeism: absenteeism × (pay + premiums) × (1 + replacement premium) — the absent are
      still paid and their hours are covered by replacements;
    - overtime at peaks: overtime share × pay × overtime premium (the hours are in the pay, the
      premium is the extra);
    - seats S = F × seats per FTE: licences S × per month × months, equipment and premises S ×
      per year × y; telecom talk minutes × rate.
    """
    years = months / TWELVE
    hourly = (
        costs.agent_gross_salary_per_year * (ONE + costs.employer_charges_rate) / costs.paid_hours_per_year
    )
    staff_rate = (
        costs.staff_employer_charges_rate
        if costs.staff_employer_charges_rate is not None
        else costs.employer_charges_rate
    )
    staff_load = ONE + staff_rate
    hours = {b: Decimal(paid_hours_by_band.get(b, ZERO)) for b in BANDS}
    total_hours = sum(hours.values(), ZERO)
    fte = total_hours / (costs.paid_hours_per_year * years)
    seats = fte * costs.seats_per_fte
    hires = fte * costs.turnover_rate_per_year * years

    lines: list[CostLine] = []

    def add(component: str, amount: Decimal, basis: str, *, band: str | None = None) -> None:
        lines.append(
            CostLine(
                component=component,
                amount=cents(amount),
                hidden=component in HIDDEN,
                band=band,
                driver="fixed" if component in FIXED else "volume",
                basis=basis,
            )
        )

    pay = ZERO
    premiums = ZERO
    for b in BANDS:
        p = hours[b] * hourly
        pay += p
        add("agents_pay", p, f"{_n(hours[b])} h × {_n(hourly)} €/h loaded", band=b)
    for b in BANDS:
        rate = costs.band_premiums.of(b)
        prem = hours[b] * hourly * rate
        premiums += prem
        add("band_premium", prem, f"{_n(hours[b])} h × {_n(hourly)} €/h × {rate}", band=b)
    add(
        "team_leaders",
        fte / costs.agents_per_team_leader * costs.team_leader_gross_salary_per_year * staff_load * years,
        f"{_n(fte)} FTE ÷ {costs.agents_per_team_leader} × {costs.team_leader_gross_salary_per_year} € × {staff_load}",
    )
    add(
        "managers",
        fte / costs.agents_per_manager * costs.manager_gross_salary_per_year * staff_load * years,
        f"{_n(fte)} FTE ÷ {costs.agents_per_manager} × {costs.manager_gross_salary_per_year} € × {staff_load}",
    )
    add(
        "support_staff",
        fte
        * costs.support_staff_per_100_agents
        / 100
        * costs.support_gross_salary_per_year
        * staff_load
        * years,
        f"{_n(fte)} FTE × {costs.support_staff_per_100_agents}/100 × {costs.support_gross_salary_per_year} € × {staff_load}",
    )
    add(
        "recruiting",
        hires * costs.recruiting_cost_per_hire,
        f"{_n(hires)} hires × {costs.recruiting_cost_per_hire} €",
    )
    day_cost = HOURS_PER_DAY * hourly + costs.training_cost_per_day
    add(
        "initial_training",
        hires * costs.initial_training_days * day_cost,
        f"{_n(hires)} hires × {costs.initial_training_days} days × {_n(day_cost)} €",
    )
    add(
        "ongoing_training",
        fte * years * costs.ongoing_training_hours_per_year / HOURS_PER_DAY * costs.training_cost_per_day,
        f"{_n(fte)} FTE × {costs.ongoing_training_hours_per_year} h ÷ 7 × {costs.training_cost_per_day} €",
    )
    add(
        "absenteeism",
        costs.absenteeism_rate * (pay + premiums) * (ONE + costs.replacement_premium),
        f"{costs.absenteeism_rate} × {_n(pay + premiums)} € × (1 + {costs.replacement_premium})",
    )
    add(
        "overtime",
        costs.peak_overtime_share * pay * costs.overtime_premium,
        f"{costs.peak_overtime_share} × {_n(pay)} € × {costs.overtime_premium}",
    )
    add(
        "licences",
        seats * costs.licences_per_seat_per_month * months,
        f"{_n(seats)} seats × {costs.licences_per_seat_per_month} €/month",
    )
    add(
        "equipment",
        seats * costs.equipment_per_seat_per_year * years,
        f"{_n(seats)} seats × {costs.equipment_per_seat_per_year} €/year",
    )
    add(
        "premises",
        seats * costs.premises_per_seat_per_year * years,
        f"{_n(seats)} seats × {costs.premises_per_seat_per_year} €/year",
    )
    add(
        "telecom",
        talk_minutes * costs.telecom_per_talk_minute,
        f"{_n(talk_minutes)} min × {costs.telecom_per_talk_minute} €",
    )

    total = sum((ln.amount for ln in lines), ZERO)
    hidden = sum((ln.amount for ln in lines if ln.hidden), ZERO)
    volume_driven = sum((ln.amount for ln in lines if ln.driver == "volume"), ZERO)
    fte_unit = costs.paid_hours_per_year * years
    return InHouseCost(
        flow=flow,
        currency=costs.currency,
        months=months,
        lines=tuple(lines),
        total=total,
        per_month=cents(total / months),
        hidden_total=hidden,
        volume_driven_total=volume_driven,
        fte=round6(fte),
        fte_by_band={b: round6(hours[b] / fte_unit) for b in BANDS},
        paid_hours_by_band={b: round6(hours[b]) for b in BANDS},
        productive_hours=round6(productive_hours),
        talk_minutes=round6(talk_minutes),
        contacts=round6(contacts) if contacts is not None else None,
        per_productive_hour=ratio(total, productive_hours),
        per_contact=ratio(total, contacts) if contacts is not None else None,
        per_fte_per_month=ratio(total / months, fte),
        peak_agents=peak_agents,
        model=model,
    )


def _n(x: Decimal) -> str:
    """A figure for a basis text: two decimals, trailing zeros kept short."""
    return f"{x:,.2f}".replace(",", " ")
