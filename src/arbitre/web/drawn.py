"""The parts of a page that never change once drawn, drawn once and kept (docs/web.md, "Under load").

A recorded decision and a recorded run of a month are never changed, only followed by another
(with another id). What a page shows of one — the decision's scenarios, flows, tornado and
simulation; the month's SLAs, invoice check, exclusions, calendar — is therefore the same on every
view, for the same viewer: it is drawn once and kept, and each view draws only what changes (the
forms and their CSRF token, the lists of decisions, jobs and disputes, the user's name).

The key of a part (`Part`) names everything the drawing depends on: the workspace (its URL name
and folder), the fragment's template, the decision's or the run's id, the language, the viewer's
role and, for a provider, its identity (name and sites). Two viewers share a drawing only when all
of these are equal: a provider never gets the client's drawing, nor another provider's, nor another
workspace's. A new decision or run has a new id: it is drawn at its first view.

A part that holds a form carries the session's CSRF token: it is drawn with `CSRF_SLOT` — a random
text of this process, which no escaped value of a page can produce unless it guesses 128 random
bits — in its place, and each view puts its own token there.

At most `KEPT_PARTS` parts are kept, the least recently used dropped first.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from arbitre.web.deps import Principal
from arbitre.web.templating import draw

KEPT_PARTS = 128  # a drawn part is 5–130 KB: a few MB at most
CSRF_SLOT = "csrf-slot-" + secrets.token_hex(16)


@dataclass(frozen=True)
class Part:
    """What a drawn part depends on: two views share a drawing only when every field is equal."""

    slug: str  # the workspace's URL name
    root: str  # the workspace's folder
    template: str  # the fragment's template
    subject: str  # the id of the recorded decision or run the part shows
    lang: str
    role: str
    provider: str | None  # a provider's name and sites; None for the client's accounts


class DrawnParts:
    """Drawn parts by `Part`, bounded (least recently used dropped first), shared by threads."""

    def __init__(self, kept: int = KEPT_PARTS) -> None:
        self.kept = kept
        self._parts: OrderedDict[Part, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, part: Part) -> str | None:
        with self._lock:
            found = self._parts.get(part)
            if found is not None:
                self._parts.move_to_end(part)
            return found

    def put(self, part: Part, html: str) -> None:
        with self._lock:
            self._parts[part] = html
            self._parts.move_to_end(part)
            while len(self._parts) > self.kept:
                self._parts.popitem(last=False)

    def __len__(self) -> int:
        return len(self._parts)

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()


PARTS = DrawnParts()


def part_of(me: Principal, template: str, subject: str) -> Part:
    """The key of ``template`` drawn for ``me`` about the decision or run ``subject``."""
    account = me.account
    # A client's account has no provider nor sites; a provider's are always part of the key.
    provider = "\x1f".join([account.provider or "", *sorted(account.sites)]) or None
    return Part(
        slug=me.tenant.slug,
        root=str(me.ws.root),
        template=template,
        subject=subject,
        lang=account.lang,
        role=account.role,
        provider=provider,
    )


def drawn(
    me: Principal, template: str, subject: str | None, context: Callable[[], Mapping[str, object]]
) -> Markup:
    """``template`` drawn for ``me`` with ``context()`` — all of it fixed by ``subject`` (a recorded
    decision's or run's id) and the key's other fields — once, then kept (``subject`` None: drawn
    on each view, not kept); the session's CSRF token put in its slot on every view."""
    part = part_of(me, template, subject or "")
    html = PARTS.get(part) if subject else None
    if html is None:
        html = draw(template, {"base": f"/w/{part.slug}", "csrf": CSRF_SLOT, **context()}, lang=part.lang)
        if subject:
            PARTS.put(part, html)
    return Markup(html.replace(CSRF_SLOT, str(escape(me.csrf or ""))))


__all__ = ["CSRF_SLOT", "KEPT_PARTS", "PARTS", "DrawnParts", "Part", "drawn", "part_of"]
