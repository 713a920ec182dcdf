"""Worked column mappings for realistic export shapes, and sample files to try them on."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
MAPPINGS = EXAMPLES / "mappings"
SAMPLES = EXAMPLES / "samples"

__all__ = ["EXAMPLES", "MAPPINGS", "SAMPLES"]
