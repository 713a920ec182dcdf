"""Long commands show a bar on a terminal, and nothing with --json or when piped."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from arbitre.cli import progress as module


def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    screen = io.StringIO()
    monkeypatch.setattr(module, "err", Console(file=screen, force_terminal=True, width=100))
    return screen


def test_a_terminal_sees_the_bar_with_its_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = terminal(monkeypatch)
    with module.progress("Importing", total=3) as bar:
        bar.step("first file")
        bar.step("second file")
    assert bar.done == 2 and bar.messages == ["first file", "second file"]
    assert "Importing" in screen.getvalue() or "file" in screen.getvalue()


def test_json_output_gets_no_bar_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = terminal(monkeypatch)
    with module.progress("Importing", total=3, enabled=False) as bar:
        bar.step("first file")
    assert screen.getvalue() == ""
    assert bar.done == 1


def test_a_pipe_gets_no_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(module, "err", Console(file=screen, force_terminal=False))
    with module.progress("Computing") as bar:
        bar.say("still computing")
    assert screen.getvalue() == ""
