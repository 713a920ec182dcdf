"""Staffing: how many agents each interval needs, and what a given staffing delivers."""

from arbitre.staffing.erlang import QueueMetrics, erlang_b, erlang_c, evaluate, required_agents

__all__ = ["QueueMetrics", "erlang_b", "erlang_c", "evaluate", "required_agents"]
