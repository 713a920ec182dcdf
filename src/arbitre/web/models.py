"""Response models of the API that no service defines: the app's own facts, and the question the
staffing calculator takes from a query string (its answer is the service's `StaffingAnswer`)."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, Field

from arbitre.services.staff import parse, staff
from arbitre.staffing.document import StaffingAnswer


class Health(BaseModel):
    status: str
    version: str


class Me(BaseModel):
    username: str
    display_name: str
    role: str
    provider: str | None
    sites: list[str]
    lang: str
    workspace: str


class TokenOut(BaseModel):
    """A bearer token (shown once) and when it stops working."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int | None = Field(description="seconds until it expires (none: until revoked)")


class StaffingQuestion(BaseModel):
    """One interval, as the calculator (`arbitre staff`) takes it: volume in the interval, its
    length and the handle time in seconds, a target (``sl`` within ``threshold`` seconds, or a
    maximum occupancy) or a number of ``agents`` to evaluate; ``patience`` for Erlang A."""

    volume: float | str | None = None
    interval: float | str | None = 1800.0
    aht: float | str | None = None
    sl: float | str | None = None
    threshold: float | str | None = 20.0
    patience: float | str | None = None
    agents: float | str | None = None
    max_occupancy: float | str | None = None
    shrinkage: float | str | None = None
    channel: str | None = "voice"
    concurrency: float | str | None = None


#: The calculator's answer: the agents needed (or given) and what they deliver.
StaffingResult = StaffingAnswer


def answer(question: StaffingQuestion) -> StaffingResult:
    """Validate the question as the CLI does, and answer it."""
    values: Mapping[str, object] = {
        k: (v.strip() if isinstance(v, str) else v)
        for k, v in question.model_dump().items()
        if v is not None and not (isinstance(v, str) and not v.strip())
    }
    (result,) = staff([parse(values)])
    return result


__all__ = ["Health", "Me", "StaffingQuestion", "StaffingResult", "TokenOut", "answer"]
