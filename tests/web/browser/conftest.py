"""The app served for real on 127.0.0.1 (uvicorn in a thread) and driven by the Debian chromium
through Playwright — never a browser download (`playwright install`). Screenshots go to the folder
``ARBITRE_WEB_SCREENSHOTS`` names (``scripts/screenshots`` sets it to docs/images), else to the
test's temporary folder."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from arbitre.web.app import create_app
from arbitre.web.settings import build_settings
from tests.web.conftest import Site

CHROMIUM = "/usr/bin/chromium"
# The flags that keep a headless chromium from reaching out (updates, sync, QUIC) on this machine.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(site: Site) -> Iterator[str]:
    """The base URL of the app serving ``site`` on loopback, for the test's duration."""
    with serving(site.root) as url:
        yield url


@contextmanager
def serving(root: Path) -> Iterator[str]:
    """The app serving the workspace ``root`` on loopback (uvicorn in a thread): its base URL."""
    port = _free_port()
    app = create_app(build_settings([root], port=port, env={}))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not served.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        served.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("ARBITRE_REQUIRE_BROWSER"):
            pytest.fail(
                "ARBITRE_REQUIRE_BROWSER is set but /usr/bin/chromium is missing (./scripts/test installs it)"
            )
        pytest.skip("no Debian chromium (./scripts/test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where the screenshots go."""
    folder = os.environ.get("ARBITRE_WEB_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path / "shots"
    path.mkdir(parents=True, exist_ok=True)
    return path
