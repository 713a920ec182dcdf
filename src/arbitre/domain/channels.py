"""Channels of contact and what distinguishes them for queueing and KPIs."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """How a contact reached the company (or the company reached the customer)."""

    VOICE_IN = "voice_in"
    VOICE_OUT = "voice_out"
    EMAIL = "email"
    CHAT = "chat"
    SOCIAL = "social"
    BACKOFFICE = "backoffice"

    @property
    def queues(self) -> bool:
        """Outbound calls do not queue: their waiting KPIs are null."""
        return self is not Channel.VOICE_OUT

    @property
    def realtime(self) -> bool:
        """Voice and chat are answered while the customer waits; the others are deferred work."""
        return self in (Channel.VOICE_IN, Channel.VOICE_OUT, Channel.CHAT)


# Service-level thresholds of docs/specs/interactions.md, in seconds.
DEFAULT_THRESHOLD_S: dict[Channel, float] = {
    Channel.VOICE_IN: 20.0,
    Channel.CHAT: 60.0,
    Channel.SOCIAL: 3600.0,
    Channel.EMAIL: 86400.0,
    Channel.BACKOFFICE: 86400.0,
}

CHANNELS: tuple[str, ...] = tuple(c.value for c in Channel)
