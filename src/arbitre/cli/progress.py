"""Progress of long commands: a rich bar on standard error when it is a terminal, nothing else.

``--json`` output stays the only thing a command prints (the bar is off), and a command piped
into a file or a CI log prints no bar either.

>>> with progress("Working", total=2, enabled=False) as bar:
...     bar.step("first")
...     bar.step("second")
>>> bar.done
2
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from arbitre.cli.output import err


@dataclass
class Bar:
    """One task's bar: `step` moves it on and says what is being done."""

    progress: Progress | None
    task: TaskID | None
    done: int = 0
    messages: list[str] = field(default_factory=list)

    def step(self, message: str | None = None, *, advance: int = 1) -> None:
        self.done += advance
        if message:
            self.messages.append(message)
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, advance=advance, description=message)

    def say(self, message: str) -> None:
        """Change what the bar says without moving it (the start of a step)."""
        self.messages.append(message)
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, description=message)


@contextmanager
def progress(description: str, *, total: int | None = None, enabled: bool = True) -> Iterator[Bar]:
    """A bar of ``total`` steps (a moving bar with the time elapsed when ``total`` is None).

    Shown only when ``enabled`` (pass ``not json``) and standard error is a terminal; gone when
    the work ends.
    """
    if not (enabled and err.is_terminal):
        yield Bar(None, None)
        return
    columns = [
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        *([MofNCompleteColumn()] if total is not None else []),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=err, transient=True) as bar:
        yield Bar(bar, bar.add_task(description, total=total))


__all__ = ["Bar", "progress"]
