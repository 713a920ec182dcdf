"""Disputes: list, open (the provider), one, its next step, an attachment's file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile as PostedFile

from arbitre.services.contract_views import visible_contract
from arbitre.services.disputes import (
    DisputeRecord,
    attachment_file,
    disputes,
    get_dispute,
    open_dispute,
)
from arbitre.services.uploads import Received
from arbitre.store.workspace import Workspace
from arbitre.web.bodies import JSON, Posted, both_bodies, invalid, media_of
from arbitre.web.deps import ApiUser, SettingsDep
from arbitre.web.dispute_step import StepForm, StepRequest, take_step
from arbitre.web.files import keep
from arbitre.web.settled import Settled, settled_change

router = APIRouter(tags=["disputes"])


class StepAnswer(DisputeRecord):
    """The dispute after the step, and — when the step accepted it and the month was refereed
    again — the month's credits and net fees before and after that run."""

    settled: Settled | None = None


def _attachment(ws: Workspace, upload: PostedFile | None, limit_mb: int) -> Received | None:
    if upload is None or not upload.filename:
        return None
    return keep(ws, upload, limit_mb=limit_mb, folder="attachments")


@router.get("/w/{slug}/disputes", response_model=list[DisputeRecord])
def get_disputes(user: ApiUser, contract: str | None = None) -> list[DisputeRecord]:
    """The disputes the account is a party to (all for the client), newest first."""
    return disputes(user.ws, user.account, contract_id=contract)


@router.post("/w/{slug}/disputes", response_model=DisputeRecord, status_code=201)
def post_dispute(
    user: ApiUser,
    settings: SettingsDep,
    contract_id: Annotated[str, Form(max_length=100)],
    month: Annotated[str, Form(max_length=7)],
    subject_kind: Annotated[Literal["sla", "exclusion", "invoice_line"], Form()],
    subject: Annotated[str, Form(max_length=200)],
    comment: Annotated[str, Form(max_length=5000)],
    attachment: Annotated[UploadFile | None, File()] = None,
) -> DisputeRecord:
    """The provider disputes an SLA result, an exclusion or an invoice line of a month."""
    visible_contract(user.ws, user.account, contract_id)  # 404 before the file is received
    return open_dispute(
        user.ws,
        account=user.account,
        actor=user.actor,
        contract_id=contract_id,
        month=month,
        subject_kind=subject_kind,
        subject=subject,
        comment=comment,
        attachment=_attachment(user.ws, attachment, settings.max_attachment_mb),
    )


@router.get("/w/{slug}/disputes/{dispute_id}", response_model=DisputeRecord)
def get_one_dispute(user: ApiUser, dispute_id: str) -> DisputeRecord:
    return get_dispute(user.ws, user.account, dispute_id)


@dataclass(frozen=True)
class PostedStep:
    """A step as posted: its fields (JSON or a form, one shape) and the form's attachment."""

    fields: StepForm
    attachment: PostedFile | None


async def posted_step(request: Request) -> AsyncIterator[Posted[PostedStep]]:
    """The step's body: ``application/json`` (a `StepRequest`) or a form (`StepForm`, and an
    optional ``attachment`` file); anything else is 415. A bad body is a 422 problem naming its
    field — raised by the route once the dispute is found for the account (else 404)."""
    try:
        media = media_of(request)
    except Exception as exc:
        yield Posted(None, exc)
        return
    if media == JSON:
        try:
            step = StepRequest.model_validate_json(await request.body())
        except ValidationError as exc:
            yield Posted(None, invalid(exc))
            return
        yield Posted(PostedStep(step.as_form(), None))
        return
    async with request.form(max_files=1, max_fields=16) as form:
        try:
            fields = StepForm.model_validate(
                {k: v for k in StepForm.model_fields if isinstance(v := form.get(k), str)}
            )
        except ValidationError as exc:
            yield Posted(None, invalid(exc))
            return
        attachment = form.get("attachment")
        yield Posted(PostedStep(fields, attachment if isinstance(attachment, PostedFile) else None))


def _step_form() -> dict[str, Any]:
    form = StepForm.model_json_schema()
    form["properties"]["attachment"] = {"type": "string", "format": "binary", "description": "Optional."}
    return form


@router.post(
    "/w/{slug}/disputes/{dispute_id}/steps",
    response_model=StepAnswer,
    openapi_extra=both_bodies(StepRequest, _step_form()),
)
def post_step(
    user: ApiUser,
    settings: SettingsDep,
    dispute_id: str,
    body: Annotated[Posted[PostedStep], Depends(posted_step)],
) -> StepAnswer:
    """A comment (either party), the client's answer, or its decision: accepted or rejected — as
    JSON (`StepRequest`) or as a form with an optional attachment. Accepting takes the change
    agreed, as the page does: ``quantity`` and ``amount`` for an invoice line, ``met`` (met or
    missed) for an SLA, ``exclude`` / ``include`` days for an exclusion; the month is refereed
    again on it and the answer's ``settled`` gives its figures before and after. A wrong change
    is a 422 problem and leaves the dispute open, with no run."""
    dispute = get_dispute(user.ws, user.account, dispute_id)  # 404 before the body is judged
    posted = body.get()
    step = posted.fields
    dispute = take_step(
        user.ws,
        user.account,
        user.actor,
        dispute,
        kind=step.kind,
        comment=step.comment,
        terms=step,
        attachment=lambda: _attachment(user.ws, posted.attachment, settings.max_attachment_mb),
    )
    return StepAnswer(**dict(dispute), settled=settled_change(user.ws, dispute))


@router.get("/w/{slug}/disputes/{dispute_id}/attachments/{attachment_id}", response_class=FileResponse)
def get_attachment(user: ApiUser, dispute_id: str, attachment_id: str) -> FileResponse:
    """The attached file, to the dispute's parties only, as a download (never shown inline)."""
    path, info = attachment_file(user.ws, user.account, user.actor, dispute_id, attachment_id)
    return FileResponse(
        path,
        media_type=info.content_type,
        filename=info.filename,
        content_disposition_type="attachment",
        headers={"Content-Security-Policy": "sandbox; default-src 'none'"},
    )
