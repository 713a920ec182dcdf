"""What the monthly run says about the month, as codes with typed parameters: the notes of the
invoice check, the month-to-date warnings and the obligations calendar.

The engines (`arbitre.contract.reconcile`, `arbitre.contract.watch`,
`arbitre.contract.obligations`) return these; `arbitre.reports.notes.say` writes each in French or
English, for the command line, the HTML and PDF reports and the web pages. A stored month keeps the
code and its parameters, not a sentence: a wording changed in a later release reads the same
month with the new words. Money is `Decimal`, months `Month`, days `date`, shares and counts
floats as the engines compute them (the writer rounds them).

In JSON each note is an object with its ``code`` and its parameters side by side, for example
``{"code": "invoice.logged_estimate", "occupancy": "0.85"}``. The months stored before codes
(schema versions 1 and 2 of `arbitre.contract.result.MonthResult`) held the sentences; they read as
`SaidAsStored` (``{"code": "said", "fr": …, "en": …}``), written back exactly as they were.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from arbitre.domain.month import Month

#: What the remaining units of a month-to-date warning are called (``appels`` / ``calls``).
Noun = Literal["contacts", "calls", "emails", "responses", "days", "intervals"]
WindowNoun = Literal["days", "intervals"]


class _Note(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- the invoice check ------------------------------------------------------------------------


class FlowOutside(_Note):
    """Lines billed for a flow the contract does not hold."""

    code: Literal["invoice.flow_outside"] = "invoice.flow_outside"


class OutcomesUnrecorded(_Note):
    """Outcomes are billed, but the interaction records do not hold them."""

    code: Literal["invoice.outcomes_unrecorded"] = "invoice.outcomes_unrecorded"


class HandledContacts(_Note):
    """The computed figure is the contacts handled."""

    code: Literal["invoice.handled_contacts"] = "invoice.handled_contacts"


class ProductiveTime(_Note):
    """The computed figure is talk + hold + wrap of the contacts handled."""

    code: Literal["invoice.productive_time"] = "invoice.productive_time"


class LoggedEstimate(_Note):
    """Logged hours estimated as productive hours ÷ the contract's assumed ``occupancy``."""

    code: Literal["invoice.logged_estimate"] = "invoice.logged_estimate"
    occupancy: Decimal


class LoggedMeasured(_Note):
    """Billed logged hours against the ``measured`` productive hours: the estimate at the assumed
    ``occupancy`` and the occupancy the billed hours imply (None: nothing billed)."""

    code: Literal["invoice.logged_measured"] = "invoice.logged_measured"
    measured: Decimal
    occupancy: Decimal
    implied: Decimal | None


class ContractRate(_Note):
    """A billed unit price against the contract's rate with its band premium."""

    code: Literal["invoice.contract_rate"] = "invoice.contract_rate"


class TotalCheck(_Note):
    """The billed total against the contract's price on the computed units; when it differs, the
    gap's part from the quantities billed and from the invoice's prices and arithmetic."""

    code: Literal["invoice.total"] = "invoice.total"
    currency: str
    quantities: Decimal | None = None
    billing: Decimal | None = None


class NoRecords(_Note):
    """No interaction of the provider this month: its export is asked for."""

    code: Literal["invoice.no_records"] = "invoice.no_records"


class MissingDays(_Note):
    """The records cover ``covered`` days of ``days`` (``missing`` missing): the export of the
    missing days is asked for."""

    code: Literal["invoice.missing_days"] = "invoice.missing_days"
    covered: int
    days: int
    missing: int


# --- month to date ----------------------------------------------------------------------------


class OutOfReach(_Note):
    """Even the best outcome on the ``left`` contacts ends the month at ``best``, short of ``target``."""

    code: Literal["watch.out_of_reach"] = "watch.out_of_reach"
    at_most: bool
    best: float
    target: float
    left: float
    noun: Noun


class Secured(_Note):
    """The target is met whatever the ``left`` contacts do."""

    code: Literal["watch.secured"] = "watch.secured"
    left: float
    noun: Noun


class Needed(_Note):
    """The rate ``needed`` on the ``left`` contacts, against the ``actual`` rate so far."""

    code: Literal["watch.needed"] = "watch.needed"
    at_most: bool
    needed: float
    left: float
    noun: Noun
    actual: float | None


class NoneMeasured(_Note):
    """The month is complete and none of its contacts was measured."""

    code: Literal["watch.none_measured"] = "watch.none_measured"
    noun: Noun


class Final(_Note):
    """The month is complete: ``actual`` (of the ``of`` windows) against ``target``, met or not."""

    code: Literal["watch.final"] = "watch.final"
    met: bool
    actual: float | None
    target: float
    at_most: bool = False
    of: WindowNoun | None = None


class WindowsOutOfReach(_Note):
    """Even with all ``remaining`` windows compliant, only ``best`` of them would be (``share`` required)."""

    code: Literal["watch.windows_out_of_reach"] = "watch.windows_out_of_reach"
    remaining: int
    best: float
    share: float
    unit: WindowNoun


class WindowsNeeded(_Note):
    """``count`` compliant windows needed out of the ``remaining`` ones, against ``so_far``."""

    code: Literal["watch.windows_needed"] = "watch.windows_needed"
    count: int
    remaining: int
    so_far: float | None
    unit: WindowNoun


class ValueSoFar(_Note):
    """A KPI that is not a share of contacts: its ``value`` so far (None: no measure yet) against
    its ``target``; ``final`` when the month is complete."""

    code: Literal["watch.value"] = "watch.value"
    kpi: str
    value: float | None
    target: float
    at_most: bool
    final: bool


# --- the obligations calendar -----------------------------------------------------------------


class Meeting(_Note):
    """A meeting of the ``committee`` with its ``attendees``."""

    code: Literal["obligation.meeting"] = "obligation.meeting"
    committee: str
    attendees: list[str] = Field(default_factory=list)


class CertificationExpired(_Note):
    code: Literal["obligation.certification_expired"] = "obligation.certification_expired"
    name: str
    expired: date


class CertificationExpires(_Note):
    code: Literal["obligation.certification_expires"] = "obligation.certification_expires"
    name: str


class NoticePassed(_Note):
    """The non-renewal notice deadline (``days`` before the term's ``end``) has passed: the contract
    renews until ``renews_until`` (None: it ends)."""

    code: Literal["obligation.notice_passed"] = "obligation.notice_passed"
    end: date
    renews_until: date | None
    days: int


class NoticeDeadline(_Note):
    """The last day to give notice of non-renewal before the term's ``end``; otherwise it renews
    until ``renews_until`` (None: no tacit renewal)."""

    code: Literal["obligation.notice"] = "obligation.notice"
    end: date
    renews_until: date | None
    days: int


class ReversibilityNotice(_Note):
    code: Literal["obligation.reversibility"] = "obligation.reversibility"
    end: date
    months: int


class TermEnd(_Note):
    """The end of the current term, renewed until ``renews_until`` (None: the contract ends)."""

    code: Literal["obligation.term_end"] = "obligation.term_end"
    renews_until: date | None


class EarnBackCloses(_Note):
    code: Literal["obligation.earn_back"] = "obligation.earn_back"
    month: Month
    sla: str
    amount: Decimal
    currency: str


class AuditDeadline(_Note):
    code: Literal["obligation.audit"] = "obligation.audit"
    per_year: int
    notice_days: int
    year_end: date


# --- a month stored before codes --------------------------------------------------------------


class SaidAsStored(_Note):
    """A note as a month stored before codes held it: its sentence in French and English."""

    code: Literal["said"] = "said"
    fr: str
    en: str


InvoiceNote = Annotated[
    FlowOutside
    | OutcomesUnrecorded
    | HandledContacts
    | ProductiveTime
    | LoggedEstimate
    | LoggedMeasured
    | ContractRate
    | TotalCheck
    | NoRecords
    | MissingDays
    | SaidAsStored,
    Field(discriminator="code"),
]
WatchNote = Annotated[
    OutOfReach
    | Secured
    | Needed
    | NoneMeasured
    | Final
    | WindowsOutOfReach
    | WindowsNeeded
    | ValueSoFar
    | SaidAsStored,
    Field(discriminator="code"),
]
ObligationNote = Annotated[
    Meeting
    | CertificationExpired
    | CertificationExpires
    | NoticePassed
    | NoticeDeadline
    | ReversibilityNotice
    | TermEnd
    | EarnBackCloses
    | AuditDeadline
    | SaidAsStored,
    Field(discriminator="code"),
]
#: Any note of the month (what `arbitre.reports.notes.say` writes).
Note = InvoiceNote | WatchNote | ObligationNote

__all__ = [
    "AuditDeadline",
    "CertificationExpired",
    "CertificationExpires",
    "ContractRate",
    "EarnBackCloses",
    "Final",
    "FlowOutside",
    "HandledContacts",
    "InvoiceNote",
    "LoggedEstimate",
    "LoggedMeasured",
    "Meeting",
    "MissingDays",
    "Needed",
    "NoRecords",
    "NoneMeasured",
    "Note",
    "NoticeDeadline",
    "NoticePassed",
    "Noun",
    "ObligationNote",
    "OutOfReach",
    "OutcomesUnrecorded",
    "ProductiveTime",
    "ReversibilityNotice",
    "SaidAsStored",
    "Secured",
    "TermEnd",
    "TotalCheck",
    "ValueSoFar",
    "WatchNote",
    "WindowNoun",
    "WindowsNeeded",
    "WindowsOutOfReach",
]
