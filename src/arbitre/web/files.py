"""Files posted to a route: copied into the workspace within a limit, or read as small text."""

from __future__ import annotations

from starlette.datastructures import UploadFile

from arbitre.errors import InputError
from arbitre.services.uploads import Received, receive
from arbitre.store.workspace import Workspace

SMALL_TEXT = 1 << 20  # a mapping or a contract: YAML of a few kilobytes


def keep(
    ws: Workspace, upload: UploadFile, *, limit_mb: int, folder: str, default: str = "upload.csv"
) -> Received:
    """The posted file, copied under ``uploads/<folder>/`` (at most ``limit_mb`` megabytes)."""
    return receive(
        ws, upload.file, filename=upload.filename or default, limit_bytes=limit_mb << 20, folder=folder
    )


def small_text(upload: UploadFile, *, what: str) -> str:
    """A posted UTF-8 text of at most 1 MB (``what`` names it in the error)."""
    raw = upload.file.read(SMALL_TEXT + 1)
    if len(raw) > SMALL_TEXT:
        raise InputError(f"a {what} is at most 1 MB", file=upload.filename)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"the {what} is not UTF-8 text", file=upload.filename) from None


__all__ = ["keep", "small_text"]
