"""The HTTP API under ``/api/``: typed responses, problem details for errors, bearer tokens.

Every path but ``/api/health`` and ``/api/w/{workspace}/token`` needs a token
(``Authorization: Bearer arb_…``, from ``arbitre token create`` or the token route) and answers
401 without one. Each area is a router of its own, included in `router`.
"""

from __future__ import annotations

from fastapi import APIRouter

from arbitre.web.api import audit, auth, contracts, data, decisions, disputes, governance, quality, tender

router = APIRouter(prefix="/api")
for module in (auth, data, contracts, decisions, governance, disputes, tender, quality, audit):
    router.include_router(module.router)

__all__ = ["router"]
