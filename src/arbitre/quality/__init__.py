"""Quality monitoring: QA grids, every transcript checked, calibration against human graders,
risk-based sampling (docs/quality.md).

Pure engines: typed models and arrays in, arrays out; the service (`arbitre.services.quality`)
reads the store and records the results.
"""

from arbitre.quality.auto import Checked, run
from arbitre.quality.calibrate import CriterionAgreement, GraderAlignment, agreement, cohen_kappa, graders
from arbitre.quality.classify import Classifier, Reading, classify, models, train
from arbitre.quality.grid import Check, Criterion, Grid, Section, score
from arbitre.quality.rules import Answers, check
from arbitre.quality.sampling import Sample, Signals, risk, select
from arbitre.quality.text import Sentences, fold, sentences

__all__ = [
    "Answers",
    "Check",
    "Checked",
    "Classifier",
    "Criterion",
    "CriterionAgreement",
    "GraderAlignment",
    "Grid",
    "Reading",
    "Sample",
    "Section",
    "Sentences",
    "Signals",
    "agreement",
    "check",
    "classify",
    "cohen_kappa",
    "fold",
    "graders",
    "models",
    "risk",
    "run",
    "score",
    "select",
    "sentences",
    "train",
]
