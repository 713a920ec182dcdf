"""Ingest: read source exports, map them onto the interaction record, validate, protect personal data."""
