"""Costing: what a flow costs in-house and what each provider offer would cost for the same service (steps 2 and 4)."""
