"""The KPI engine: definitions as data, compiled to relational queries."""
