"""A route's body taken as JSON (a script) or as a form (the page, or a file beside): the media
type read, a bad body turned into the 422 problem naming its field, and OpenAPI told both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

T = TypeVar("T")

JSON = "application/json"
FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def media_of(request: Request) -> str:
    """The body's media type: JSON, a form, or 415 for anything else."""
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media != JSON and media not in FORMS:
        raise HTTPException(415, "send the body as application/json or multipart/form-data")
    return media


def invalid(exc: ValidationError) -> RequestValidationError:
    """A body's validation error as FastAPI's own (the 422 problem naming the field)."""
    return RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)])


@dataclass(frozen=True)
class Posted(Generic[T]):
    """A body read by a dependency, or why it was refused: raised only when the route asks for
    it, after the route's own checks (who may, what exists) — so that a body is never judged for
    an account that may not post it, nor for something it may not see."""

    value: T | None
    error: Exception | None = None

    def get(self) -> T:
        if self.error is not None:
            raise self.error
        assert self.value is not None
        return self.value


def both_bodies(json_model: type[BaseModel], form: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` for a route taking ``json_model`` as JSON or ``form`` (a JSON schema) as
    a form."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                JSON: {"schema": json_model.model_json_schema()},
                "multipart/form-data": {"schema": form},
            },
        },
        "responses": {"415": {"description": "Neither JSON nor a form."}},
    }


__all__ = ["FORMS", "JSON", "Posted", "both_bodies", "invalid", "media_of"]
