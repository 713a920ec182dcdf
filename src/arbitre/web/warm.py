"""Warming the pages when the server starts: the latest decision and the latest run of every
refereed month are read, and their charts drawn in both languages, in a background thread — so
that no one's first view of the decision or of a month waits seconds for them (docs/web.md)."""

from __future__ import annotations

import logging
import threading

from arbitre.errors import ArbitreError
from arbitre.web.decided import current_decision
from arbitre.web.i18n import LANGS
from arbitre.web.pages.decision import decision_charts_of
from arbitre.web.pages.governance import money_chart
from arbitre.web.refereed import latest_views
from arbitre.web.tenancy import Tenants

log = logging.getLogger(__name__)


def warm(tenants: Tenants) -> None:
    """Read and draw what the decision and governance pages show, for every workspace served."""
    for tenant in tenants.all():
        try:
            decision = current_decision(tenant.ws)
            views = latest_views(tenant.ws)
            for lang in LANGS:
                if decision is not None:
                    decision_charts_of(decision, lang)
                for view in views:
                    money_chart(view, lang)
        except ArbitreError as exc:  # a workspace the pages will report on when asked
            log.warning("not warmed: %s: %s", tenant.slug, exc)


def warm_in_background(tenants: Tenants) -> threading.Thread:
    thread = threading.Thread(target=warm, args=(tenants,), name="arbitre-warm", daemon=True)
    thread.start()
    return thread


__all__ = ["warm", "warm_in_background"]
