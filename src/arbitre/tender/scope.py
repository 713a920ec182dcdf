"""What a tender buys, read from the decision: the flows, hour bands and languages it outsources.

The recommended plan of a decision (`arbitre.decision.document.DecisionDocument`) puts each block
of a flow — an hour band, and a language when the flow has several — at one site: the in-house
team (``internal``) or an offer. The tender's scope is what goes outside: every flow with at
least one block at an offer, the bands of those blocks (a block of band ``all`` — written work,
handled across the bands — brings every band), and their languages (a block of no language
speaks the flow's languages, which the caller reads from the history).

`arbitre.domain.tender.Scope` holds one list of bands and one of languages for the whole
tender: they are the union over the outsourced flows (a flow outsourced only in the evening
is asked in the day band too when another flow goes out all day — docs/tender.md says so).
"""

from __future__ import annotations

from dataclasses import dataclass

from arbitre.decision.blocks import ALL, INTERNAL
from arbitre.decision.document import DecisionDocument
from arbitre.domain.tender import BANDS, Band


@dataclass(frozen=True, slots=True)
class OutsourcedScope:
    """The flows a decision outsources (in its order), their bands (in `BANDS` order), the
    languages of their outsourced blocks, and the flows whose blocks carry no language (their
    languages are the history's)."""

    decision_id: str | None
    flows: tuple[str, ...]
    bands: tuple[Band, ...]
    languages: tuple[str, ...]
    any_language: tuple[str, ...]


def outsourced_scope(decision: DecisionDocument) -> OutsourcedScope | None:
    """The scope the decision's recommended allocation sends to providers; None when it keeps
    every block in-house.

    >>> from types import SimpleNamespace as N
    >>> block = lambda band, lang, site: N(band=band, language=lang, site=site)
    >>> d = N(decision_id="d1", flows=[
    ...     N(flow="voice", allocation=[block("day", None, "internal"), block("evening", None, "mada")]),
    ...     N(flow="intl", allocation=[block("day", "en", "lingua"), block("day", "de", "internal")]),
    ...     N(flow="mail", allocation=[block("all", None, "internal")])])
    >>> outsourced_scope(d)  # doctest: +NORMALIZE_WHITESPACE
    OutsourcedScope(decision_id='d1', flows=('voice', 'intl'), bands=('day', 'evening'),
                    languages=('en',), any_language=('voice',))
    """
    flows: list[str] = []
    bands: set[str] = set()
    languages: set[str] = set()
    any_language: list[str] = []
    for f in decision.flows:
        out = [b for b in f.allocation if b.site != INTERNAL]
        if not out:
            continue
        flows.append(f.flow)
        for b in out:
            bands.update(BANDS if b.band == ALL else [b.band])
            if b.language is None:
                if f.flow not in any_language:
                    any_language.append(f.flow)
            else:
                languages.add(b.language)
    if not flows:
        return None
    return OutsourcedScope(
        decision_id=decision.decision_id,
        flows=tuple(flows),
        bands=tuple(b for b in BANDS if b in bands),
        languages=tuple(sorted(languages)),
        any_language=tuple(any_language),
    )


__all__ = ["OutsourcedScope", "outsourced_scope"]
