"""The demo company, Azalée Maison, and the interaction history `arbitre demo` builds from it.

>>> from arbitre.demo import generate_history
>>> history = generate_history(seed=7, scale=0.02)  # doctest: +SKIP
"""

from __future__ import annotations

from arbitre.demo.company import COMPANY_NAME, FLOWS, SITES, DemoFlow, demo_settings
from arbitre.demo.generate import DemoHistory, generate_history

__all__ = ["COMPANY_NAME", "FLOWS", "SITES", "DemoFlow", "DemoHistory", "demo_settings", "generate_history"]
