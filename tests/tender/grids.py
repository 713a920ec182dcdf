"""Filled bid grids for the tests: the blank grid of a tender with cells set as a provider would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arbitre.demo.tender import filled_grid
from arbitre.domain.tender import Tender
from arbitre.reports.tender_grid import grid_xlsx
from arbitre.tender.grid import GridFlow
from arbitre.yamlio import load_model

EXAMPLE = Path(__file__).parents[2] / "src" / "arbitre" / "examples" / "tenders" / "sav-2026.yaml"


def example_tender() -> Tender:
    return load_model(EXAMPLE, Tender)


def questions(tender: Tender) -> list[tuple[str, str]]:
    return [
        (s.name, s.label) if c.sub else (c.name, c.label)
        for c in tender.criteria.technical
        for s in (c.sub or [c])  # type: ignore[list-item]
    ]


def blank(tender: Tender, lang: str = "fr") -> bytes:
    flows = [GridFlow(f, f"Flux {f}", 300.0) for f in tender.scope.flows]
    return grid_xlsx(tender, flows=flows, questions=questions(tender), lang=lang)


def fill(data: bytes, cells: dict[str, dict[str, Any]], lang: str = "fr") -> bytes:
    """``cells``: sheet key → cell → value, written into the grid ``data``."""
    return filled_grid(data, cells, lang=lang)


def complete(
    provider: str = "callmada", *, rate: float = 14.5, model: str = "per_productive_hour"
) -> dict[str, dict[str, Any]]:
    """A complete answer to the example tender (both lots, every flow, every question)."""
    return {
        "bidder": {"B5": provider, "B6": f"{provider.title()} SA", "B7": "Jane Doe", "B8": "voix, ecrit"},
        "prices": {
            "C5": model,
            "D5": rate,
            "G5": 0.10,
            "I5": 0.25,
            "C6": model,
            "D6": rate,
            "C7": "per_contact",
            "D7": 2.1,
            "F7": 5000,
        },
        "fees": {"B4": 20000, "B5": 10, "B6": 80, "B7": 15000},
        "productivity": {
            "D5": 330,
            "E5": 0.85,
            "F5": 0.3,
            "G5": 173.33,
            "D6": 300,
            "E6": 0.85,
            "F6": 0.3,
            "D7": 360,
            "E7": 0.9,
            "F7": 0.25,
        },
        "ramp_up": {"B4": 12, "B5": 3, "B6": 40, "B7": 8, "B8": 150},
        "sites": {
            "A5": "Tana 1",
            "B5": "Antananarivo",
            "C5": "MG",
            "D5": "offshore",
            "E5": 200,
            "F5": "fr, en",
        },
        "certifications": {"A5": "ISO 27001", "B5": "IS 123456", "C5": "2027-05-31"},
        "answers": {f"C{5 + i}": f"Réponse {i}" for i in range(5)},
    }
