"""The web application (`arbitre serve`): server-rendered pages and an HTTP API over workspaces.

`create_app` builds the FastAPI application from a `WebSettings` (see `build_settings`); nothing
is opened or read at import time. docs/web.md describes the pages, the roles and the API.
"""

from __future__ import annotations

from arbitre.web.app import create_app
from arbitre.web.settings import WebSettings, build_settings

__all__ = ["WebSettings", "build_settings", "create_app"]
