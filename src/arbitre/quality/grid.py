"""QA grids as data: sections, criteria, weights, critical and bonus criteria, automatic checks.

A grid is the evaluation form a quality analyst fills in for a contact (« grille d'évaluation »):
sections (accueil, découverte, traitement, conclusion…) of criteria, each answered yes / no /
not applicable or on a scale, with a weight, guidance for the grader and, where a transcript can
tell, an automatic check (`arbitre.quality.rules`). It is a YAML file people edit; the app
database keeps every version, and every evaluation names the version it was made on.

Scoring (`score`), the usual practice of contact-centre QA:

- a criterion's weight counts within its section: the section's ``weight`` is shared between its
  criteria in proportion to theirs;
- a criterion answered *not applicable* (or not answered) leaves the score, weights and all: the
  score is 100 × Σ weight × value ÷ Σ weight over the criteria answered, where yes is 1, no is 0
  and a scale answer is (answer − min) ÷ (max − min);
- a **critical** criterion answered *no* fails the contact: its score is 0 whatever the rest;
- a **bonus** criterion is outside the base: answered yes (or on a scale) it adds up to its
  ``points`` to the score, which stays at most 100.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from arbitre._types import BoolArray, FloatArray
from arbitre.quality.phrases import any_pattern
from arbitre.quality.text import Speakers

Id = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9_.-]*$")]
Phrases = Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]], Field(min_length=1)]

YES, NO, NA = "yes", "no", "na"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Check(_Strict):
    """How a criterion is answered from a contact's transcript and record (`arbitre.quality.rules`).

    ``rule``:

    - ``mention``: one of ``phrases`` said by ``speaker`` (within its first or last ``turns``
      turns when given) — yes, else no;
    - ``greeting`` / ``closing``: ``phrases`` in the agent's first / last ``turns`` turns (1 by
      default); a closing also fails on any of ``forbidden`` there;
    - ``prohibited``: none of ``phrases`` said by ``speaker`` — yes; one said — no;
    - ``before``: one of ``phrases`` (the question, e.g. identity) said before the first of
      ``then`` (e.g. account details) — yes; ``then`` without it before — no; no ``then`` — N/A;
    - ``hold``: when the record has a hold (``hold_s`` > 0) or the transcript a hold event, the
      agent announced it (``phrases``) and, with ``max_s``, it lasted at most that — else N/A;
    - ``silence``: no gap between time-stamped lines longer than ``max_s`` beyond the time the
      earlier line takes to say (``words_per_s``); N/A without time stamps;
    - ``transfer``: when a transfer happens (an event matching ``events``), the agent announced
      it (``phrases``) before — else N/A;
    - ``sentiment``: the customer's last turns are not negative (the sentiment model) — yes.

    ``negation``: a phrase said in the negative does not count (default: on for every rule but
    ``prohibited``).
    """

    rule: Literal[
        "mention", "greeting", "closing", "prohibited", "before", "hold", "silence", "transfer", "sentiment"
    ]
    phrases: Phrases | None = None
    then: Phrases | None = None
    forbidden: Phrases | None = None
    events: Phrases | None = None
    speaker: Literal["agent", "customer", "any"] = "agent"
    turns: int | None = Field(default=None, ge=1, le=50)
    max_s: float | None = Field(default=None, gt=0)
    words_per_s: float = Field(default=2.5, gt=0)
    negation: bool | None = None

    @model_validator(mode="after")
    def _complete(self) -> Check:
        needs = {
            "mention": ("phrases",),
            "greeting": ("phrases",),
            "closing": ("phrases",),
            "prohibited": ("phrases",),
            "before": ("phrases", "then"),
            "hold": ("phrases",),
            "silence": ("max_s",),
            "transfer": ("phrases", "events"),
            "sentiment": (),
        }[self.rule]
        missing = [k for k in needs if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.rule} check needs {' and '.join(missing)}")
        for field in ("phrases", "then", "forbidden", "events"):
            value = getattr(self, field)
            if value is not None:
                try:
                    any_pattern(value)
                except ValueError as exc:
                    raise ValueError(f"{field}: {exc}") from None
        return self

    @property
    def negates(self) -> bool:
        return self.negation if self.negation is not None else self.rule != "prohibited"


class Scale(_Strict):
    min: int = 0
    max: int = Field(default=4)

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"scale max {self.max} must be above min {self.min}")
        return self


class Criterion(_Strict):
    """One question of the grid. ``answers``: ``yes_no``, ``yes_no_na`` or ``scale``."""

    id: Id
    title: str = Field(min_length=1, max_length=200)
    guidance: str | None = Field(default=None, max_length=2000)
    answers: Literal["yes_no", "yes_no_na", "scale"] = "yes_no_na"
    scale: Scale | None = None
    weight: float = Field(default=1.0, ge=0)
    critical: bool = False
    bonus: bool = False
    points: float | None = Field(default=None, gt=0, le=100)
    check: Check | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Criterion:
        if self.answers == "scale" and self.scale is None:
            raise ValueError("a scale criterion needs its scale (min and max)")
        if self.answers != "scale" and self.scale is not None:
            raise ValueError(f"scale given for a {self.answers} criterion")
        if self.critical and self.answers == "scale":
            raise ValueError("a critical criterion is answered yes or no")
        if self.critical and self.bonus:
            raise ValueError("a criterion is critical or bonus, not both")
        if self.bonus and self.points is None:
            raise ValueError("a bonus criterion needs its points")
        if not self.bonus and self.points is not None:
            raise ValueError("points are for bonus criteria (the others have a weight)")
        if self.check is not None and self.answers == "scale":
            raise ValueError("an automatic check answers yes, no or N/A: not a scale criterion")
        return self

    def value(self, answer: str) -> float:
        """The answer as a number in [0, 1] (NaN for not applicable).

        >>> Criterion(id="c", title="C", answers="scale", scale=Scale(min=1, max=5)).value("4")
        0.75
        """
        a = answer.strip().lower()
        if a in (NA, "n/a", "na", "sans objet", "so", ""):
            if self.answers == "yes_no":
                raise ValueError(f"criterion {self.id} cannot be not applicable")
            return float("nan")
        if self.answers == "scale":
            assert self.scale is not None
            try:
                v = float(a.replace(",", "."))
            except ValueError:
                raise ValueError(f"expected a number from {self.scale.min} to {self.scale.max}") from None
            if not self.scale.min <= v <= self.scale.max:
                raise ValueError(f"expected a number from {self.scale.min} to {self.scale.max}")
            return (v - self.scale.min) / (self.scale.max - self.scale.min)
        if a in (YES, "oui", "o", "y", "1", "true", "vrai", "conforme"):
            return 1.0
        if a in (NO, "non", "n", "0", "false", "faux", "non conforme"):
            return 0.0
        raise ValueError("expected yes, no" + (" or na" if self.answers == "yes_no_na" else ""))


class Section(_Strict):
    id: Id
    title: str = Field(min_length=1, max_length=200)
    weight: float = Field(default=1.0, ge=0)
    criteria: list[Criterion] = Field(min_length=1)


class TranscriptFormat(_Strict):
    """How the transcripts name their speakers (folded labels: no accents, lower case)."""

    agent_speakers: list[str] = Field(default_factory=lambda: list(Speakers().agent))
    customer_speakers: list[str] = Field(default_factory=lambda: list(Speakers().customer))
    agent_markers: list[str] = Field(default_factory=lambda: list(Speakers().agent_markers))

    def speakers(self) -> Speakers:
        import pyarrow as pa

        from arbitre.quality.text import fold

        def folded(values: list[str]) -> tuple[str, ...]:
            return tuple(str(x) for x in fold(pa.array(values, pa.string())).to_pylist())

        return Speakers(
            agent=folded(self.agent_speakers),
            customer=folded(self.customer_speakers),
            agent_markers=folded(self.agent_markers),
        )


class Calibration(_Strict):
    """Which criteria are trusted automatically: a Cohen's kappa with the human graders of at least
    ``trust_kappa`` (0.6: « substantial » agreement on the Landis & Koch scale) over at least
    ``min_pairs`` contacts graded both ways."""

    trust_kappa: float = Field(default=0.6, ge=0, le=1)
    min_pairs: int = Field(default=30, ge=1)


class Grid(_Strict):
    """A QA grid (see the module's docstring)."""

    id: Id
    title: str = Field(min_length=1, max_length=200)
    language: str = "fr"
    flows: list[str] | None = None  # the flows it evaluates (None: every flow)
    pass_score: float = Field(default=80.0, ge=0, le=100)
    calibration: Calibration = Field(default_factory=Calibration)
    transcript: TranscriptFormat = Field(default_factory=TranscriptFormat)
    sections: list[Section] = Field(min_length=1)

    @field_validator("sections")
    @classmethod
    def _unique(cls, v: list[Section]) -> list[Section]:
        seen: set[str] = set()
        for s in v:
            for c in s.criteria:
                if c.id in seen:
                    raise ValueError(f"criterion id {c.id!r} is used twice")
                seen.add(c.id)
        return v

    @model_validator(mode="after")
    def _base(self) -> Grid:
        if not any(not c.bonus and self.weight_of(c.id) > 0 for c in self.criteria):
            raise ValueError("the grid needs at least one weighted criterion that is not a bonus")
        return self

    @property
    def criteria(self) -> list[Criterion]:
        return [c for s in self.sections for c in s.criteria]

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def section_of(self, criterion_id: str) -> Section:
        return next(s for s in self.sections if any(c.id == criterion_id for c in s.criteria))

    def weight_of(self, criterion_id: str) -> float:
        """The criterion's share of the grid: its section's weight × its share of the section.

        >>> g = Grid(id="g", title="G", sections=[
        ...     Section(id="a", title="A", weight=30, criteria=[Criterion(id="x", title="X", weight=1),
        ...                                                     Criterion(id="y", title="Y", weight=2)]),
        ...     Section(id="b", title="B", weight=70, criteria=[Criterion(id="z", title="Z")])])
        >>> [g.weight_of(c) for c in ("x", "y", "z")]
        [10.0, 20.0, 70.0]
        """
        section = self.section_of(criterion_id)
        base = [c for c in section.criteria if not c.bonus]
        total = sum(c.weight for c in base)
        c = self.criterion(criterion_id)
        if c.bonus or total == 0:
            return 0.0
        return section.weight * c.weight / total

    def automatic(self) -> list[Criterion]:
        """The criteria with an automatic check."""
        return [c for c in self.criteria if c.check is not None]


def score(
    grid: Grid, values: FloatArray, *, criteria: list[str] | None = None
) -> tuple[FloatArray, BoolArray]:
    """Scores (0–100) and critical failures of contacts from their answers, vectorised.

    ``values``: one row per contact, one column per criterion of ``criteria`` (default: the grid's,
    in order), each answer as `Criterion.value` gives it (NaN: not applicable or not answered).
    Returns (score, failed): NaN where no weighted criterion was answered; 0 where a critical
    criterion is answered no (``failed`` true).

    >>> g = Grid(id="g", title="G", sections=[Section(id="s", title="S", criteria=[
    ...     Criterion(id="a", title="A", weight=3), Criterion(id="b", title="B", weight=1),
    ...     Criterion(id="c", title="C", critical=True),
    ...     Criterion(id="d", title="D", bonus=True, points=5)])])
    >>> s, f = score(g, np.array([[1, 0, 1, 0], [1, np.nan, 1, 1], [1, 1, 0, 1], [0.0, 1, 1, 1]]))
    >>> s.round(2).tolist(), f.tolist()
    ([80.0, 100.0, 0.0, 45.0], [False, False, True, False])
    """
    ids = criteria or [c.id for c in grid.criteria]
    items = [grid.criterion(i) for i in ids]
    v = np.asarray(values, dtype=np.float64).reshape(-1, len(ids))
    weight = np.array([grid.weight_of(c.id) for c in items])
    bonus = np.array([c.bonus for c in items])
    critical = np.array([c.critical for c in items])
    points = np.array([c.points or 0.0 for c in items])
    known = ~np.isnan(v)
    base_w = np.where(known & ~bonus, weight, 0.0)
    total = base_w.sum(axis=1)
    earned = (np.nan_to_num(v) * base_w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        base = np.where(total > 0, 100.0 * earned / np.where(total > 0, total, 1.0), np.nan)
    extra = (np.nan_to_num(v) * np.where(bonus, points, 0.0)).sum(axis=1)
    failed: BoolArray = ((v == 0) & critical & known).any(axis=1)
    out: FloatArray = np.where(failed, 0.0, np.minimum(base + extra, 100.0))
    return out, failed
