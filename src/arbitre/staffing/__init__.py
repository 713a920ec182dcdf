"""Staffing: how many agents each interval needs, and what a given staffing delivers."""
