"""What makes a folder a workspace, apart from `arbitre.store.workspace` (which opens one through
the app database): a command given files alone tells them from workspaces without loading it."""

from __future__ import annotations

from pathlib import Path

SETTINGS_FILE = "arbitre.yaml"


def is_workspace(path: Path | str) -> bool:
    """Whether ``path`` is a workspace's folder (it holds the settings file)."""
    return (Path(path) / SETTINGS_FILE).is_file()
