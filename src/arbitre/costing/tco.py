"""Total cost of ownership over the contract term, month by month: in-house against an offer.

Seed 001: « des économies comprises entre 15 % et 35 % sur les coûts opérationnels des fonctions
externalisées » (seed 004 gives the same range per interaction); seed 000, an offshore
provider's article: « réduire les coûts de 30 à 70 % ». The TCO sets today's cost of a scope
against the outsourced path over ``DecisionSettings.term_months`` and says when the savings fall
outside the studies' band — placing them against the providers' claims too — and why.

Month m (1 … term) covers the time [m − 1, m) in months; its cash flows are paid at its end.

- **growth**: volumes grow by g a year, compounding monthly: month m carries the factor
  (1 + g)^((m − 1) / 12). It applies to volume-driven costs (the in-house lines with
  ``driver == "volume"``, the provider's units — re-priced through its bands and minimum — and
  the governance team); sites and managers (``driver == "fixed"``) and the fixed fee do not grow.
  Costs grow linearly with volume: the economies of scale of larger queues are ignored, on both
  sides.
- **in-house baseline**: IH_m = V × f_m + F, V and F the volume-driven and fixed in-house costs a
  month.
- **outsourced**: knowledge transfer for K months (weeks × 12 ÷ 52), then a parallel run for P
  months; the in-house team runs until K + P, the provider bills from K (both sides are paid
  during the parallel run; during the knowledge transfer the provider bills its training days).
  Month m pays IH_m × overlap([0, K + P), month) + invoice_m × overlap([K, term), month) + the
  governance team that remains (governance FTE per provider FTE × provider FTE × f_m × salary ÷
  12, from month 1) + the in-house cost of what the offer does not serve (``retained``) once the
  in-house team has handed over. One-offs: the set-up fee and the training days in month 1, the
  exit fee (reversibility) in the last month.
- **today's provider**: the part of the scope the offer's provider already handles
  (``incumbent``) is billed from month 1 and goes through no transition: no set-up fee, no
  training, no parallel run for it (training only for the agents of what moves to it). What moves
  from another provider costs its current price until the hand-over (``elsewhere_per_month``).
  The baseline IH_m is then today's cost of the whole scope: in-house part, other provider's
  part, and the incumbent's own invoice.
- **present value**: ``discount_rate`` is an effective annual rate; a month discounts at
  (1 + r)^(1/12) − 1, and month m's flows by (1 + r)^(−m/12) (8 % a year: 0.6434 % a month).
- **savings** = today's cost − outsourced, nominal and at present value; the share is the present
  value savings ÷ today's present value. The run-rate share compares one steady month after
  the transition (no one-off in it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal

from arbitre.costing.inhouse import InHouseCost
from arbitre.costing.invoice import monthly_invoice
from arbitre.costing.money import ONE, TWELVE, ZERO, cents, unit, weeks_to_months
from arbitre.costing.pricing import OfferCost
from arbitre.domain.costing import DecisionSettings
from arbitre.errors import InputError
from arbitre.words import NNBSP, Text, count, money, pct, ratio


@dataclass(frozen=True, slots=True)
class MonthFlow:
    """One month of the term: the in-house baseline and the outsourced path, line by line."""

    month: int
    growth: Decimal  # volume factor of the month
    discount: Decimal  # present value of 1 € paid at the end of the month
    inhouse: Decimal
    outsourced_lines: dict[str, Decimal]
    outsourced: Decimal

    @property
    def savings(self) -> Decimal:
        return self.inhouse - self.outsourced


@dataclass(frozen=True, slots=True)
class Reason:
    """One likely reason for savings outside the band, in both languages, with its figures."""

    code: str
    text: Text
    figures: dict[str, Decimal] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.text.en


@dataclass(frozen=True, slots=True)
class SavingsWarning:
    """Savings outside the band of the sector studies, and the likely reasons from the inputs."""

    share: Decimal
    band: tuple[Decimal, Decimal]
    side: str  # "below" or "above"
    text: Text
    reasons: tuple[Reason, ...]

    @property
    def message(self) -> str:
        return self.text.en


@dataclass(frozen=True, slots=True)
class Tco:
    """The total cost of ownership of keeping a flow and of outsourcing it to one offer."""

    flow: str
    offer_id: str
    currency: str
    term_months: int
    growth_per_year: Decimal
    discount_rate: Decimal
    monthly_discount_rate: Decimal
    months: tuple[MonthFlow, ...]
    inhouse_total: Decimal
    outsourced_total: Decimal
    inhouse_npv: Decimal
    outsourced_npv: Decimal
    savings: Decimal
    savings_npv: Decimal
    savings_share: Decimal | None
    run_rate_savings_share: Decimal | None
    one_off_total: Decimal
    payback_months: Decimal | None
    governance_fte: Decimal
    feasible: bool
    warning: SavingsWarning | None


def growth_factor(growth_per_year: Decimal, *, month: int) -> Decimal:
    """(1 + g)^((month − 1) / 12): month 13 carries exactly one year of growth.

    >>> growth_factor(Decimal("0.05"), month=1), growth_factor(Decimal("0.05"), month=13)
    (Decimal('1'), Decimal('1.05'))
    """
    if month == 1 or growth_per_year == 0:
        return ONE
    if (month - 1) % 12 == 0:
        return (ONE + growth_per_year) ** ((month - 1) // 12)
    return (ONE + growth_per_year) ** (Decimal(month - 1) / TWELVE)


def discount_factor(rate_per_year: Decimal, *, month: int) -> Decimal:
    """(1 + r)^(−month / 12): the present value of 1 paid at the end of ``month``.

    >>> discount_factor(Decimal("0.08"), month=12)
    Decimal('0.9259259259259259259259259259')
    """
    if rate_per_year == 0:
        return ONE
    if month % 12 == 0:
        return ONE / (ONE + rate_per_year) ** (month // 12)
    return ONE / (ONE + rate_per_year) ** (Decimal(month) / TWELVE)


def _overlap(start: Decimal, end: Decimal, month: int) -> Decimal:
    lo = max(start, Decimal(month - 1))
    hi = min(end, Decimal(month))
    return hi - lo if hi > lo else ZERO


def tco(
    *,
    inhouse: InHouseCost | None,
    offer: OfferCost,
    settings: DecisionSettings,
    growth_per_year: Decimal | None = None,
    retained: InHouseCost | None = None,
    incumbent: OfferCost | None = None,
    elsewhere_per_month: Decimal = ZERO,
) -> Tco:
    """The month-by-month TCO of today's set-up of a scope against ``offer`` taking it, over
    ``settings.term_months``.

    Today's set-up of the scope is what it costs now: ``inhouse``, the in-house cost of the part
    the in-house team handles (None: none); ``incumbent``, the part ``offer``'s provider already
    handles (billed from the first month, with no set-up fee, training or parallel run: it is in
    place); ``elsewhere_per_month``, what the part another provider handles costs today, a month.
    Only what moves goes through the transition. ``growth_per_year`` is the forecast's growth,
    used when the settings leave ``volume_growth_per_year`` unset (None in both: no growth).
    ``retained`` is the in-house cost of what the offer leaves (the contacts outside its hours): it
    keeps running after the hand-over. Both sides must be in the same currency (`InputError`
    otherwise: no exchange rate here).
    """
    reference = inhouse.currency if inhouse is not None else offer.currency
    for side in (offer, retained, incumbent):
        if side is not None and side.currency != reference:
            raise InputError(
                f"offer {offer.offer.id} and the in-house cost are in different currencies",
                field="currency",
                expected=reference,
                got=side.currency,
            )
    term = settings.term_months
    g = settings.volume_growth_per_year if settings.volume_growth_per_year is not None else growth_per_year
    g = g if g is not None else ZERO
    r = settings.discount_rate
    ih_volume = inhouse.volume_driven_total / inhouse.months if inhouse is not None else ZERO
    ih_fixed = (inhouse.total - inhouse.volume_driven_total) / inhouse.months if inhouse is not None else ZERO
    kept_volume = retained.volume_driven_total / retained.months if retained is not None else ZERO
    kept_fixed = (
        (retained.total - retained.volume_driven_total) / retained.months if retained is not None else ZERO
    )
    t = offer.offer.transition
    moves = inhouse is not None or elsewhere_per_month > 0 or incumbent is None
    handover = weeks_to_months(t.knowledge_transfer_weeks) if moves else ZERO
    inhouse_end = handover + (weeks_to_months(t.parallel_run_weeks) if moves else ZERO)
    end = Decimal(term)
    gov_fte = settings.governance_fte_per_outsourced_fte * offer.fte
    gov_month = gov_fte * settings.governance_salary_per_year / TWELVE
    # Already a supplier: no set-up fee; training for the agents of what moves only.
    setup = offer.one_off_amount("setup_fee") if incumbent is None else ZERO
    if incumbent is None:
        training = offer.one_off_amount("knowledge_transfer_training")
    else:
        new_agents = math.ceil(max(ZERO, offer.fte - incumbent.fte)) if moves else 0
        training = cents(t.training_days_per_agent * new_agents * t.training_day_rate)
    exit_fee = offer.exit_fee

    flows: list[MonthFlow] = []
    parallel = ZERO  # the provider's fees for what moves while the current set-up still runs
    for m in range(1, term + 1):
        f = growth_factor(g, month=m)
        d = discount_factor(r, month=m)
        already = (
            monthly_invoice(offer.offer.pricing, month=incumbent.month.scaled(f)).total
            if incumbent is not None
            else ZERO
        )
        moving_today = cents(ih_volume * f + ih_fixed + elsewhere_per_month * f)
        baseline = moving_today + already
        running = _overlap(ZERO, inhouse_end, m)
        billing = _overlap(handover, end, m)
        invoice = monthly_invoice(offer.offer.pricing, month=offer.month.scaled(f)).total
        parallel += cents((invoice - already) * _overlap(handover, inhouse_end, m))
        lines = {
            "in_house_until_handover": cents(moving_today * running),
            "provider_fees": cents(invoice * billing + already * (ONE - billing)),
            "governance": cents(gov_month * f),
            "retained_in_house": cents((kept_volume * f + kept_fixed) * (ONE - running)),
            "setup_fee": setup if m == 1 else ZERO,
            "knowledge_transfer_training": training if m == 1 else ZERO,
            "exit_fee": exit_fee if m == term else ZERO,
        }
        flows.append(MonthFlow(m, f, d, baseline, lines, sum(lines.values(), ZERO)))

    ih_total = sum((mf.inhouse for mf in flows), ZERO)
    out_total = sum((mf.outsourced for mf in flows), ZERO)
    ih_npv = cents(sum((mf.inhouse * mf.discount for mf in flows), ZERO))
    out_npv = cents(sum((mf.outsourced * mf.discount for mf in flows), ZERO))
    savings_npv = ih_npv - out_npv
    share = unit(savings_npv / ih_npv) if ih_npv > 0 else None

    steady = _steady(flows)
    run_share = unit(steady.savings / steady.inhouse) if steady is not None and steady.inhouse > 0 else None
    # What the move costs on top of the status quo: set-up, training, both sides during the
    # parallel run (the provider's fees then), and the exit at the end.
    one_offs = setup + training + parallel + exit_fee
    payback = None
    if steady is not None and steady.savings > 0:
        payback = unit(one_offs / steady.savings)

    result = Tco(
        flow=(inhouse.flow if inhouse is not None else None) or offer.flow,
        offer_id=offer.offer.id,
        currency=offer.currency,
        term_months=term,
        growth_per_year=g,
        discount_rate=r,
        monthly_discount_rate=(ONE + r) ** (ONE / TWELVE) - ONE,
        months=tuple(flows),
        inhouse_total=ih_total,
        outsourced_total=out_total,
        inhouse_npv=ih_npv,
        outsourced_npv=out_npv,
        savings=ih_total - out_total,
        savings_npv=savings_npv,
        savings_share=share,
        run_rate_savings_share=run_share,
        one_off_total=one_offs,
        payback_months=payback,
        governance_fte=gov_fte,
        feasible=offer.feasible,
        warning=None,
    )
    # Work that stays with today's provider saves nothing and needs no warning.
    warning = (
        savings_warning(result, inhouse=inhouse, offer=offer, settings=settings, retained=retained)
        if moves
        else None
    )
    return replace(result, warning=warning)


def _steady(flows: list[MonthFlow] | tuple[MonthFlow, ...]) -> MonthFlow | None:
    """The first month after the hand-over with no one-off in it: the run rate."""
    for mf in flows:
        lines = mf.outsourced_lines
        if mf.month > 1 and lines["in_house_until_handover"] == 0 and lines["exit_fee"] == 0:
            return mf
    return None


def savings_warning(
    result: Tco,
    *,
    inhouse: InHouseCost | None,
    offer: OfferCost,
    settings: DecisionSettings,
    retained: InHouseCost | None = None,
) -> SavingsWarning | None:
    """A warning when the savings share falls outside ``settings.savings_band`` — the 15–35 % of
    the sector studies (seeds 001 and 004) — that also places it against the 30–70 % offshore
    providers advertise (``settings.advertised_savings_band``, seed 000), with the likely reasons
    computed from the inputs; None inside the band."""
    low, high = settings.savings_band
    share = result.savings_share
    if share is None or low <= share <= high:
        return None
    side = "below" if share < low else "above"
    reasons = (
        _reasons_above(inhouse=inhouse, offer=offer, retained=retained)
        if side == "above"
        else (_reasons_below(result, inhouse=inhouse, offer=offer))
    )
    if not reasons:
        reasons = [
            Reason(
                "unexplained",
                Text(
                    "aucune donnée d'entrée ne l'explique seule : vérifier le niveau des salaires, le "
                    "turnover, la durée de traitement et le prix de l'offre",
                    "no single input explains it: check the wage level, turnover, the handle time and "
                    "the offer's price",
                ),
            )
        ]
    a_low, a_high = settings.advertised_savings_band
    where_fr = "au-dessus" if side == "above" else "en dessous"
    where_en = "above" if side == "above" else "below"
    if share > a_high:
        ad_fr, ad_en = "et même au-dessus des", "and even above"
    elif share >= a_low:
        ad_fr, ad_en = "mais dans les", "but within"
    else:
        ad_fr, ad_en = "et en dessous des", "and below"
    term = result.term_months
    text = Text(
        f"économie de {pct(float(share), 'fr')} sur {term} mois en valeur actuelle, {where_fr} des "
        f"{_range(low, high, 'fr')} des études sectorielles, {ad_fr} {_range(a_low, a_high, 'fr')} "
        "qu'annoncent les prestataires offshore",
        f"savings of {pct(float(share), 'en')} over {term} months at present value, {where_en} the "
        f"{_range(low, high, 'en')} of sector studies, {ad_en} the {_range(a_low, a_high, 'en')} "
        "offshore providers advertise",
    )
    return SavingsWarning(share, (low, high), side, text, tuple(reasons))


def _range(low: Decimal, high: Decimal, lang: str) -> str:
    """15–35 % (fr) / 15–35% (en)."""
    a, b = f"{low * 100:.0f}", f"{high * 100:.0f}"
    return f"{a} à {b}{NNBSP}%" if lang == "fr" else f"{a}–{b}%"


def _eur(amount: Decimal, lang: str) -> str:
    return money(amount, lang, digits=0 if abs(amount) >= 1000 else 2)


def _reasons_above(
    *, inhouse: InHouseCost | None, offer: OfferCost, retained: InHouseCost | None
) -> list[Reason]:
    out: list[Reason] = []
    factor = offer.offer.productivity.aht_factor
    if factor <= 1:
        out.append(
            Reason(
                "aht_factor",
                Text(
                    f"le facteur de durée de traitement de l'offre est de {_num(factor, 'fr')} : un "
                    "prestataire est rarement aussi rapide qu'une équipe interne formée la première année",
                    f"the offer's AHT factor is {factor}: providers are rarely as fast as a trained "
                    "in-house team in the first year",
                ),
                {"aht_factor": factor},
            )
        )
    if inhouse is not None:
        pay = inhouse.pay_by_band()
        pay_total = sum(pay.values(), ZERO)
        off_day = pay_total - pay["day"]
        if pay_total > 0 and off_day / pay_total > Decimal("0.5"):
            premiums = inhouse.amount("band_premium")
            share = float(off_day / pay_total)
            out.append(
                Reason(
                    "off_hours",
                    Text(
                        f"{pct(share, 'fr')} de la paie des conseillers internes tombe le soir, la nuit et "
                        f"le week-end ({_eur(premiums, 'fr')} de majorations) : les heures que "
                        "l'externalisation paie le mieux",
                        f"{pct(share, 'en')} of the in-house agents' pay falls in evenings, nights and "
                        f"weekends ({_eur(premiums, 'en')} of premiums): the hours outsourcing pays best",
                    ),
                    {"off_hours_share": unit(off_day / pay_total), "premiums": premiums},
                )
            )
        if inhouse.total > 0 and inhouse.hidden_total / inhouse.total > Decimal("0.2"):
            hidden = float(inhouse.hidden_total / inhouse.total)
            out.append(
                Reason(
                    "hidden_costs",
                    Text(
                        f"les coûts cachés font {pct(hidden, 'fr')} du coût interne : vérifier les taux "
                        "de turnover et d'absentéisme",
                        f"hidden costs are {pct(hidden, 'en')} of the in-house cost: check the turnover "
                        "and absenteeism rates",
                    ),
                    {"hidden_share": unit(inhouse.hidden_total / inhouse.total)},
                )
            )
    if offer.offer.draft:
        out.append(
            Reason(
                "draft",
                Text(
                    "l'offre est une ébauche tirée des taux de référence, pas une réponse : une vraie offre "
                    "ajoute marge, encadrement et outils que la table ignore",
                    "the offer is a draft from reference rates, not a bid: real bids add margins, "
                    "management and tools the table leaves out",
                ),
            )
        )
    if offer.unserved.contacts > 0 and retained is None:
        n = float(offer.unserved.contacts)
        out.append(
            Reason(
                "unserved",
                Text(
                    f"l'offre laisse {count(n, 'fr')} contacts hors de ses horaires et aucun coût interne "
                    "n'a été donné pour eux : le côté externalisé les omet",
                    f"the offer leaves {count(n, 'en')} contacts outside its hours and no in-house cost "
                    "was given for them: the outsourced side leaves them out",
                ),
                {"unserved_contacts": offer.unserved.contacts},
            )
        )
    ih_hour = inhouse.per_productive_hour if inhouse is not None else None
    of_hour = offer.per_productive_hour
    if ih_hour and of_hour and ih_hour / of_hour > 3:
        times = float(ih_hour / of_hour)
        out.append(
            Reason(
                "rate_gap",
                Text(
                    f"une heure productive coûte {_eur(ih_hour, 'fr')} en interne, {_eur(of_hour, 'fr')} "
                    f"chez le prestataire : {ratio(times, 'fr')} fois moins (les prestataires offshore "
                    "annoncent un salarié « quatre fois moins cher »)",
                    f"an in-house productive hour costs {_eur(ih_hour, 'en')}, the offer's "
                    f"{_eur(of_hour, 'en')}: {ratio(times, 'en')} times less (offshore providers advertise "
                    "an employee « four times cheaper »)",
                ),
                {"inhouse_per_hour": ih_hour, "offer_per_hour": of_hour},
            )
        )
    return out


def _reasons_below(result: Tco, *, inhouse: InHouseCost | None, offer: OfferCost) -> list[Reason]:
    out: list[Reason] = []
    steady = _steady(result.months)
    if steady is not None and steady.savings > 0 and result.one_off_total > 3 * steady.savings:
        n = math.floor(result.one_off_total / steady.savings)
        out.append(
            Reason(
                "transition",
                Text(
                    f"la mise en place et la transition coûtent plus de {n} mois d'économies "
                    f"({_eur(result.one_off_total, 'fr')} contre {_eur(steady.savings, 'fr')} par mois)",
                    f"the setup and transition cost more than {n} months of savings "
                    f"({_eur(result.one_off_total, 'en')} against {_eur(steady.savings, 'en')} a month)",
                ),
                {"one_off": result.one_off_total, "monthly_savings": steady.savings},
            )
        )
    factor = offer.offer.productivity.aht_factor
    if factor > Decimal("1.15"):
        longer = float(factor - 1)
        out.append(
            Reason(
                "aht_factor",
                Text(
                    f"le facteur de durée de traitement de l'offre est de {_num(factor, 'fr')} : ses "
                    f"conseillers passent {pct(longer, 'fr')} de temps en plus par contact",
                    f"the offer's AHT factor is {factor}: its agents take {pct(longer, 'en')} longer per "
                    "contact",
                ),
                {"aht_factor": factor},
            )
        )
    minimum = offer.invoice.amount("minimum_commitment")
    if minimum > 0:
        out.append(
            Reason(
                "minimum_commitment",
                Text(
                    f"le minimum de facturation ajoute {_eur(minimum, 'fr')} par mois à ce que le volume "
                    "rapporte",
                    f"the minimum commitment adds {_eur(minimum, 'en')} a month above what the volume earns",
                ),
                {"top_up": minimum},
            )
        )
    ih_hour = inhouse.per_productive_hour if inhouse is not None else None
    of_hour = offer.per_productive_hour
    if ih_hour and of_hour and of_hour >= ih_hour:
        out.append(
            Reason(
                "rate",
                Text(
                    f"l'offre coûte {_eur(of_hour, 'fr')} de l'heure productive, l'équipe interne "
                    f"{_eur(ih_hour, 'fr')}",
                    f"the offer costs {_eur(of_hour, 'en')} a productive hour, the in-house team "
                    f"{_eur(ih_hour, 'en')}",
                ),
                {"inhouse_per_hour": ih_hour, "offer_per_hour": of_hour},
            )
        )
    if steady is not None:
        gov = steady.outsourced_lines["governance"]
        gross = steady.inhouse - steady.outsourced + gov
        if gross > 0 and gov / gross > Decimal("0.25"):
            part = float(gov / gross)
            out.append(
                Reason(
                    "governance",
                    Text(
                        f"l'équipe de pilotage coûte {_eur(gov, 'fr')} par mois, {pct(part, 'fr')} de "
                        "l'économie brute",
                        f"the governance team costs {_eur(gov, 'en')} a month, {pct(part, 'en')} of the "
                        "gross savings",
                    ),
                    {"governance": gov, "gross_savings": cents(gross)},
                )
            )
    if result.term_months < 24:
        out.append(
            Reason(
                "short_term",
                Text(
                    f"une durée de {result.term_months} mois laisse peu de temps pour amortir la transition",
                    f"a term of {result.term_months} months leaves little time to recover the transition",
                ),
                {"term_months": Decimal(result.term_months)},
            )
        )
    if inhouse is not None:
        pay = inhouse.pay_by_band()
        pay_total = sum(pay.values(), ZERO)
        if pay_total > 0 and pay["day"] / pay_total > Decimal("0.9") and offer.offer.shore.value == "onshore":
            day = float(pay["day"] / pay_total)
            out.append(
                Reason(
                    "daytime_onshore",
                    Text(
                        f"{pct(day, 'fr')} des heures internes sont en journée en semaine et l'offre est en "
                        "dans le même pays : peu de majorations ou d'écart de salaire à gagner",
                        f"{pct(day, 'en')} of the in-house hours are weekday daytime and the offer is "
                        "onshore: there is little premium or wage gap to save on",
                    ),
                    {"day_share": unit(pay["day"] / pay_total)},
                )
            )
    return out


def _num(x: Decimal, lang: str) -> str:
    return str(x).replace(".", ",") if lang == "fr" else str(x)
