"""The allocation problem (`AllocationProblem`): the blocks of the flows, the sites, and what each
block costs and needs at each site.

Its own module so that the program that builds the MIP (`arbitre.decision.program`), the reading
of a plan flow by flow (`arbitre.decision.plan`) and the solver (`arbitre.decision.allocate`) all
import it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arbitre._types import BoolArray, FloatArray
from arbitre.errors import InputError

__all__ = ["AllocationProblem", "Block"]


@dataclass(frozen=True)
class Block:
    """A part of a flow that goes to one site: the flow in one hour band (and one language)."""

    flow: str
    band: str
    language: str | None
    contacts_per_month: float


@dataclass(frozen=True, eq=False)
class AllocationProblem:
    """The allocation to solve.

    ``sites[0]`` is the in-house team; the others are offers (their ids). ``cost[b, s]`` is the
    monthly cost of block ``b`` at site ``s`` (``np.inf`` where the site cannot take it: channel,
    language, hours, skills); ``agents[b, s, i]`` the agents the block needs at the site in
    interval ``i`` of a typical week (336 half-hours from Monday 00:00, or any grid) and
    ``capacity[s, i]`` the most agents the site has then (``np.inf``: no limit);
    ``fixed_cost[s]`` is paid once a month if the site takes anything (fixed fee, amortised
    set-up, governance); ``min_contacts_per_flow[s]`` the smallest monthly volume of one flow the
    site accepts (0: none); ``max_share`` the most of all contacts one provider may take;
    ``keep_in_house`` the flows that stay in-house (flows not among the blocks are ignored) and
    ``keep_blocks`` the blocks that do (by index: the parts of a flow its qualification keeps).
    """

    blocks: tuple[Block, ...]
    sites: tuple[str, ...]
    cost: FloatArray
    agents: FloatArray
    capacity: FloatArray
    fixed_cost: FloatArray
    min_contacts_per_flow: FloatArray
    max_share: float = 1.0
    keep_in_house: frozenset[str] = frozenset()
    keep_blocks: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        n_b, n_s = len(self.blocks), len(self.sites)
        for name in ("cost", "agents", "capacity", "fixed_cost", "min_contacts_per_flow"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=np.float64))
        if n_s == 0 or len(set(self.sites)) != n_s:
            raise InputError(
                field="sites", expected="distinct site ids, the in-house team first", got=self.sites
            )
        keys = [(b.flow, b.band, b.language) for b in self.blocks]
        if len(set(keys)) != len(keys):
            dup = next(k for k in keys if keys.count(k) > 1)
            raise InputError(field="blocks", expected="one block per flow, band and language", got=dup)
        for b in self.blocks:
            if not (np.isfinite(b.contacts_per_month) and b.contacts_per_month >= 0):
                raise InputError(
                    field=f"blocks.{b.flow}.{b.band}", expected="contacts ≥ 0", got=b.contacts_per_month
                )
        n_i = self.agents.shape[-1] if self.agents.ndim == 3 else 0
        shapes = {
            "cost": (n_b, n_s),
            "agents": (n_b, n_s, n_i),
            "capacity": (n_s, n_i),
            "fixed_cost": (n_s,),
            "min_contacts_per_flow": (n_s,),
        }
        for name, shape in shapes.items():
            got = getattr(self, name).shape
            if got != shape or (name == "agents" and n_i == 0):
                raise InputError(field=name, expected=f"an array of shape {shape}", got=got)
        if np.any(np.isnan(self.cost)) or np.any(self.cost < 0):
            raise InputError(field="cost", expected="costs ≥ 0, or inf where the site cannot take the block")
        eligible = np.isfinite(self.cost)
        needed = self.agents[eligible]
        if not np.all(np.isfinite(needed)) or np.any(needed < 0):
            raise InputError(field="agents", expected="finite agents ≥ 0 wherever the cost is finite")
        if np.any(np.isnan(self.capacity)) or np.any(self.capacity < 0):
            raise InputError(field="capacity", expected="agents ≥ 0, or inf for no limit")
        for name in ("fixed_cost", "min_contacts_per_flow"):
            v = getattr(self, name)
            if not np.all(np.isfinite(v)) or np.any(v < 0):
                raise InputError(field=name, expected="finite values ≥ 0", got=v.tolist())
        if not 0 < self.max_share <= 1:
            raise InputError(field="max_share", expected="a fraction in (0, 1]", got=self.max_share)

    @property
    def flows(self) -> tuple[str, ...]:
        """The flows, in the order of their first block."""
        return tuple(dict.fromkeys(b.flow for b in self.blocks))

    def eligible(self) -> BoolArray:
        """(blocks, sites): where a block may go — a finite cost, and only in-house for kept flows."""
        e = np.isfinite(self.cost)
        e[self.kept(), 1:] = False
        return e

    def kept(self) -> BoolArray:
        """Per block: whether it must stay in-house (its flow, or the block itself, is kept)."""
        return np.array(
            [b.flow in self.keep_in_house or i in self.keep_blocks for i, b in enumerate(self.blocks)],
            dtype=bool,
        )
