"""Reading a plan: for each flow, kept, outsourced or split, along what, in words.

All blocks in-house: ``keep``; all at providers: ``outsource`` (one provider, or several split
along bands or languages); some of each: ``hybrid``. The split is named after what the sites
differ along: the flow's hour bands, its languages, or both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from arbitre._types import FloatArray, IntArray
from arbitre.decision import wording
from arbitre.decision.evidence import Recommendation
from arbitre.decision.problem import AllocationProblem, Block
from arbitre.decision.program import INTERNAL
from arbitre.decision.wording import Text

MINUTES_PER_WEEK = 7 * 24 * 60


@dataclass(frozen=True, slots=True)
class FlowAllocation:
    """Where one flow went.

    ``recommendation`` is ``keep`` (every block in-house), ``outsource`` (every block at
    providers: one, or several split by band or language) or ``hybrid`` (some in-house, some at
    providers); ``split`` says along what the sites differ: ``band``, ``language``,
    ``band_and_language``, or None when one site takes it all. ``cost`` is the monthly cost of
    its blocks (fixed costs belong to sites, not flows).
    """

    flow: str
    recommendation: Recommendation
    split: str | None
    sites: tuple[str, ...]
    contacts_by_site: Mapping[str, float]
    cost: float
    summary: Text


def flow_allocation(p: AllocationProblem, flow: str, site: IntArray, per_block: FloatArray) -> FlowAllocation:
    """The allocation of ``flow`` from the site index of each block and each block's cost there."""
    idx = [i for i, b in enumerate(p.blocks) if b.flow == flow]
    blocks = [p.blocks[i] for i in idx]
    sites = [int(site[i]) for i in idx]
    taking = sorted(set(sites))
    contacts: dict[str, float] = {}
    for b, s in zip(blocks, sites, strict=True):
        contacts[p.sites[s]] = contacts.get(p.sites[s], 0.0) + b.contacts_per_month
    if taking == [INTERNAL]:
        recommendation = Recommendation.KEEP
    elif INTERNAL in taking:
        recommendation = Recommendation.HYBRID
    else:
        recommendation = Recommendation.OUTSOURCE
    split = None if len(taking) == 1 else _split(blocks, sites)
    return FlowAllocation(
        flow=flow,
        recommendation=recommendation,
        split=split,
        sites=tuple(p.sites[s] for s in taking),
        contacts_by_site=contacts,
        cost=float(sum(per_block[i] for i in idx)),
        summary=_describe(p, recommendation, split, blocks, sites),
    )


def _split(blocks: list[Block], sites: list[int]) -> str:
    """Along what a flow's sites differ: its bands, its languages, or both."""

    def function_of(key: str) -> bool:
        seen: dict[object, int] = {}
        return all(seen.setdefault(getattr(b, key), s) == s for b, s in zip(blocks, sites, strict=True))

    if function_of("band"):
        return "band"
    if function_of("language"):
        return "language"
    return "band_and_language"


_SPLIT_WORDS = {
    "band": Text("par tranche horaire", "by hour band"),
    "language": Text("par langue", "by language"),
    "band_and_language": Text("par tranche horaire et par langue", "by hour band and language"),
}


def _describe(
    p: AllocationProblem,
    recommendation: Recommendation,
    split: str | None,
    blocks: list[Block],
    sites: list[int],
) -> Text:
    if split is None:
        s = sites[0]
        if s == INTERNAL:
            return Text("Tout en interne", "All in-house")
        return Text(f"Tout chez {p.sites[s]}", f"All to {p.sites[s]}")
    fr_parts: list[str] = []
    en_parts: list[str] = []
    for s in sorted(set(sites)):
        mine = [b for b, t in zip(blocks, sites, strict=True) if t == s]
        fr_items, en_items = _items(mine, split)
        where = (
            Text("en interne", "in-house")
            if s == INTERNAL
            else Text(f"chez {p.sites[s]}", f"to {p.sites[s]}")
        )
        fr_parts.append(f"{wording.enumerate_words(fr_items, 'fr')} {where.fr}")
        en_parts.append(f"{wording.enumerate_words(en_items, 'en')} {where.en}")
    head = (
        Text("Hybride", "Hybrid")
        if recommendation is Recommendation.HYBRID
        else Text("Externalisé", "Outsourced")
    )
    how = _SPLIT_WORDS[split]
    return Text(f"{head.fr} {how.fr} : {' ; '.join(fr_parts)}", f"{head.en} {how.en}: {'; '.join(en_parts)}")


def _items(blocks: list[Block], split: str) -> tuple[list[str], list[str]]:
    def band(b: Block) -> Text:
        return wording.BAND_NAMES.get(b.band, Text(b.band, b.band))

    def lang(b: Block) -> Text:
        return wording.language(b.language) if b.language else Text("sans langue", "no language")

    if split == "band":
        names = [band(b) for b in blocks]
    elif split == "language":
        names = [lang(b) for b in blocks]
    else:
        names = [Text(f"{band(b).fr} ({lang(b).fr})", f"{band(b).en} ({lang(b).en})") for b in blocks]
    unique = list(dict.fromkeys(names))
    return [n.fr for n in unique], [n.en for n in unique]


def block_name(b: Block) -> Text:
    band = wording.BAND_NAMES.get(b.band, Text(b.band, b.band))
    lang = (
        Text(f", {wording.language(b.language).fr}", f", {wording.language(b.language).en}")
        if b.language
        else Text("", "")
    )
    return Text(f"le bloc {b.flow} ({band.fr}{lang.fr})", f"the block {b.flow} ({band.en}{lang.en})")


def interval_name(i: int, n: int) -> Text:
    """Interval ``i`` of ``n`` over a week from Monday 00:00: ``lundi 10:00`` / ``Monday 10:00``."""
    minute = i * MINUTES_PER_WEEK // n
    day = list(wording.WEEKDAYS.values())[minute // 1440]
    clock = f"{minute % 1440 // 60:02d}:{minute % 60:02d}"
    return Text(f"{day.fr} {clock}", f"{day.en} {clock}")
