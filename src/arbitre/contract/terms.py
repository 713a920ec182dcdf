"""The contract's standing terms as they stand on the run date, for the steering committee.

Seed 001 answers the risks of outsourcing with contract terms: « définir des SLA précis, des
comités de pilotage réguliers, des droits d'audit et des clauses de réversibilité », « exiger la
conformité RGPD, des certifications de sécurité (ISO 27001) ». A steering committee reviews them,
not only the month's SLAs: how and by when the service can be brought back (reversibility), who
processes the customers' data where and under which safeguard (data protection), the audits the
client may still announce this contract year, and when each committee next meets.

Pure: the contract and the run date in, a typed summary out (`ContractTerms`); the words are the
report's (`arbitre.reports.words_governance`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from arbitre.contract.obligations import SOON_DAYS, add_months, meeting_days, running_end, term_ends
from arbitre.domain.contract import EEA, Committee, Contract


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ReversibilityTerms(_Frozen):
    """Bringing the service back: notice and transition, what the client owns, the exit fee, and
    the last day to give the reversibility notice before the current term ends."""

    notice_months: int
    transition_months: int
    assets: list[str]
    exit_fee: Decimal
    term_end: dt.date | None
    notice_by: dt.date | None
    notice_days_left: int | None


class CertificationStatus(_Frozen):
    name: str
    expires: dt.date
    days_left: int
    status: Literal["valid", "expires_soon", "expired"]


class DataProtectionTerms(_Frozen):
    """GDPR: the provider's role, the data processing agreement, where data are processed, and
    the chapter V safeguard of a transfer outside the EEA; the certifications as of the run."""

    role: str
    dpa_signed: dt.date | None
    country: str
    outside_eea: bool
    transfer_mechanism: str | None
    certifications: list[CertificationStatus]


class AuditTerms(_Frozen):
    """The audit right, and the last day to announce an audit of the current contract year."""

    per_year: int
    notice_days: int
    scope: list[str]
    year_ends: dt.date | None
    announce_by: dt.date | None


class CommitteeTerms(_Frozen):
    name: str
    cadence: Literal["weekly", "monthly", "quarterly"]
    day: int | None
    weekday: str | None
    attendees: list[str]
    next_meeting: dt.date | None


class ContractTerms(_Frozen):
    as_of: dt.date
    reversibility: ReversibilityTerms
    data_protection: DataProtectionTerms
    audit: AuditTerms
    committees: list[CommitteeTerms]


def contract_terms(contract: Contract, *, today: dt.date) -> ContractTerms:
    """The contract's reversibility, data protection, audit and committee terms on ``today``.

    >>> from pathlib import Path; from arbitre.yamlio import load_model
    >>> c = load_model(Path(__file__).parents[1] / "examples/contracts/callmada-2026.yaml", Contract)
    >>> t = contract_terms(c, today=dt.date(2026, 7, 6))
    >>> t.reversibility.notice_by, t.data_protection.outside_eea, t.audit.announce_by
    (datetime.date(2028, 9, 30), True, datetime.date(2027, 3, 16))
    >>> [(x.name, x.status, x.days_left) for x in t.data_protection.certifications]
    [('ISO 27001', 'valid', 86), ('PCI DSS', 'valid', 209)]
    >>> [x.next_meeting.isoformat() for x in t.committees]
    ['2026-07-07', '2026-07-10', '2026-07-20']
    """
    return ContractTerms(
        as_of=today,
        reversibility=_reversibility(contract, today),
        data_protection=_data_protection(contract, today),
        audit=_audit(contract, today),
        committees=[
            CommitteeTerms(
                name=c.name,
                cadence=c.cadence,
                day=c.day,
                weekday=c.weekday,
                attendees=list(c.attendees),
                next_meeting=next(iter(_meetings(contract, c, today)), None),
            )
            for c in contract.committees
        ],
    )


def _reversibility(contract: Contract, today: dt.date) -> ReversibilityTerms:
    r = contract.reversibility
    ends = term_ends(contract, today=today, until=today)
    end = ends[0] if ends else None
    notice_by = add_months(end, -r.notice_months) if end is not None and r.notice_months else None
    return ReversibilityTerms(
        notice_months=r.notice_months,
        transition_months=r.transition_months,
        assets=list(r.assets),
        exit_fee=r.exit_fee,
        term_end=end,
        notice_by=notice_by,
        notice_days_left=None if notice_by is None else (notice_by - today).days,
    )


def _data_protection(contract: Contract, today: dt.date) -> DataProtectionTerms:
    d = contract.data_protection
    certifications = []
    for cert in d.certifications:
        left = (cert.expires - today).days
        status: Literal["valid", "expires_soon", "expired"] = (
            "expired" if cert.expires < today else "expires_soon" if left <= SOON_DAYS else "valid"
        )
        certifications.append(
            CertificationStatus(name=cert.name, expires=cert.expires, days_left=left, status=status)
        )
    return DataProtectionTerms(
        role=d.role,
        dpa_signed=d.dpa_signed,
        country=d.country,
        outside_eea=d.country not in EEA,
        transfer_mechanism=d.transfer_mechanism,
        certifications=certifications,
    )


def _audit(contract: Contract, today: dt.date) -> AuditTerms:
    a = contract.audit
    year_ends = None
    year = 1
    while contract.start <= today <= running_end(contract):
        last = min(add_months(contract.start, 12 * year) - dt.timedelta(days=1), running_end(contract))
        if last >= today:
            year_ends = last
            break
        year += 1
    announce = None if year_ends is None or a.per_year == 0 else year_ends - dt.timedelta(days=a.notice_days)
    return AuditTerms(
        per_year=a.per_year,
        notice_days=a.notice_days,
        scope=list(a.scope),
        year_ends=year_ends,
        announce_by=announce,
    )


def _meetings(contract: Contract, committee: Committee, today: dt.date) -> list[dt.date]:
    first = max(today, contract.start)
    last = min(first + dt.timedelta(days=366), running_end(contract))
    return meeting_days(committee, first=first, last=last)


__all__ = [
    "AuditTerms",
    "CertificationStatus",
    "CommitteeTerms",
    "ContractTerms",
    "DataProtectionTerms",
    "ReversibilityTerms",
    "contract_terms",
]
