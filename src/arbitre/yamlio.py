"""YAML files validated by pydantic models, with errors that name the line.

Settings, column mappings and (later) contracts are YAML files people edit by hand. A mistake must
come back as ``contract.yaml, line 12, field slas.0.target: expected ...`` and not as a traceback,
so the loader keeps the line of every node and maps pydantic's error locations back onto them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from arbitre.errors import InputError

M = TypeVar("M", bound=BaseModel)


class _Loader(yaml.SafeLoader):
    """Safe YAML whose dates stay text: the models parse them, so a day that does not exist
    (2026-02-30) comes back as a field error with its line rather than a bare ValueError."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loc = tuple[str | int, ...]


def load_model(path: Path, model: type[M]) -> M:
    """Read ``path`` as YAML and validate it as ``model``; raise `InputError` naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from None
    return parse_model(text, model, file=str(path))


def parse_model(text: str, model: type[M], *, file: str) -> M:
    """Validate YAML ``text`` as ``model``; errors name ``file`` and the line of the faulty node."""
    data, lines = parse_with_lines(text, file=file)
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc: Loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or None
        raise InputError(_describe(err), file=file, line=line_of(lines, loc), field=field) from None


def parse_with_lines(text: str, *, file: str) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML, returning the plain data and the 1-based line of every key and item."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"not valid YAML: {problem}", file=file, line=line) from None
    lines: dict[Loc, int] = {}
    if node is None:
        return None, lines
    _index(node, (), lines)
    data = yaml.load(text, Loader=_Loader)  # a SafeLoader: no arbitrary objects
    return data, lines


def line_of(lines: dict[Loc, int], loc: Loc) -> int | None:
    """The line of the deepest node of ``loc`` that exists in the file."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _index(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*loc, key.value)
            lines[sub] = key.start_mark.line + 1
            _index(value, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*loc, i), lines)


def _describe(err: Any) -> str:
    msg = str(err["msg"])
    # pydantic prefixes custom errors with "Value error, "; the user needs the reason only.
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    if err.get("type") == "missing":
        return "required field missing"
    if err.get("type") == "extra_forbidden":
        return "unknown field"
    got = err.get("input")
    if got is not None and not isinstance(got, dict | list):
        return f"{msg} (got {got!r})"
    return msg
