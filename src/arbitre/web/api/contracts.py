"""Contracts: the list (a provider: its own), one, its versions with what changed."""

from __future__ import annotations

from fastapi import APIRouter

from arbitre.services.access import NotFound
from arbitre.services.contract_views import (
    ContractSummary,
    ContractVersionInfo,
    contract_versions,
    visible_contracts,
)
from arbitre.web.deps import ApiUser

router = APIRouter(tags=["contracts"])


@router.get("/w/{slug}/contracts", response_model=list[ContractSummary])
def get_contracts(user: ApiUser) -> list[ContractSummary]:
    """The contracts the token's account sees, each with its latest version."""
    return visible_contracts(user.ws, user.account)


@router.get("/w/{slug}/contracts/{contract_id}", response_model=ContractSummary)
def get_contract(user: ApiUser, contract_id: str) -> ContractSummary:
    for c in visible_contracts(user.ws, user.account):
        if c.id == contract_id:
            return c
    raise NotFound(f"no contract {contract_id!r}")


@router.get("/w/{slug}/contracts/{contract_id}/versions", response_model=list[ContractVersionInfo])
def get_versions(user: ApiUser, contract_id: str) -> list[ContractVersionInfo]:
    """Every version, oldest first: who stored it, when, from which file, what changed."""
    return contract_versions(user.ws, user.account, contract_id)
