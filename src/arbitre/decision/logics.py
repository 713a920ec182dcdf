"""The two logics of seed 003 as rules: each reads a flow's evidence and gives a reason, or none.

The **economic logic** — hours the team cannot cover profitably (evenings, nights, weekends) and
demand outside opening hours, recurring peaks too costly to cover, large volumes of highly
scripted tasks — and the price gap to the best offer; the **competence logic** — foreign
languages the team lacks, pointed technical expertise, sensitive missions outside the core
business; and the **keep-in-house rules** — unique know-how hard to transfer, volumes too small
or too uncertain to interest a provider. Thresholds are in `arbitre.decision.thresholds`.
"""

from __future__ import annotations

from collections.abc import Callable

from arbitre.decision import wording
from arbitre.decision.evidence import Direction, Evidence, FlowEvidence, Logic, Reason, Scope
from arbitre.decision.thresholds import (
    BAND_MIN_SHARE,
    LACKING_LANGUAGES_SHARE,
    LANGUAGE_MIN_SHARE,
    LARGE_VOLUME_CONTACTS,
    MIN_KEPT_SHARE,
    OUTSIDE_HOURS_SHARE,
    OUTSIDE_HOURS_STRONG_SHARE,
    PEAK_DAY_RATIO,
    PEAK_INTERVAL_RATIO,
    PEAK_MONTH_RATIO,
    SAVINGS_MIN,
    SAVINGS_SUSPICIOUS,
    SAVINGS_TYPICAL,
    SMALL_VOLUME_CONTACTS,
    SMALL_WORKLOAD_H,
    UNCERTAIN_FORECAST_ERROR,
    UNSOCIABLE_SHARE,
    UNSOCIABLE_STRONG_SHARE,
    WEIGHT_GRID,
    WEIGHT_LOGIC,
    WEIGHT_STRONG,
)
from arbitre.decision.wording import Kind, Text

UNSOCIABLE_BANDS = ("evening", "night", "weekend")

# --- Helpers shared with the grid ------------------------------------------------------------


def fact(name: str, value: float | int | str | bool, kind: Kind) -> Evidence:
    """One piece of evidence, named as in `FlowEvidence` where it comes from there."""
    return Evidence(name, value, kind)


def contact_noun(ev: FlowEvidence) -> Text:
    """What the flow's contacts are called: calls, emails, cases…"""
    return wording.CHANNEL_NOUNS.get(ev.channel.value, Text("contacts", "contacts"))


def is_small(ev: FlowEvidence) -> bool:
    """Too few contacts, and too little work, for a provider (`SMALL_VOLUME_CONTACTS`, `SMALL_WORKLOAD_H`)."""
    return ev.contacts_per_month < SMALL_VOLUME_CONTACTS and ev.workload_h < SMALL_WORKLOAD_H


def unsociable_bands(ev: FlowEvidence) -> tuple[str, ...]:
    """The evening, night and weekend bands that carry enough of the flow to hand over."""
    return tuple(b for b in UNSOCIABLE_BANDS if ev.band_share(b) >= BAND_MIN_SHARE)


# --- Economic logic ------------------------------------------------------------------------------


def _unsociable_hours(ev: FlowEvidence) -> Reason | None:
    shares = {b: ev.band_share(b) for b in UNSOCIABLE_BANDS}
    total = sum(shares.values())
    if total < UNSOCIABLE_SHARE:
        return None
    t = fact("unsociable_share", total, Kind.SHARE)
    parts = [fact(f"{b}_share", shares[b], Kind.SHARE) for b in UNSOCIABLE_BANDS]
    noun = contact_noun(ev)
    detail_fr = ", ".join(
        f"{wording.BAND_NAMES[b].fr} {p.text('fr')}" for b, p in zip(UNSOCIABLE_BANDS, parts, strict=True)
    )
    detail_en = ", ".join(
        f"{wording.BAND_NAMES[b].en} {p.text('en')}" for b, p in zip(UNSOCIABLE_BANDS, parts, strict=True)
    )
    whole = ev.band_share("day") < MIN_KEPT_SHARE
    return Reason(
        code="unsociable_hours",
        criterion="hours",
        logic=Logic.ECONOMIC,
        direction=Direction.OUTSOURCE if whole else Direction.HYBRID,
        weight=WEIGHT_STRONG if total >= UNSOCIABLE_STRONG_SHARE else WEIGHT_LOGIC,
        evidence=(t, *parts),
        fr=f"{t.text('fr')} des {noun.fr} arrivent après {wording.clock(ev.evening_start, 'fr')} ou le "
        f"week-end ({detail_fr}) : des heures payées avec majoration en interne qu'un prestataire "
        "couvre avec ses équipes en continu",
        en=f"{t.text('en')} of {noun.en} arrive after {wording.clock(ev.evening_start, 'en')} or at the "
        f"weekend ({detail_en}): hours paid at a premium in-house that a provider covers with "
        "round-the-clock teams",
        scope=Scope(bands=unsociable_bands(ev)),
    )


def _outside_hours(ev: FlowEvidence) -> Reason | None:
    share = ev.outside_hours_share
    if share < OUTSIDE_HOURS_SHARE:
        return None
    s = fact("outside_hours_share", share, Kind.SHARE)
    evidence: tuple[Evidence, ...] = (s,)
    volume = Text("", "")
    if ev.outside_hours_per_month is not None:
        n = fact("outside_hours_per_month", ev.outside_hours_per_month, Kind.COUNT)
        evidence = (s, n)
        volume = Text(f" ({n.text('fr')} par mois)", f" ({n.text('en')} a month)")
    noun = contact_noun(ev)
    whole = 1.0 - share < MIN_KEPT_SHARE
    if ev.channel.realtime:
        fr = (
            f"{s.text('fr')} des {noun.fr} arrivent hors des horaires d'ouverture{volume.fr} : une demande "
            "que l'équipe ne sert pas aujourd'hui et qu'un prestataire ouvert plus longtemps servirait"
        )
        en = (
            f"{s.text('en')} of {noun.en} arrive outside opening hours{volume.en}: demand the team does "
            "not serve today and that a provider open longer would"
        )
    else:
        fr = (
            f"{s.text('fr')} des {noun.fr} arrivent hors des horaires d'ouverture{volume.fr} et attendent "
            "l'ouverture suivante : un prestataire ouvert plus longtemps y répondrait plus tôt"
        )
        en = (
            f"{s.text('en')} of {noun.en} arrive outside opening hours{volume.en} and wait for the next "
            "opening: a provider open longer would answer them sooner"
        )
    return Reason(
        code="demand_outside_opening_hours",
        criterion="hours",
        logic=Logic.ECONOMIC,
        direction=Direction.OUTSOURCE if whole else Direction.HYBRID,
        weight=WEIGHT_LOGIC if share >= OUTSIDE_HOURS_STRONG_SHARE else WEIGHT_GRID,
        evidence=evidence,
        fr=fr,
        en=en,
        scope=Scope(bands=unsociable_bands(ev), outside_hours=True),
    )


def _peaks(ev: FlowEvidence) -> Reason | None:
    month = ev.peak_ratio_month >= PEAK_MONTH_RATIO
    day = ev.peak_ratio_day >= PEAK_DAY_RATIO
    interval = ev.peak_ratio_interval >= PEAK_INTERVAL_RATIO
    if not (month or day or interval):
        return None
    evidence: list[Evidence] = []
    fr: list[str] = []
    en: list[str] = []
    if month:
        e = fact("peak_ratio_month", ev.peak_ratio_month, Kind.RATIO)
        evidence.append(e)
        names = [wording.MONTHS[m - 1] for m in ev.peak_months]
        when_fr = f" ({wording.enumerate_words([n.fr for n in names], 'fr')})" if names else ""
        when_en = f" ({wording.enumerate_words([n.en for n in names], 'en')})" if names else ""
        fr.append(f"le mois le plus chargé atteint {e.text('fr')} fois la moyenne{when_fr}")
        en.append(f"the busiest month reaches {e.text('en')} times the average{when_en}")
    if day:
        e = fact("peak_ratio_day", ev.peak_ratio_day, Kind.RATIO)
        evidence.append(e)
        days = [wording.day(d) for d in ev.peak_days]
        when_fr = f" ({wording.enumerate_words([d.fr for d in days], 'fr')})" if days else ""
        when_en = f" ({wording.enumerate_words([d.en for d in days], 'en')})" if days else ""
        fr.append(f"le jour le plus chargé à {e.text('fr')} fois la moyenne{when_fr}")
        en.append(f"the busiest day at {e.text('en')} times the average{when_en}")
    if interval:
        e = fact("peak_ratio_interval", ev.peak_ratio_interval, Kind.RATIO)
        evidence.append(e)
        fr.append(f"la demi-heure de pointe à {e.text('fr')} fois la moyenne")
        en.append(f"the peak half-hour at {e.text('en')} times the average")
    return Reason(
        code="recurring_peaks",
        criterion="peaks",
        logic=Logic.ECONOMIC,
        direction=Direction.HYBRID,
        weight=WEIGHT_LOGIC,
        evidence=tuple(evidence),
        fr="Pics récurrents : "
        + wording.enumerate_words(fr, "fr")
        + " ; les couvrir en interne, c'est payer une équipe en partie inoccupée le reste du temps",
        en="Recurring peaks: "
        + wording.enumerate_words(en, "en")
        + "; covering them in-house means paying a team that is partly idle the rest of the time",
        scope=Scope(overflow=True),
    )


def _scripted_volume(ev: FlowEvidence) -> Reason | None:
    if not ev.profile.scripted or ev.contacts_per_month < LARGE_VOLUME_CONTACTS:
        return None
    c = fact("contacts_per_month", ev.contacts_per_month, Kind.COUNT)
    noun = contact_noun(ev)
    return Reason(
        code="large_scripted_volume",
        criterion="scripted_volume",
        logic=Logic.ECONOMIC,
        direction=Direction.OUTSOURCE,
        weight=WEIGHT_STRONG,
        evidence=(c,),
        fr=f"{c.text('fr')} {noun.fr} par mois sur une tâche fortement scriptée : le volume sur lequel "
        "les prestataires sont les plus compétitifs",
        en=f"{c.text('en')} {noun.en} a month on a highly scripted task: the volume on which providers "
        "are most competitive",
    )


def _price(ev: FlowEvidence) -> Reason | None:
    savings = ev.savings_share
    if savings is None:
        return None
    s = fact("savings_share", savings, Kind.SHARE)
    evidence = [s]
    costs = Text("", "")
    if ev.offer_cost_per_contact is not None and ev.inhouse_cost_per_contact is not None:
        o = Evidence("offer_cost_per_contact", ev.offer_cost_per_contact, Kind.MONEY, ev.currency)
        i = Evidence("inhouse_cost_per_contact", ev.inhouse_cost_per_contact, Kind.MONEY, ev.currency)
        evidence[:0] = [o, i]
        costs = Text(
            f" revient à {o.text('fr')} par contact contre {i.text('fr')} en interne",
            f" costs {o.text('en')} per contact against {i.text('en')} in-house",
        )
        if ev.offer_covers < 0.995:
            part = fact("offer_covers", ev.offer_covers, Kind.SHARE)
            evidence.append(part)
            costs = Text(
                f" revient à {o.text('fr')} par contact pour les {part.text('fr')} des contacts qu'elle "
                f"prend, contre {i.text('fr')} en interne",
                f" costs {o.text('en')} per contact for the {part.text('en')} of contacts it takes, "
                f"against {i.text('en')} in-house",
            )
    offer = Text(f" ({ev.best_offer})", f" ({ev.best_offer})") if ev.best_offer else Text("", "")
    head = Text(f"L'offre la moins chère{offer.fr}{costs.fr}", f"The cheapest offer{offer.en}{costs.en}")
    minimum = Text("", "")
    if ev.offer_minimum is not None and ev.offer_standalone_per_contact is not None:
        m = Evidence("offer_minimum", ev.offer_minimum, Kind.MONEY, ev.currency)
        a = Evidence("offer_standalone_per_contact", ev.offer_standalone_per_contact, Kind.MONEY, ev.currency)
        evidence += [m, a]
        minimum = Text(
            f" ; seule pour ce flux, elle facturerait son minimum de {m.text('fr')} par mois "
            f"({a.text('fr')} par contact), que partagent les autres flux confiés au même prestataire",
            f"; for this flow alone it would bill its minimum of {m.text('en')} a month "
            f"({a.text('en')} per contact), which other flows sent to the same provider share",
        )
    if savings >= SAVINGS_MIN:
        check = savings > SAVINGS_SUSPICIOUS
        return Reason(
            code="offer_cheaper",
            criterion="cost",
            logic=Logic.ECONOMIC,
            direction=Direction.OUTSOURCE,
            weight=WEIGHT_LOGIC if savings >= SAVINGS_TYPICAL else WEIGHT_GRID,
            evidence=tuple(evidence),
            fr=f"{head.fr} : {s.text('fr')} d'économie"
            + (" — au-delà des 15 à 35 % habituels, l'offre est à vérifier" if check else "")
            + minimum.fr,
            en=f"{head.en}: {s.text('en')} savings"
            + (" — above the usual 15 to 35%, the offer needs checking" if check else "")
            + minimum.en,
        )
    if savings >= 0:
        fr = f"{head.fr} : seulement {s.text('fr')} d'économie, que la transition et le pilotage absorbent"
        en = f"{head.en}: only {s.text('en')} savings, which transition and governance absorb"
    else:
        gap = fact("cost_gap_share", -savings, Kind.SHARE)
        evidence[evidence.index(s)] = gap
        fr = f"{head.fr} : l'interne est moins cher (écart de {gap.text('fr')})"
        en = f"{head.en}: in-house is cheaper (a gap of {gap.text('en')})"
    fr += minimum.fr
    en += minimum.en
    return Reason(
        code="offer_not_cheaper",
        criterion="cost",
        logic=Logic.ECONOMIC,
        direction=Direction.KEEP,
        weight=WEIGHT_LOGIC,
        evidence=tuple(evidence),
        fr=fr,
        en=en,
    )


# --- Competence logic ----------------------------------------------------------------------------


def _languages(ev: FlowEvidence) -> Reason | None:
    team = {lang.lower() for lang in ev.team_languages}
    lacking = sorted(
        (
            (code, share)
            for code, share in ev.languages.items()
            if code.lower() not in team and share >= LANGUAGE_MIN_SHARE
        ),
        key=lambda cs: (-cs[1], cs[0]),
    )
    total = sum(share for _, share in lacking)
    if total < LACKING_LANGUAGES_SHARE:
        return None
    t = fact("lacking_languages_share", total, Kind.SHARE)
    each = [fact(f"language_share_{code}", share, Kind.SHARE) for code, share in lacking]
    names_fr = [
        f"en {wording.language(c).fr} ({e.text('fr')})" for (c, _), e in zip(lacking, each, strict=True)
    ]
    names_en = [f"{wording.language(c).en} ({e.text('en')})" for (c, _), e in zip(lacking, each, strict=True)]
    one = len(lacking) == 1
    whole = 1.0 - total < MIN_KEPT_SHARE
    return Reason(
        code="languages_lacking",
        criterion="languages",
        logic=Logic.COMPETENCE,
        direction=Direction.OUTSOURCE if whole else Direction.HYBRID,
        weight=WEIGHT_STRONG,
        evidence=(t, *each),
        fr=f"{t.text('fr')} des contacts sont {wording.enumerate_words(names_fr, 'fr')}, "
        + ("langue que l'équipe ne maîtrise pas" if one else "langues que l'équipe ne maîtrise pas"),
        en=f"{t.text('en')} of contacts are in {wording.enumerate_words(names_en, 'en')}, "
        + ("a language the team does not master" if one else "languages the team does not master"),
        scope=Scope(languages=tuple(code for code, _ in lacking)),
    )


def _expertise(ev: FlowEvidence) -> Reason | None:
    skill = ev.profile.expertise
    if not skill or ev.profile.unique_know_how:
        return None  # with unique know-how, the expertise is the team's own: `_know_how` speaks
    e = fact("expertise", skill, Kind.LABEL)
    return Reason(
        code="pointed_expertise",
        criterion="expertise",
        logic=Logic.COMPETENCE,
        direction=Direction.OUTSOURCE,
        weight=WEIGHT_LOGIC,
        evidence=(e,),
        fr=f"Le flux demande une expertise pointue ({skill}) : un prestataire spécialisé résout souvent "
        "mieux au premier contact qu'une équipe interne polyvalente",
        en=f"The flow needs pointed expertise ({skill}): a specialist provider often resolves more at "
        "first contact than a generalist in-house team",
    )


def _sensitive(ev: FlowEvidence) -> Reason | None:
    if not ev.profile.sensitive:
        return None
    return Reason(
        code="sensitive_mission",
        criterion="sensitivity",
        logic=Logic.COMPETENCE,
        direction=Direction.OUTSOURCE,
        weight=WEIGHT_LOGIC,
        evidence=(fact("sensitive", True, Kind.FLAG),),
        fr="Mission sensible hors du cœur de métier (recouvrement, enquêtes, prospection…) : un centre "
        "spécialisé y obtient de meilleurs résultats",
        en="A sensitive mission outside the core business (collections, surveys, prospecting…): a "
        "specialist centre gets better results",
    )


def _know_how(ev: FlowEvidence) -> Reason | None:
    if not ev.profile.unique_know_how:
        return None
    evidence = [fact("unique_know_how", True, Kind.FLAG)]
    extra = Text("", "")
    if ev.profile.expertise:
        evidence.append(fact("expertise", ev.profile.expertise, Kind.LABEL))
        extra = Text(f" ({ev.profile.expertise})", f" ({ev.profile.expertise})")
    return Reason(
        code="unique_know_how",
        criterion="know_how",
        logic=Logic.KEEP_IN_HOUSE,
        direction=Direction.KEEP,
        weight=WEIGHT_STRONG,
        evidence=tuple(evidence),
        fr=f"L'équipe a développé sur ce flux un savoir-faire unique{extra.fr}, difficilement transférable",
        en=f"The team has built unique know-how on this flow{extra.en} that would be hard to transfer",
    )


def _small_volume(ev: FlowEvidence) -> Reason | None:
    if not is_small(ev):
        return None
    c = fact("contacts_per_month", ev.contacts_per_month, Kind.COUNT)
    h = fact("workload_h", ev.workload_h, Kind.HOURS)
    noun = contact_noun(ev)
    return Reason(
        code="small_volume",
        criterion="volume",
        logic=Logic.KEEP_IN_HOUSE,
        direction=Direction.KEEP,
        weight=WEIGHT_STRONG,
        evidence=(c, h),
        fr=f"Seulement {c.text('fr')} {noun.fr} par mois ({h.text('fr')} de traitement) : trop peu pour "
        "intéresser un prestataire ou obtenir un bon tarif",
        en=f"Only {c.text('en')} {noun.en} a month ({h.text('en')} of handling): too few to interest a "
        "provider or get a good rate",
    )


def _uncertain_volume(ev: FlowEvidence) -> Reason | None:
    if ev.forecast_error is None or ev.forecast_error < UNCERTAIN_FORECAST_ERROR:
        return None
    e = fact("forecast_error", ev.forecast_error, Kind.SHARE)
    return Reason(
        code="uncertain_volume",
        criterion="volume",
        logic=Logic.KEEP_IN_HOUSE,
        direction=Direction.KEEP,
        weight=WEIGHT_LOGIC,
        evidence=(e,),
        fr=f"Volume incertain : la prévision mensuelle se trompe de {e.text('fr')} en moyenne, hors de la "
        "tolérance de volume d'un contrat ; un prestataire facturerait ce risque",
        en=f"Uncertain volume: the monthly forecast misses by {e.text('en')} on average, outside a "
        "contract's volume tolerance; a provider would charge for that risk",
    )


RULES: tuple[Callable[[FlowEvidence], Reason | None], ...] = (
    _unsociable_hours,
    _outside_hours,
    _peaks,
    _scripted_volume,
    _price,
    _languages,
    _expertise,
    _sensitive,
    _know_how,
    _small_volume,
    _uncertain_volume,
)
