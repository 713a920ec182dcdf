"""What every typed document of Arbitre shares: a schema version, a reader for the shapes stored by
earlier releases, sentences in both languages, instants written to the second.

A service returns a document (a Pydantic model); JSON is made only at the edges — the CLI's
``--json``, the app database, the HTTP API — with ``model_dump(mode="json")`` and read back with
`StoredDocument.read`, which brings a document stored by an earlier release to the current shape
before validating it (`StoredDocument.upgrade`). Documents forbid unknown keys: a reader that
accepted a key it does not know would drop it silently.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, PlainSerializer

from arbitre.errors import InputError

#: An instant written as ISO 8601 to the second, with its offset (``2026-07-06T09:12:00+00:00``).
Instant = Annotated[datetime, PlainSerializer(lambda t: t.isoformat(timespec="seconds"), return_type=str)]


class Bilingual(BaseModel):
    """A sentence in French and in English."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fr: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class Part(BaseModel):
    """A part of a document: unknown keys refused (a reader must know every key it reads)."""

    model_config = ConfigDict(extra="forbid")


class StoredDocument(Part):
    """A document the app database keeps: ``schema_version`` says its shape.

    Subclasses set `SCHEMA_VERSION` and a ``schema_version`` field defaulting to it, and bring the
    shapes of earlier versions to theirs in `upgrade` (a document without ``schema_version`` is
    version 1: what the releases before the versioning stored).
    """

    SCHEMA_VERSION: ClassVar[int] = 1

    @classmethod
    def upgrade(cls, data: dict[str, Any], version: int) -> dict[str, Any]:
        """``data`` of ``version`` brought to `SCHEMA_VERSION` (JSON in, JSON out: the edge where
        stored shapes are read). The base knows one shape: every version reads as it is."""
        del version
        return data

    @classmethod
    def read(cls, text: str | bytes, *, source: str = "the app database") -> Self:
        """The document stored as ``text``, whatever release stored it."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise InputError(f"a stored {cls.__name__} is not a JSON object", file=source)
        version = int(data.get("schema_version", 1))
        if version > cls.SCHEMA_VERSION:
            raise InputError(
                f"this {cls.__name__} was stored by a newer release (schema version {version}, "
                f"this release reads up to {cls.SCHEMA_VERSION}): upgrade Arbitre",
                file=source,
            )
        if version < cls.SCHEMA_VERSION:
            data = cls.upgrade(data, version)
        data["schema_version"] = cls.SCHEMA_VERSION
        return cls.model_validate(data)

    def write(self) -> str:
        """The document as the JSON text the app database keeps."""
        return self.model_dump_json()


__all__ = ["Bilingual", "Instant", "Part", "StoredDocument"]
