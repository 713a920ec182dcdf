"""The slow tests are named where they are (tests/conftest.py): a renamed or moved test must not
fall silently into the fast lane."""

from __future__ import annotations

import re

from tests.conftest import SLOW_MODULES, SLOW_TESTS, TESTS


def test_every_slow_module_and_test_named_exists() -> None:
    missing = [m for m in SLOW_MODULES if not (TESTS / m).exists()]
    for entry in SLOW_TESTS:
        path, name = entry.split("::")
        source = (TESTS / path).read_text(encoding="utf-8") if (TESTS / path).is_file() else ""
        if not re.search(rf"^def {re.escape(name)}\(", source, re.M):
            missing.append(entry)
    assert missing == []
