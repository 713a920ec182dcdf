"""The interaction record: one contact offered to a queue (docs/specs/interactions.md).

The schema is data: ingest validates against it, the store writes it, the KPI engine reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["string", "channel", "timestamp", "boolean", "number", "integer", "text"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the interaction record and the values it accepts."""

    name: str
    kind: Kind
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pseudonymised: bool = False

    @property
    def expected(self) -> str:
        """What a valid value looks like, as an error message says it."""
        if self.kind == "timestamp":
            return "an ISO 8601 timestamp with its offset (2026-03-29T09:15:00+02:00)"
        if self.kind == "boolean":
            return "a boolean (true/false, 1/0, yes/no, oui/non)"
        if self.kind == "channel":
            return "one of voice_in, voice_out, email, chat, social, backoffice"
        if self.kind in ("number", "integer"):
            what = "an integer" if self.kind == "integer" else "a number"
            if self.minimum is not None and self.maximum is not None:
                return f"{what} from {_num(self.minimum)} to {_num(self.maximum)}"
            if self.minimum is not None:
                return f"{what} ≥ {_num(self.minimum)}"
            return what
        return "a non-empty text" if self.required else "a text"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


COLUMNS: tuple[Column, ...] = (
    Column("contact_id", "string", required=True),
    Column("flow", "string", required=True),
    Column("channel", "channel", required=True),
    Column("site", "string", required=True),
    Column("arrived_at", "timestamp", required=True),
    Column("answered_at", "timestamp"),
    Column("ended_at", "timestamp"),
    Column("abandoned", "boolean", required=True),
    Column("talk_s", "number", minimum=0),
    Column("hold_s", "number", minimum=0),
    Column("wrap_s", "number", minimum=0),
    Column("language", "string"),
    Column("agent_id", "string", pseudonymised=True),
    Column("customer_id", "string", pseudonymised=True),
    Column("reason", "string"),
    Column("resolved", "boolean"),
    Column("csat", "integer", minimum=1, maximum=5),
    Column("nps", "integer", minimum=0, maximum=10),
    Column("qa_score", "number", minimum=0, maximum=100),
    Column("transcript", "text"),
)

BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
NATURAL_KEY: tuple[str, str] = ("contact_id", "site")
