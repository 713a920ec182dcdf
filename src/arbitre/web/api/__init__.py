"""The HTTP API under ``/api/``: typed responses, problem details for errors, bearer tokens.

Every path but ``/api/health`` and ``/api/w/{workspace}/token`` needs a token
(``Authorization: Bearer arb_…``, from ``arbitre token create`` or the token route) and answers
401 without one. Phase 2 adds the decision, the map, the plan, the governance runs and the
steering-committee reports here, as routers of their own included in `router`.
"""

from __future__ import annotations

from fastapi import APIRouter

from arbitre.web.api import audit, auth, contracts, data, disputes

router = APIRouter(prefix="/api")
for module in (auth, data, contracts, disputes, audit):
    router.include_router(module.router)

__all__ = ["router"]
