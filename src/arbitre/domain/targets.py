"""Staffing targets: the service each flow must reach and how its agents work.

Written in the settings at two levels — the workspace's ``staffing`` for every flow, a flow's own
``staffing`` for that flow — over defaults per channel. A field left out falls through::

    staffing: {shrinkage: 0.32}                 # every flow
    flows:
      sav-voice-fr:
        staffing: {sl: 0.85, threshold_s: 30}   # this flow
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from arbitre.domain.channels import DEFAULT_THRESHOLD_S, Channel


class StaffingTargets(BaseModel):
    """Targets and working assumptions; None means "not set here"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sl: float | None = Field(default=None, ge=0, le=1, description="service level to reach (a share)")
    threshold_s: float | None = Field(default=None, ge=0, description="service-level threshold, seconds")
    max_asa_s: float | None = Field(default=None, gt=0, description="ASA ceiling, seconds")
    max_abandon: float | None = Field(default=None, ge=0, le=1, description="abandon-rate ceiling")
    max_occupancy: float | None = Field(default=None, gt=0, le=1, description="occupancy cap (a share)")
    patience_s: float | None = Field(
        default=None,
        gt=0,
        description="mean patience, seconds (Erlang A); estimated from history when absent",
    )
    concurrency: int | None = Field(default=None, ge=1, description="chats an agent holds at once")
    deadline_s: float | None = Field(
        default=None, gt=0, description="response deadline of deferred work, seconds"
    )
    shrinkage: float | None = Field(default=None, ge=0, lt=1, description="share of paid time off the phones")
    contact_rate: float | None = Field(
        default=None, gt=0, le=1, description="outbound: share of attempts that reach someone"
    )
    attempt_s: float | None = Field(
        default=None, ge=0, description="outbound: agent time of an attempt that reaches nobody, seconds"
    )

    def over(self, base: StaffingTargets) -> StaffingTargets:
        """These targets, with ``base`` filling what they leave unset."""
        return base.model_copy(update=self.model_dump(exclude_none=True))


_COMMON = StaffingTargets(shrinkage=0.30)
CHANNEL_DEFAULTS: dict[Channel, StaffingTargets] = {
    Channel.VOICE_IN: StaffingTargets(
        sl=0.80, threshold_s=DEFAULT_THRESHOLD_S[Channel.VOICE_IN], max_occupancy=0.90
    ).over(_COMMON),
    Channel.CHAT: StaffingTargets(
        sl=0.80, threshold_s=DEFAULT_THRESHOLD_S[Channel.CHAT], max_occupancy=0.90, concurrency=2
    ).over(_COMMON),
    Channel.EMAIL: StaffingTargets(deadline_s=DEFAULT_THRESHOLD_S[Channel.EMAIL], max_occupancy=0.85).over(
        _COMMON
    ),
    Channel.BACKOFFICE: StaffingTargets(
        deadline_s=DEFAULT_THRESHOLD_S[Channel.BACKOFFICE], max_occupancy=0.85
    ).over(_COMMON),
    Channel.SOCIAL: StaffingTargets(deadline_s=DEFAULT_THRESHOLD_S[Channel.SOCIAL], max_occupancy=0.85).over(
        _COMMON
    ),
    Channel.VOICE_OUT: StaffingTargets(contact_rate=0.35, attempt_s=40.0, max_occupancy=0.85).over(_COMMON),
}


def resolve(
    channel: Channel, *, workspace: StaffingTargets | None, flow: StaffingTargets | None
) -> StaffingTargets:
    """The targets of one flow: its own, then the workspace's, then the channel's defaults.

    >>> resolve(Channel.VOICE_IN, workspace=StaffingTargets(shrinkage=0.35), flow=StaffingTargets(sl=0.9)).sl
    0.9
    """
    out = CHANNEL_DEFAULTS[channel]
    for layer in (workspace, flow):
        if layer is not None:
            out = layer.over(out)
    return out
