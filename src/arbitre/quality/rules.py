"""Automatic answers to a grid's criteria, for every transcript of a batch at once, with evidence.

Each `arbitre.quality.grid.Check` becomes masks over the batch's sentences
(`arbitre.quality.text.Sentences`): a phrase list matched with RE2 on the folded text, minus the
sentences where it is said in the negative, restricted to a speaker and to a window of turns.
Reductions per contact (first or last matching sentence) give the answer — yes, no or not
applicable — and its evidence: the sentence that decided it, as written, or for the checks on
the record the figure that did (``hold_s = 95``). Everything is arrays; no loop over contacts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.quality.grid import Check, Grid
from arbitre.quality.phrases import any_pattern, negation_pattern
from arbitre.quality.text import AGENT, CUSTOMER, EVENT, Sentences, sentences

YES, NO, NA, UNCHECKED = 1, 0, -1, -2
ANSWER_NAMES = {YES: "yes", NO: "no", NA: "na", UNCHECKED: "unchecked"}
Code = npt.NDArray[np.int8]


@dataclass(frozen=True)
class Answers:
    """Automatic answers of a batch: ``code[i, j]`` for contact i and criterion ``criteria[j]``
    (`YES`, `NO`, `NA`; `UNCHECKED` for a contact without transcript), ``evidence[j]`` the
    sentence (or record figure) behind each answer, null where nothing decided it."""

    criteria: list[str]
    code: Code
    evidence: list[pa.Array]

    def values(self) -> FloatArray:
        """The answers as `arbitre.quality.grid.score` reads them (yes 1, no 0, else NaN)."""
        out: FloatArray = np.where(self.code == YES, 1.0, np.where(self.code == NO, 0.0, np.nan))
        return out


def check(
    grid: Grid,
    transcripts: pa.Array | list[str | None],
    *,
    hold_s: FloatArray | None = None,
    negative: BoolArray | None = None,
    parsed: Sentences | None = None,
) -> Answers:
    """Answer every automatic criterion of ``grid`` for each transcript.

    ``hold_s``: the record's hold time per contact (NaN: unknown); ``negative``: per contact,
    whether the sentiment model reads the customer's last turns as negative (the ``sentiment``
    rule; `arbitre.quality.classify`); ``parsed``: the transcripts' sentences when already split.
    A contact without transcript is `UNCHECKED` throughout.
    """
    docs = transcripts if isinstance(transcripts, pa.Array) else pa.array(transcripts, type=pa.string())
    n = len(docs)
    s = parsed if parsed is not None else sentences(docs, grid.transcript.speakers())
    has_text = np.asarray(pc.fill_null(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(docs)), 0), False))
    hold = np.full(n, np.nan) if hold_s is None else np.asarray(hold_s, dtype=np.float64)
    crits = grid.automatic()
    code = np.full((n, len(crits)), UNCHECKED, dtype=np.int8)
    evidence: list[pa.Array] = []
    ctx = _Context(s, n)
    for j, c in enumerate(crits):
        assert c.check is not None
        answer, said = _RULES[c.check.rule](ctx, c.check, hold, negative)
        code[:, j] = np.where(has_text, answer, UNCHECKED)
        evidence.append(pc.if_else(pa.array(has_text), said, pa.nulls(n, pa.string())))
    return Answers(criteria=[c.id for c in crits], code=code, evidence=evidence)


class _Context:
    """Per batch: the sentences and the turn ranks each rule needs, computed once."""

    def __init__(self, s: Sentences, n: int) -> None:
        self.s = s
        self.n = n
        self._hits: dict[tuple[str, bool], BoolArray] = {}
        self._rank: dict[int, tuple[IntArray, IntArray]] = {}

    def hits(self, phrases: list[str], *, negation: bool) -> BoolArray:
        """Sentences saying one of ``phrases`` (not in the negative, with ``negation``)."""
        key = ("\x1f".join(phrases), negation)
        if key not in self._hits:
            pattern = any_pattern(phrases)
            hit = np.asarray(pc.match_substring_regex(self.s.folded, pattern), dtype=bool)
            if negation and hit.any():
                neg = np.zeros_like(hit)
                neg[hit] = np.asarray(
                    pc.match_substring_regex(
                        pc.filter(self.s.folded, pa.array(hit)), negation_pattern(pattern)
                    ),
                    dtype=bool,
                )
                hit &= ~neg
            self._hits[key] = hit
        return self._hits[key]

    def speaker(self, who: str) -> BoolArray:
        if who == "any":
            return np.asarray(self.s.role != EVENT)
        return np.asarray(self.s.role == (AGENT if who == "agent" else CUSTOMER))

    def ranks(self, role: int) -> tuple[IntArray, IntArray]:
        """For each sentence of ``role``: the rank of its turn among that speaker's turns of the
        contact, from the start and from the end (0 = first / last); -1 for other sentences."""
        if role not in self._rank:
            s = self.s
            mask = s.role == role
            idx = np.flatnonzero(mask)
            first = np.full(s.n, -1, dtype=np.int64)
            last = np.full(s.n, -1, dtype=np.int64)
            if idx.size:
                c, t = s.contact[idx], s.turn[idx]
                new_contact = np.r_[True, c[1:] != c[:-1]]
                new_turn = new_contact | np.r_[True, t[1:] != t[:-1]]
                running = np.cumsum(new_turn) - 1
                base = np.maximum.accumulate(np.where(new_contact, running, 0))
                rank = running - base
                count = np.zeros(self.n, dtype=np.int64)
                np.maximum.at(count, c, rank + 1)
                first[idx] = rank
                last[idx] = count[c] - 1 - rank
            self._rank[role] = (first, last)
        return self._rank[role]

    def first(self, mask: BoolArray) -> IntArray:
        """Per contact, the index of its first sentence in ``mask`` (-1: none)."""
        out = np.full(self.n, -1, dtype=np.int64)
        idx = np.flatnonzero(mask)[::-1]
        out[self.s.contact[idx]] = idx  # later writes win: reversed, the first one stays
        return out

    def last(self, mask: BoolArray) -> IntArray:
        out = np.full(self.n, -1, dtype=np.int64)
        idx = np.flatnonzero(mask)
        out[self.s.contact[idx]] = idx
        return out

    def text(self, index: IntArray) -> pa.Array:
        """The sentence at each index, null at -1."""
        return self.s.text.take(pa.array(index, type=pa.int64(), mask=index < 0))


def _role(who: str) -> int:
    return AGENT if who == "agent" else CUSTOMER


def _window(ctx: _Context, check: Check, *, default_from: str | None) -> BoolArray:
    """The sentences a phrase may be said in: the speaker's, within its first or last turns."""
    mask = ctx.speaker(check.speaker)
    where = default_from
    turns = check.turns or (1 if where else None)
    if turns is None or check.speaker == "any" or where is None:
        return mask
    first, last = ctx.ranks(_role(check.speaker))
    rank = first if where == "first" else last
    out: BoolArray = mask & (rank >= 0) & (rank < turns)
    return out


def _found(ctx: _Context, mask: BoolArray, *, last: bool = False) -> tuple[Code, pa.Array]:
    at = ctx.last(mask) if last else ctx.first(mask)
    return np.where(at >= 0, YES, NO).astype(np.int8), ctx.text(at)


def _mention(ctx: _Context, check: Check, _hold: FloatArray, _neg: BoolArray | None) -> tuple[Code, pa.Array]:
    assert check.phrases is not None
    where = None if check.turns is None else "first"
    mask = ctx.hits(check.phrases, negation=check.negates) & _window(ctx, check, default_from=where)
    return _found(ctx, mask)


def _greeting(
    ctx: _Context, check: Check, _hold: FloatArray, _neg: BoolArray | None
) -> tuple[Code, pa.Array]:
    assert check.phrases is not None
    mask = ctx.hits(check.phrases, negation=check.negates) & _window(ctx, check, default_from="first")
    return _found(ctx, mask)


def _closing(ctx: _Context, check: Check, _hold: FloatArray, _neg: BoolArray | None) -> tuple[Code, pa.Array]:
    assert check.phrases is not None
    window = _window(ctx, check, default_from="last")
    said, evidence = _found(ctx, ctx.hits(check.phrases, negation=check.negates) & window, last=True)
    if check.forbidden:
        rude = ctx.first(ctx.hits(check.forbidden, negation=False) & window)
        bad = rude >= 0
        said = np.where(bad, NO, said).astype(np.int8)
        evidence = pc.if_else(pa.array(bad), ctx.text(rude), evidence)
    return said, evidence


def _prohibited(
    ctx: _Context, check: Check, _hold: FloatArray, _neg: BoolArray | None
) -> tuple[Code, pa.Array]:
    assert check.phrases is not None
    mask = ctx.hits(check.phrases, negation=check.negates) & _window(ctx, check, default_from=None)
    at = ctx.first(mask)
    return np.where(at >= 0, NO, YES).astype(np.int8), ctx.text(at)


def _before(ctx: _Context, check: Check, _hold: FloatArray, _neg: BoolArray | None) -> tuple[Code, pa.Array]:
    assert check.phrases is not None and check.then is not None
    speaker = ctx.speaker(check.speaker)
    asked = ctx.first(ctx.hits(check.phrases, negation=check.negates) & speaker)
    then = ctx.first(ctx.hits(check.then, negation=check.negates) & speaker)
    ok = (then >= 0) & (asked >= 0) & (asked < then)
    answer = np.where(then < 0, NA, np.where(ok, YES, NO)).astype(np.int8)
    return answer, ctx.text(np.where(ok, asked, np.where(then >= 0, then, -1)))


def _hold(ctx: _Context, check: Check, hold: FloatArray, _neg: BoolArray | None) -> tuple[Code, pa.Array]:
    assert check.phrases is not None
    held = np.nan_to_num(hold) > 0
    told = ctx.first(ctx.hits(check.phrases, negation=check.negates) & ctx.speaker(check.speaker))
    too_long = held & (hold > check.max_s) if check.max_s is not None else np.zeros(ctx.n, dtype=bool)
    answer = np.where(~held, NA, np.where((told >= 0) & ~too_long, YES, NO)).astype(np.int8)
    figure = pa.array([f"hold_s = {h:g}" for h in np.nan_to_num(hold)], type=pa.string())
    evidence = pc.if_else(pa.array(too_long | (held & (told < 0))), figure, ctx.text(told))
    return answer, pc.if_else(pa.array(held), evidence, pa.nulls(ctx.n, pa.string()))


def _silence(ctx: _Context, check: Check, _hold: FloatArray, _neg: BoolArray | None) -> tuple[Code, pa.Array]:
    s = ctx.s
    limit = float(check.max_s or 0)
    stamped = np.isfinite(s.at_s) & (s.role != EVENT)
    idx = np.flatnonzero(stamped)
    answer = np.full(ctx.n, NA, dtype=np.int8)
    if idx.size:
        # A line is its run of sentences with one time stamp; it takes words ÷ words_per_s to say.
        c, at = s.contact[idx], s.at_s[idx]
        words = np.asarray(pc.count_substring_regex(s.text.take(pa.array(idx)), r"\S+"), dtype=np.float64)
        line_start = np.r_[True, (c[1:] != c[:-1]) | (at[1:] != at[:-1])]
        starts = np.flatnonzero(line_start)
        line_words = np.add.reduceat(words, starts)
        lc, lat = c[starts], at[starts]
        gap = np.r_[lat[1:] - lat[:-1] - line_words[:-1] / check.words_per_s, -np.inf]
        gap[np.r_[lc[1:] != lc[:-1], True]] = -np.inf  # no gap across contacts
        worst = np.full(ctx.n, -np.inf)
        np.maximum.at(worst, lc, gap)
        has = np.zeros(ctx.n, dtype=bool)
        has[lc] = True
        answer = np.where(has, np.where(worst > limit, NO, YES), NA).astype(np.int8)
        text = [
            None if a != NO else f"silence {w:.0f} s > {limit:g} s"
            for a, w in zip(answer.tolist(), worst.tolist(), strict=True)
        ]
        return answer, pa.array(text, type=pa.string())
    return answer, pa.nulls(ctx.n, pa.string())


def _transfer(
    ctx: _Context, check: Check, _hold: FloatArray, _neg: BoolArray | None
) -> tuple[Code, pa.Array]:
    assert check.phrases is not None and check.events is not None
    event = ctx.first(ctx.hits(check.events, negation=False) & (ctx.s.role == EVENT))
    told = ctx.first(ctx.hits(check.phrases, negation=check.negates) & ctx.speaker(check.speaker))
    ok = (told >= 0) & (told < event)
    answer = np.where(event < 0, NA, np.where(ok, YES, NO)).astype(np.int8)
    return answer, ctx.text(np.where(ok, told, event))


def _sentiment(
    ctx: _Context, check: Check, _hold: FloatArray, negative: BoolArray | None
) -> tuple[Code, pa.Array]:
    _, last = ctx.ranks(CUSTOMER)
    turns = check.turns or 1
    closing = ctx.last((last >= 0) & (last < turns))
    if negative is None:
        return np.full(ctx.n, NA, dtype=np.int8), pa.nulls(ctx.n, pa.string())
    answer = np.where(closing < 0, NA, np.where(negative, NO, YES)).astype(np.int8)
    return answer, ctx.text(closing)


_RULES = {
    "mention": _mention,
    "greeting": _greeting,
    "closing": _closing,
    "prohibited": _prohibited,
    "before": _before,
    "hold": _hold,
    "silence": _silence,
    "transfer": _transfer,
    "sentiment": _sentiment,
}
