"""The FastAPI application: pages, the API, static files, error handlers, middlewares."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from arbitre import __version__
from arbitre.services.jobs import fail_interrupted
from arbitre.web import problems
from arbitre.web.api import router as api_router
from arbitre.web.middleware import BodyLimit, SecurityHeaders
from arbitre.web.pages import (
    audit,
    auth,
    contracts,
    copil,
    decision,
    disputes,
    governance,
    imports,
    map,
    overview,
    plan,
    portal,
    quality,
    staffing,
    tender,
    users,
)
from arbitre.web.security import LoginLimiter
from arbitre.web.settings import WebSettings
from arbitre.web.tenancy import Tenants
from arbitre.web.warm import warm_in_background

STATIC = Path(__file__).parent / "static"
PAGES = (
    auth,
    overview,
    imports,
    map,
    staffing,
    plan,
    decision,
    contracts,
    governance,
    disputes,
    copil,
    portal,
    tender,
    quality,
    users,
    audit,
)


def login_key(tenants: Tenants) -> bytes:
    """The key signing the login form's CSRF cookie: derived from the first served workspace's
    web key, so that every process serving it (``--workers``) accepts a form another drew."""
    return hmac.new(tenants.all()[0].key, b"arbitre login form", hashlib.sha256).digest()


SETTINGS_ENV = "ARBITRE_WEB_SETTINGS_JSON"  # the settings a worker process is started with


def app_from_environment() -> FastAPI:
    """The app of one worker of ``arbitre serve --workers N``: uvicorn starts each worker process
    with this factory, the settings handed over as JSON in ``ARBITRE_WEB_SETTINGS_JSON``."""
    return create_app(WebSettings.model_validate_json(os.environ[SETTINGS_ENV]))


def create_app(settings: WebSettings, *, tenants: Tenants | None = None) -> FastAPI:
    """The application serving ``settings.workspaces`` (opened now; closed when the app stops)."""
    served = tenants or Tenants(settings.workspaces)

    # The background jobs' worker (docs/web.md): one thread, so a decision runs beside the pages.
    # A job a stopped server left queued or running (its heartbeat old) is marked failed as this
    # one starts; a job another live server process runs keeps going.
    jobs = ThreadPoolExecutor(max_workers=1, thread_name_prefix="arbitre-job")
    for tenant in served.all():
        fail_interrupted(tenant.ws)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        warming = warm_in_background(served) if settings.warm else None
        yield
        if warming is not None:
            warming.join(timeout=30)
        jobs.shutdown(wait=False, cancel_futures=True)
        served.close()

    app = FastAPI(
        title="Arbitre",
        version=__version__,
        description="The HTTP API of Arbitre (docs/web.md): bearer tokens, problem details (RFC 9457).",
        docs_url=None,  # the interactive docs would load their scripts from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.tenants = served
    app.state.limiter = LoginLimiter(
        served.all()[0].ws.engine, attempts=settings.login_attempts, window_s=settings.login_window_s
    )
    app.state.jobs = jobs
    app.state.login_key = login_key(served)  # signs the login form's CSRF cookie
    problems.install(app)
    app.include_router(api_router)
    for page in PAGES:
        app.include_router(page.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app


__all__ = ["SETTINGS_ENV", "app_from_environment", "create_app", "login_key"]
