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
from arbitre.store.workspace import Workspace

FILE = "demo-accounts.txt"
PROVIDER_SITES = ["callmada:tana"]  # the demo contract's provider (examples/contracts/callmada-2026.yaml)


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


def read_demo_accounts(ws: Workspace) -> list[DemoAccount]:
    path = ws.root / ".secret" / FILE
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            username, role, password, name = line.split("\t", 3)
            out.append(DemoAccount(username=username, role=role, name=name, password=password))
    return out


__all__ = ["ACCOUNTS", "DemoAccount", "create_demo_accounts", "read_demo_accounts"]
