"""The demo's accounts: one per role, with passwords made for this workspace.

A password printed in a README would open every demo ever served on a network; these are drawn
at random when the demo is built, printed at the end of `arbitre demo`, and kept in the
workspace's ``.secret/demo-accounts.txt`` (mode 600) for a later `arbitre serve`.
"""

from __future__ import annotations

import os

from pydantic import BaseModel

from arbitre.services.accounts import add_user, list_users
from arbitre.services.audit import Actor
from arbitre.services.disputes import DisputeRecord, disputes, invoice_line_subject, open_dispute
from arbitre.store.governance import recorded_months
from arbitre.store.workspace import Workspace

FILE = "demo-accounts.txt"
PROVIDER_SITES = ["callmada:tana"]
CONTRACT = "callmada-2026"  # the demo contract's provider (examples/contracts/callmada-2026.yaml)


class DemoAccount(BaseModel):
    username: str
    role: str
    name: str
    password: str


ACCOUNTS = (
    ("direction", "admin", "Directrice du service client (Azalée Maison)"),
    ("analyste", "analyst", "Analyste pilotage (Azalée Maison)"),
    ("callmada", "provider", "Responsable des opérations (Call Mada)"),
    ("auditeur", "auditor", "Auditeur interne"),
)


def create_demo_accounts(ws: Workspace) -> list[DemoAccount]:
    """The four demo accounts (client admin, analyst, the provider Call Mada, an auditor), or the
    ones already made for this workspace."""
    path = ws.root / ".secret" / FILE
    if list_users(ws) and path.exists():
        return read_demo_accounts(ws)
    actor = Actor("arbitre demo", "cli")
    made = []
    for username, role, name in ACCOUNTS:
        provider = role == "provider"
        _, password = add_user(
            ws,
            username=username,
            role=role,
            actor=actor,
            display_name=name,
            provider="Call Mada" if provider else None,
            sites=PROVIDER_SITES if provider else [],
            lang="fr",
        )
        made.append(DemoAccount(username=username, role=role, name=name, password=password))
    path.parent.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("# The demo's accounts (arbitre demo): user, role, password, name\n")
        for a in made:
            handle.write(f"{a.username}\t{a.role}\t{a.password}\t{a.name}\n")
    return made


DISPUTED_MONTH = "2026-06"  # the demo's story: June's invoice line disputed by the provider
DISPUTE_COMMENT = (
    "Les heures facturées sont nos heures de connexion ACD, pas une estimation : nous pouvons "
    "fournir l'export des connexions de juin. Merci de retenir la ligne telle que facturée."
)


def open_demo_dispute(ws: Workspace) -> DisputeRecord | None:
    """The provider's dispute of the demo's story, left for the client to settle: Call Mada
    contests the first line of June's invoice whose hours the check asks evidence for. None when
    the month has no such line, or when a dispute of the month is already open."""
    provider = next((a for a in list_users(ws) if a.role == "provider"), None)
    june = next((r for r in recorded_months(ws, CONTRACT) if r.month == DISPUTED_MONTH), None)
    if provider is None or june is None or june.invoice is None:
        return None
    if any(d.month == DISPUTED_MONTH for d in disputes(ws, provider, contract_id=CONTRACT)):
        return None
    asked = {(d.unit, d.flow, d.band) for d in june.invoice.differences if d.flag == "evidence"}
    line = next((b for b in june.invoice.billed if (b.unit, b.flow, b.band) in asked), None)
    if line is None:
        return None
    return open_dispute(
        ws,
        account=provider,
        actor=Actor(provider.username, provider.role),
        contract_id=CONTRACT,
        month=DISPUTED_MONTH,
        subject_kind="invoice_line",
        subject=invoice_line_subject(line.line, line.unit, line.flow, line.band),
        comment=DISPUTE_COMMENT,
    )


def read_demo_accounts(ws: Workspace) -> list[DemoAccount]:
    path = ws.root / ".secret" / FILE
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            username, role, password, name = line.split("\t", 3)
            out.append(DemoAccount(username=username, role=role, name=name, password=password))
    return out


__all__ = ["ACCOUNTS", "DemoAccount", "create_demo_accounts", "open_demo_dispute", "read_demo_accounts"]
