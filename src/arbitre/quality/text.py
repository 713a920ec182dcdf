"""Transcripts as arrays of sentences: who said each one, when, and a folded copy to match on.

The checks run on every transcript of a month at once, so the text work is columnar (Arrow's
compute functions, RE2 regular expressions in C++): transcripts → lines → turns with their
speaker → sentences. Each sentence keeps its original wording (the evidence a reviewer reads)
beside a *folded* copy — lower case, accents and ligatures removed, typographic apostrophes made
plain — on which the phrase patterns (`arbitre.quality.phrases`) are matched, so « Vérifié »,
« verifie » and « VÉRIFIÉ » are one word and a word boundary never falls inside « réputé ».

A transcript is lines of ``Speaker : text``, optionally led by a time stamp (``[01:23]`` or
``[00:01:23]``, from the start of the contact) and by a bracketed tag (``[MP]``); a line without a
speaker continues the previous turn; a line wholly in brackets (``[mise en attente]``) is an
event of the platform, not speech. Speakers are told apart by the grid's lists of agent and
customer labels; an e-mail's reply starts at a marker line (``--- Réponse ---``), after which
unlabelled lines are the agent's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arbitre._types import BoolArray, FloatArray, IntArray

AGENT, CUSTOMER, EVENT = 0, 1, 2
ROLES = ("agent", "customer", "event")

# [ts] [tag] Speaker : text — the speaker is at most 40 characters without a colon.
_LINE = (
    r"^\s*(?:\[(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)\]\s*)?(?:\[[^\]]{0,20}\]\s*)?"
    r"(?:(?P<who>[^:\[\]\n]{1,40}?)\s*:\s+)?(?P<said>.*?)\s*$"
)
_EVENT = r"^\[[^\]]*\]$"
# Sentence ends: . ! ? … followed by space; the mark stays with its sentence.
_SENTENCE_END = r"([.!?…]+)\s+"


def fold(text: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Lower case, no accents (é → e, ç → c), ligatures spelled out (œ → oe), plain apostrophes.

    >>> fold(pa.array(["Œuvre VÉRIFIÉE l’été", None])).to_pylist()
    ["oeuvre verifiee l'ete", None]
    """
    low = pc.utf8_lower(text)
    low = pc.replace_substring(low, "œ", "oe")
    low = pc.replace_substring(low, "æ", "ae")
    decomposed = pc.utf8_normalize(low, form="NFKD")
    plain = pc.replace_substring_regex(decomposed, r"\p{Mn}+", "")
    plain = pc.replace_substring_regex(plain, "[’‘`´ʼ]", "'")
    out = pc.replace_substring_regex(plain, r"[\x{00A0}\x{202F}\t]", " ")
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


@dataclass(frozen=True)
class Speakers:
    """Labels that name the agent or the customer (folded), and lines where the agent's reply starts."""

    agent: tuple[str, ...] = ("conseiller", "conseillere", "agent", "teleconseiller", "operateur")
    customer: tuple[str, ...] = ("client", "cliente", "appelant", "appelante")
    agent_markers: tuple[str, ...] = ("--- reponse ---",)


@dataclass(frozen=True)
class Sentences:
    """Every sentence of a batch of transcripts, in order (by contact, then position).

    ``contact``: index of the transcript in the batch; ``turn``: index of the speaking turn within
    its transcript (0-based); ``role``: `AGENT`, `CUSTOMER` or `EVENT`; ``at_s``: time stamp of the
    line in seconds (NaN without one); ``text``: as written; ``folded``: as matched (`fold`).
    ``turns`` holds, per contact, its number of turns.
    """

    contact: IntArray
    turn: IntArray
    role: IntArray
    at_s: FloatArray
    text: pa.Array
    folded: pa.Array
    turns: IntArray

    @property
    def n(self) -> int:
        return int(self.contact.shape[0])

    def is_agent(self) -> BoolArray:
        return np.asarray(self.role == AGENT)


def sentences(transcripts: Sequence[str | None] | pa.Array, speakers: Speakers | None = None) -> Sentences:
    """Split transcripts into sentences with their speaker, turn and time stamp.

    >>> s = sentences(["Client : Bonjour. J'ai un souci.\\nConseiller : Je regarde !", None])
    >>> [(int(c), int(t), ROLES[r], x) for c, t, r, x in zip(s.contact, s.turn, s.role, s.text.to_pylist())]
    [(0, 0, 'customer', 'Bonjour.'), (0, 0, 'customer', "J'ai un souci."), (0, 1, 'agent', 'Je regarde !')]
    >>> s.turns.tolist()
    [2, 0]
    """
    who_is = speakers or Speakers()
    docs = pa.array(transcripts, type=pa.string()) if not isinstance(transcripts, pa.Array) else transcripts
    n_docs = len(docs)
    docs = pc.fill_null(docs.cast(pa.string()), "")
    lines_list = pc.split_pattern(pc.replace_substring(docs, "\r\n", "\n"), "\n")
    doc_of_line = np.asarray(pc.list_parent_indices(lines_list), dtype=np.int64)
    lines = pc.list_flatten(lines_list)
    parts = pc.extract_regex(lines, _LINE)
    ts = parts.field("ts")
    who = fold(parts.field("who"))
    said = parts.field("said")
    is_event = np.asarray(pc.match_substring_regex(pc.utf8_trim_whitespace(lines), _EVENT), dtype=bool)
    folded_line = fold(pc.utf8_trim_whitespace(lines))
    marker = np.asarray(pc.is_in(folded_line, value_set=pa.array(list(who_is.agent_markers))), dtype=bool)
    labelled = np.asarray(pc.fill_null(pc.not_equal(who, ""), False), dtype=bool) & ~is_event
    is_agent_label = np.asarray(
        pc.fill_null(pc.is_in(who, value_set=pa.array(list(who_is.agent), pa.string())), False), dtype=bool
    )
    # A labelled line: agent if its label is an agent's, customer otherwise (the other party).
    line_role = np.full(len(lines), -1, dtype=np.int64)
    line_role[labelled] = np.where(is_agent_label[labelled], AGENT, CUSTOMER)
    line_role[is_event] = EVENT
    line_role[marker] = AGENT  # the marker starts the agent's reply…
    # …and unlabelled lines continue the previous turn (or, first in their transcript, the customer's).
    known = line_role >= 0
    first_line = np.r_[True, doc_of_line[1:] != doc_of_line[:-1]] if len(lines) else np.zeros(0, dtype=bool)
    anchor = np.where(known | first_line, np.arange(len(lines)), -1)
    anchor = np.maximum.accumulate(anchor) if len(lines) else anchor
    role = np.where(anchor >= 0, line_role[np.maximum(anchor, 0)], CUSTOMER)
    role = np.where(role < 0, CUSTOMER, role)
    text = pc.if_else(pa.array(labelled), said, pc.utf8_trim_whitespace(lines))
    empty = np.asarray(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(text)), 0), dtype=bool)
    keep = ~empty & ~marker
    # Turns: consecutive kept lines of one speaker in one transcript are one turn.
    kept_doc = doc_of_line[keep]
    kept_role = role[keep]
    turns_per_doc = np.zeros(n_docs, dtype=np.int64)
    if kept_doc.size:
        first_of_doc = np.r_[True, kept_doc[1:] != kept_doc[:-1]]
        new_turn = first_of_doc | np.r_[True, kept_role[1:] != kept_role[:-1]]
        running = np.cumsum(new_turn) - 1
        local_turn = running - np.maximum.accumulate(np.where(first_of_doc, running, 0))
        np.maximum.at(turns_per_doc, kept_doc, local_turn + 1)
    else:
        local_turn = np.zeros(0, dtype=np.int64)
    line_at = _seconds(ts)
    kept_lines = pc.filter(text, pa.array(keep))
    # Sentences of each kept line (an event line is one sentence).
    split = pc.split_pattern(pc.replace_substring_regex(kept_lines, _SENTENCE_END, "\\1\n"), "\n")
    line_of_sentence = np.asarray(pc.list_parent_indices(split), dtype=np.int64)
    sent = pc.utf8_trim_whitespace(pc.list_flatten(split))
    nonempty = np.asarray(pc.greater(pc.utf8_length(sent), 0), dtype=bool)
    sent = pc.filter(sent, pa.array(nonempty))
    line_of_sentence = line_of_sentence[nonempty]
    kept_at = line_at[keep]
    return Sentences(
        contact=kept_doc[line_of_sentence],
        turn=local_turn[line_of_sentence],
        role=kept_role[line_of_sentence],
        at_s=kept_at[line_of_sentence],
        text=sent,
        folded=fold(sent),
        turns=turns_per_doc,
    )


def _seconds(ts: pa.Array) -> FloatArray:
    """``mm:ss`` or ``hh:mm:ss`` as seconds; NaN where absent.

    >>> _seconds(pa.array(["01:23", "1:00:05", None])).tolist()
    [83.0, 3605.0, nan]
    """
    parts = pc.extract_regex(ts, r"^(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>\d+)$")

    def num(name: str) -> FloatArray:
        field = pc.if_else(pc.equal(parts.field(name), ""), None, parts.field(name))
        return np.asarray(pc.cast(field, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)

    h = np.nan_to_num(num("h"))
    out: FloatArray = 3600.0 * h + 60.0 * num("m") + num("s")
    return out
