"""The typed documents quality monitoring hands between layers (service → CLI, reports, JSON)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True)


class GridStored(_Doc):
    grid_id: str
    version: int
    unchanged: bool
    criteria: int
    automatic: int


class EvaluationImport(_Doc):
    file: str
    grid_id: str
    grid_version: int
    rows: int
    evaluations: int
    inserted: int
    updated: int
    graders: list[str]
    contacts: int
    mean_score: float | None


class Dispute(_Doc):
    id: str
    evaluation_id: str
    contact_id: str
    site: str
    grader: str
    criterion: str
    proposed: str
    previous: str | None
    status: str
    reason: str
    raised_by: str
    raised_at: str
    decided_by: str | None = None
    decided_at: str | None = None
    note: str | None = None
    score_before: float | None = None
    score_after: float | None = None


class CriterionCount(_Doc):
    criterion: str
    title: str
    yes: int
    no: int
    na: int
    compliance: float | None  # yes ÷ (yes + no)
    trusted: bool


class CheckSummary(_Doc):
    run_id: str
    grid_id: str
    grid_version: int
    month: str
    contacts: int  # contacts of the grid's flows in the month
    checked: int  # those with a transcript
    seconds: float
    per_second: float | None
    features: str
    mean_score: float | None
    critical_rate: float | None
    trusted: list[str]
    calibrated: bool
    criteria: list[CriterionCount]
    reasons: dict[str, int]
    escalations: int
    file: str


class CriterionCalibration(_Doc):
    criterion: str
    title: str
    automatic: bool
    pairs: int
    agreement: float | None
    kappa: float | None
    pabak: float | None = None
    measure: str = "kappa"  # held to the threshold: kappa, or pabak when one answer is rare
    confusion: list[list[int]]  # human rows × automatic columns: yes, no, na
    trusted: bool


class GraderDoc(_Doc):
    grader: str
    evaluations: int
    mean_score: float | None
    answers_compared: int
    agreement: float | None
    kappa: float | None
    contacts_shared: int
    leniency: float | None  # points above the others on the same contacts


class Calibration(_Doc):
    id: str
    grid_id: str
    grid_version: int
    trust_kappa: float
    min_pairs: int
    contacts: int  # contacts graded by hand and checked automatically
    criteria: list[CriterionCalibration]
    trusted: list[str]
    graders: list[GraderDoc]
    strictest: str | None
    most_lenient: str | None
    rescored_runs: int


class SampledContact(_Doc):
    contact_id: str
    site: str
    flow: str
    agent_id: str | None
    score: float | None
    risk: float
    why: str
    signals: list[str]


class Share(_Doc):
    key: str
    eligible: int
    sampled: int
    share: float


class SampleDoc(_Doc):
    month: str
    grid_id: str
    eligible: int
    sampled: int
    share: float
    contacts: list[SampledContact]
    by_agent: list[Share]
    by_flow: list[Share]
    template: str | None = None


class CriterionMonth(_Doc):
    criterion: str
    title: str
    critical: bool
    automatic: bool
    compliance: float | None
    answered: int
    kappa: float | None
    pairs: int
    status: str  # trusted, human, not_automatic


class GapDoc(_Doc):
    criterion: str
    title: str
    contacts: int
    failures: int
    rate: float
    others_rate: float
    p_value: float


class FlaggedAgent(_Doc):
    agent_id: str
    site: str
    contacts: int
    score: float
    below_pass: bool
    gaps: list[GapDoc]


class QualityMonth(_Doc):
    grid_id: str
    grid_version: int
    grid_title: str
    month: str
    pass_score: float
    trust_kappa: float
    contacts: int
    checked: int
    auto_score: float | None
    auto_critical_rate: float | None
    evaluated: int
    human_score: float | None
    human_critical_rate: float | None
    criteria: list[CriterionMonth]
    flagged_agents: list[FlaggedAgent]
    graders: list[GraderDoc]
    strictest: str | None
    most_lenient: str | None
    disputes: dict[str, int]
    reasons: dict[str, int]
