"""The contract refereed every month: loading, SLA evaluation, credits, reconciliation, watch.

Pure engines over the contract model (`arbitre.domain.contract`) and the KPI engine's results;
the monthly run that reads the store and records the results is `arbitre.services.govern`.
"""
