"""The six-criteria grid of seed 004, every criterion always assessed so a director sees all six.

| critère | plutôt internaliser | plutôt externaliser |
|---|---|---|
| volume d'interactions | faible et stable | élevé ou variable |
| complexité des échanges | très élevée, très technique | standardisable, processable |
| importance de la CX dans la différenciation | CX = cœur de la marque | CX = hygiène de base |
| budget disponible | capacité d'investissement en outils et RH | contrainte budgétaire forte |
| canaux à couvrir | 1 à 2 canaux principaux | omnicanal, multilingue, 7j/7 |
| maturité opérationnelle | processus bien documentés, stables | besoin d'amélioration continue |

Each criterion gives one reason: towards the column the evidence falls in (weight
`WEIGHT_GRID`), or ``neutral`` (weight 0) when it falls between the two.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from arbitre.decision.evidence import Direction, Evidence, FlowEvidence, Logic, Reason
from arbitre.decision.logics import contact_noun, fact, is_small
from arbitre.decision.thresholds import (
    DEFAULT_SERVICE_LEVEL_TARGET,
    HIGH_ABANDON_RATE,
    LARGE_VOLUME_CONTACTS,
    MANY_CHANNELS,
    MANY_LANGUAGES,
    PEAK_MONTH_RATIO,
    SERVICE_LEVEL_GAP,
    WEIGHT_GRID,
)
from arbitre.decision.wording import Kind, Text

# --- The six-criteria grid (seed 004) ------------------------------------------------------------


def _grid(criterion: str, direction: Direction, evidence: tuple[Evidence, ...], fr: str, en: str) -> Reason:
    return Reason(
        code=f"grid_{criterion}",
        criterion=criterion,
        logic=Logic.GRID,
        direction=direction,
        weight=0.0 if direction is Direction.NEUTRAL else WEIGHT_GRID,
        evidence=evidence,
        fr=fr,
        en=en,
    )


def _grid_volume(ev: FlowEvidence) -> Reason:
    c = fact("contacts_per_month", ev.contacts_per_month, Kind.COUNT)
    r = fact("peak_ratio_month", ev.peak_ratio_month, Kind.RATIO)
    noun = contact_noun(ev)
    large = ev.contacts_per_month >= LARGE_VOLUME_CONTACTS
    variable = ev.peak_ratio_month >= PEAK_MONTH_RATIO
    if large or variable:
        what = Text(
            "élevé et variable" if large and variable else "élevé" if large else "variable",
            "high and variable" if large and variable else "high" if large else "variable",
        )
        direction = Direction.OUTSOURCE
    elif is_small(ev):
        what, direction = Text("faible et stable", "low and stable"), Direction.KEEP
    else:
        what, direction = Text("moyen et stable", "medium and stable"), Direction.NEUTRAL
    return _grid(
        "volume",
        direction,
        (c, r),
        f"Volume {what.fr} : {c.text('fr')} {noun.fr} par mois, le mois le plus chargé à {r.text('fr')} fois la moyenne",
        f"Volume {what.en}: {c.text('en')} {noun.en} a month, the busiest month at {r.text('en')} times the average",
    )


def _grid_complexity(ev: FlowEvidence) -> Reason:
    level = ev.profile.complexity
    lv = fact("complexity", level, Kind.LEVEL)
    aht = fact("aht_s", ev.aht_s, Kind.DURATION)
    scripted = ev.profile.scripted
    if level == "low" or (level == "medium" and scripted):
        direction = Direction.OUTSOURCE
        why = Text(" : des échanges standardisables", ": exchanges that can be standardised")
    elif level == "high":
        direction = Direction.KEEP
        why = Text(" : des échanges très techniques", ": highly technical exchanges")
    else:
        direction, why = Direction.NEUTRAL, Text("", "")
    script = Text(", fortement scriptée", ", highly scripted") if scripted else Text("", "")
    return _grid(
        "complexity",
        direction,
        (lv, aht, fact("scripted", scripted, Kind.FLAG)),
        f"Complexité {lv.text('fr')}{script.fr} (durée moyenne de traitement {aht.text('fr')}){why.fr}",
        f"Complexity {lv.text('en')}{script.en} (mean handle time {aht.text('en')}){why.en}",
    )


def _grid_cx(ev: FlowEvidence) -> Reason:
    flag = fact("cx_differentiator", ev.profile.cx_differentiator, Kind.FLAG)
    if ev.profile.cx_differentiator:
        return _grid(
            "cx_differentiator",
            Direction.KEEP,
            (flag,),
            "La relation client fait la différence de la marque sur ce flux : la garder en main",
            "Customer experience is the brand's edge on this flow: keep it in hand",
        )
    return _grid(
        "cx_differentiator",
        Direction.OUTSOURCE,
        (flag,),
        "La relation client est ici une hygiène de base, pas un différenciateur de la marque",
        "Customer experience is basic hygiene here, not what sets the brand apart",
    )


def _grid_budget(ev: FlowEvidence) -> Reason:
    b = fact("budget", ev.budget, Kind.LABEL)
    evidence: tuple[Evidence, ...] = (b,)
    cost = Text("", "")
    if ev.inhouse_cost_per_contact is not None:
        per = Evidence("inhouse_cost_per_contact", ev.inhouse_cost_per_contact, Kind.MONEY, ev.currency)
        monthly_value = (ev.inhouse_cost_per_contact * _decimal(ev.contacts_per_month)).quantize(1)
        monthly = Evidence("inhouse_cost_per_month", monthly_value, Kind.MONEY, ev.currency)
        evidence = (b, per, monthly)
        cost = Text(
            f" ; le flux coûte {per.text('fr')} par contact en interne, soit {monthly.text('fr')} par mois",
            f"; the flow costs {per.text('en')} per contact in-house, {monthly.text('en')} a month",
        )
    if ev.budget == "constrained":
        return _grid(
            "budget",
            Direction.OUTSOURCE,
            evidence,
            f"Budget contraint{cost.fr} : un coût variable plutôt que fixe soulage",
            f"Constrained budget{cost.en}: a variable rather than fixed cost relieves it",
        )
    return _grid(
        "budget",
        Direction.KEEP,
        evidence,
        f"Budget confortable{cost.fr} : de quoi investir en outils et en équipe",
        f"Comfortable budget{cost.en}: room to invest in tools and people",
    )


def _grid_channels(ev: FlowEvidence) -> Reason:
    n = fact("company_channels", ev.company_channels, Kind.NUMBER)
    lang = fact("company_languages", ev.company_languages, Kind.NUMBER)
    week = fact("seven_days", ev.seven_days, Kind.FLAG)
    signals = (
        (ev.company_channels >= MANY_CHANNELS) + (ev.company_languages >= MANY_LANGUAGES) + int(ev.seven_days)
    )
    direction = Direction.OUTSOURCE if signals >= 2 else Direction.KEEP if signals == 0 else Direction.NEUTRAL
    channels_fr = "canal" if ev.company_channels == 1 else "canaux"
    channels_en = "channel" if ev.company_channels == 1 else "channels"
    langs_fr = "langue" if ev.company_languages == 1 else "langues"
    langs_en = "language" if ev.company_languages == 1 else "languages"
    days_fr = "la demande arrive 7 jours sur 7" if ev.seven_days else "la demande n'arrive pas tous les jours"
    days_en = "demand comes 7 days a week" if ev.seven_days else "demand does not come every day"
    label = {
        Direction.OUTSOURCE: Text(
            " : une couverture omnicanale, multilingue ou 7 j/7",
            ": omnichannel, multilingual or 7-day coverage",
        ),
        Direction.KEEP: Text(" : une couverture resserrée", ": a narrow coverage"),
        Direction.NEUTRAL: Text("", ""),
    }[direction]
    return _grid(
        "channels",
        direction,
        (n, lang, week),
        f"L'entreprise couvre {n.text('fr')} {channels_fr} et {lang.text('fr')} {langs_fr}, {days_fr}{label.fr}",
        f"The company covers {n.text('en')} {channels_en} and {lang.text('en')} {langs_en}, {days_en}{label.en}",
    )


def _grid_maturity(ev: FlowEvidence) -> Reason:
    level = ev.profile.maturity
    lv = fact("maturity", level, Kind.LEVEL)
    evidence = [lv]
    fr = [f"Maturité opérationnelle {lv.text('fr')}"]
    en = [f"Operational maturity {lv.text('en')}"]
    target = ev.service_level_target if ev.service_level_target is not None else DEFAULT_SERVICE_LEVEL_TARGET
    poor = False
    if ev.service_level is not None:
        sl = fact("service_level", ev.service_level, Kind.SHARE)
        tg = fact("service_level_target", target, Kind.SHARE)
        evidence += [sl, tg]
        fr.append(f"niveau de service {sl.text('fr')} pour une cible de {tg.text('fr')}")
        en.append(f"service level {sl.text('en')} against a target of {tg.text('en')}")
        poor = ev.service_level < target - SERVICE_LEVEL_GAP
    if ev.abandon_rate is not None:
        ab = fact("abandon_rate", ev.abandon_rate, Kind.SHARE)
        evidence.append(ab)
        fr.append(f"abandon {ab.text('fr')}")
        en.append(f"abandonment {ab.text('en')}")
        poor = poor or ev.abandon_rate >= HIGH_ABANDON_RATE
    if level == "low" or (level == "medium" and poor):
        direction = Direction.OUTSOURCE
        why = Text(" : besoin d'amélioration continue", ": in need of continuous improvement")
    elif level == "high" and not poor:
        direction = Direction.KEEP
        why = Text(" : des processus documentés et stables", ": documented, stable processes")
    else:
        direction, why = Direction.NEUTRAL, Text("", "")
    return _grid("maturity", direction, tuple(evidence), " ; ".join(fr) + why.fr, "; ".join(en) + why.en)


def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value)))


CRITERIA: tuple[Callable[[FlowEvidence], Reason], ...] = (
    _grid_volume,
    _grid_complexity,
    _grid_cx,
    _grid_budget,
    _grid_channels,
    _grid_maturity,
)
