"""The workspaces a server serves, one client each, by the name in their URLs (``/w/<name>/``).

Each is opened once when the app starts; its name comes from its folder (lower case, letters,
digits and ``-``; a second folder of the same name gets ``-2``). Sessions and tokens of one
workspace live in its own app database and are hashed under its own key: they open nothing in
another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from arbitre.services.accounts import web_key
from arbitre.store.workspace import Workspace

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class Tenant:
    slug: str
    ws: Workspace
    key: bytes  # the workspace's web key: cookie signatures, session and token hashes

    @property
    def name(self) -> str:
        return self.ws.settings.name


def slug_of(path: Path) -> str:
    """The URL name of a workspace folder.

    >>> slug_of(Path("/srv/Demo Workspace"))
    'demo-workspace'
    """
    text = re.sub(r"[^a-z0-9]+", "-", path.resolve().name.lower()).strip("-")
    return text[:50] or "workspace"


class Tenants:
    """The served workspaces by slug."""

    def __init__(self, folders: Iterable[Path]) -> None:
        self._by_slug: dict[str, Tenant] = {}
        for folder in folders:
            ws = Workspace.open(folder)
            slug = base = slug_of(folder)
            n = 2
            while slug in self._by_slug:
                slug, n = f"{base}-{n}", n + 1
            self._by_slug[slug] = Tenant(slug=slug, ws=ws, key=web_key(ws))

    def get(self, slug: str) -> Tenant | None:
        return self._by_slug.get(slug) if SLUG.match(slug) else None

    def all(self) -> list[Tenant]:
        return list(self._by_slug.values())

    def close(self) -> None:
        for tenant in self._by_slug.values():
            tenant.ws.close()


__all__ = ["Tenant", "Tenants", "slug_of"]
