"""The make-or-buy decision: qualification of each flow, allocation across offers, scenarios."""
