"""Every contact checked: the automatic answers, the contact's automatic score and its reading.

One call for a batch of contacts: the transcripts are split once (`arbitre.quality.text`), the
customer's turns classified (`arbitre.quality.classify`), every automatic criterion answered
with its evidence (`arbitre.quality.rules`), then the contact scored on the grid
(`arbitre.quality.grid.score`) over the criteria the calibration trusts — all the automatic ones
until a calibration says otherwise. Criteria that stay human are left out of the automatic
score (as if not applicable), never guessed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from arbitre._types import BoolArray, FloatArray
from arbitre.quality.classify import Features, Reading, classify
from arbitre.quality.grid import Grid, score
from arbitre.quality.rules import Answers, check
from arbitre.quality.text import sentences


@dataclass(frozen=True)
class Checked:
    """The automatic evaluation of a batch: answers with evidence, score (NaN: no transcript),
    critical failure (on the scored criteria), and the classifiers' reading."""

    answers: Answers
    score: FloatArray
    critical: BoolArray
    reading: Reading
    scored: list[str]  # the criteria the score counts


def run(
    grid: Grid,
    transcripts: pa.Array,
    *,
    hold_s: FloatArray | None = None,
    trusted: Collection[str] | None = None,
    features: Features = "tfidf",
) -> Checked:
    """Check ``transcripts`` against ``grid`` (see the module's docstring).

    ``trusted``: the criteria the calibration trusts (None: every automatic criterion).
    """
    n = len(transcripts)
    s = sentences(transcripts, grid.transcript.speakers())
    reading = classify(s, n, features=features)
    answers = check(grid, transcripts, hold_s=hold_s, negative=reading.negative, parsed=s)
    scored = [c for c in answers.criteria if trusted is None or c in trusted]
    keep = [answers.criteria.index(c) for c in scored]
    values = answers.values()[:, keep] if keep else np.full((n, 0), np.nan)
    if scored:
        result, failed = score(grid, values, criteria=scored)
    else:
        result, failed = np.full(n, np.nan), np.zeros(n, dtype=bool)
    checked = (answers.code[:, 0] != -2) if answers.code.shape[1] else np.zeros(n, dtype=bool)
    return Checked(
        answers=answers,
        score=np.where(checked, result, np.nan),
        critical=failed & checked,
        reading=reading,
        scored=scored,
    )
