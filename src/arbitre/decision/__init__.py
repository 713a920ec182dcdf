"""The make-or-buy decision: qualification of each flow, allocation across offers, scenarios."""

from __future__ import annotations

from arbitre.decision.allocate import Allocation, all_in_house_cost, allocate
from arbitre.decision.evidence import (
    Direction,
    Evidence,
    FlowEvidence,
    Logic,
    Qualification,
    Reason,
    Recommendation,
    Scope,
)
from arbitre.decision.plan import FlowAllocation
from arbitre.decision.problem import AllocationProblem, Block
from arbitre.decision.qualify import qualify, recommend
from arbitre.decision.wording import Kind, Text

__all__ = [
    "Allocation",
    "AllocationProblem",
    "Block",
    "Direction",
    "Evidence",
    "FlowAllocation",
    "FlowEvidence",
    "Kind",
    "Logic",
    "Qualification",
    "Reason",
    "Recommendation",
    "Scope",
    "Text",
    "all_in_house_cost",
    "allocate",
    "qualify",
    "recommend",
]
