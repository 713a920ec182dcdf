"""What changed from one decision to the next: the inputs a manager changed, the recommendation,
the savings, and each flow's recommendation and allocation — a pure comparison of two documents."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel

from arbitre.decision.document import DecisionDocument, FlowDecision

#: The frame's inputs the decision page lets a manager change, as ``decision.yaml`` names them.
FRAME_INPUTS = (
    "term_months",
    "discount_rate",
    "max_share_per_provider",
    "volume_growth_per_year",
    "budget",
    "keep_in_house",
)


class InputChange(BaseModel):
    """One input of the frame, or the offers included, before and after (as text)."""

    name: str
    before: str
    after: str


class FlowChange(BaseModel):
    """One flow whose recommendation or allocation moved: each as ``band: site`` by block."""

    flow: str
    recommendation_before: str | None
    recommendation_after: str | None
    allocation_before: list[str]
    allocation_after: list[str]


class DecisionChange(BaseModel):
    """The later decision against the earlier one."""

    before_id: str | None
    after_id: str | None
    inputs: list[InputChange]
    recommended_before: str
    recommended_after: str
    savings_before: Decimal
    savings_after: Decimal
    savings_npv_before: Decimal
    savings_npv_after: Decimal
    flows: list[FlowChange]

    @property
    def savings_difference(self) -> Decimal:
        return self.savings_after - self.savings_before


def compare(before: DecisionDocument, after: DecisionDocument) -> DecisionChange:
    """``after`` against ``before``: the inputs that differ, the recommended scenario and its
    savings over the term (nominal and present value), and the flows whose recommendation or
    allocation differs (a flow in one decision only is listed with ``None`` on the other side)."""
    old, new = before.recommended_scenario, after.recommended_scenario
    names = sorted({f.flow for f in before.flows} | {f.flow for f in after.flows})
    flows = []
    for name in names:
        a, b = before.flow(name), after.flow(name)
        change = FlowChange(
            flow=name,
            recommendation_before=None if a is None else a.recommendation,
            recommendation_after=None if b is None else b.recommendation,
            allocation_before=_allocation(a),
            allocation_after=_allocation(b),
        )
        if (change.recommendation_before, change.allocation_before) != (
            change.recommendation_after,
            change.allocation_after,
        ):
            flows.append(change)
    return DecisionChange(
        before_id=before.decision_id,
        after_id=after.decision_id,
        inputs=input_changes(before, after),
        recommended_before=before.recommended,
        recommended_after=after.recommended,
        savings_before=old.savings,
        savings_after=new.savings,
        savings_npv_before=old.savings_npv,
        savings_npv_after=new.savings_npv,
        flows=flows,
    )


def input_changes(before: DecisionDocument, after: DecisionDocument) -> list[InputChange]:
    """The frame's inputs (`FRAME_INPUTS`) and the offers included that differ."""
    out = []
    for name in FRAME_INPUTS:
        a, b = getattr(before.inputs.decision, name), getattr(after.inputs.decision, name)
        if a != b:
            out.append(InputChange(name=name, before=as_text(a), after=as_text(b)))
    offers_a = [o.id for o in before.inputs.offers]
    offers_b = [o.id for o in after.inputs.offers]
    if offers_a != offers_b:
        out.append(InputChange(name="offers", before=as_text(offers_a), after=as_text(offers_b)))
    return out


def _allocation(flow: FlowDecision | None) -> list[str]:
    if flow is None:
        return []
    return [f"{b.band}{'/' + b.language if b.language else ''}: {b.site}" for b in flow.allocation]


def as_text(value: object) -> str:
    """An input as the page and the list of decisions write it (``—`` for none, a list joined)."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


__all__ = [
    "FRAME_INPUTS",
    "DecisionChange",
    "FlowChange",
    "InputChange",
    "as_text",
    "compare",
    "input_changes",
]
