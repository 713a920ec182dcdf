"""YAML files validated by pydantic models, with errors that name the line.

Settings, column mappings and (later) contracts are YAML files people edit by hand. A mistake must
come back as ``contract.yaml, line 12, field slas.0.target: expected ...`` and not as a traceback,
so the loader keeps the line of every node and maps pydantic's error locations back onto them.

Every YAML file the product reads comes through here, and some come from outside (a provider's
mapping, a contract): the parser is bounded. A file over `MAX_YAML_BYTES`, a tree deeper than
`MAX_DEPTH`, or any anchor or alias (``&a`` / ``*a``, the way a few lines expand into gigabytes)
is refused with its line before anything is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from arbitre.errors import InputError

M = TypeVar("M", bound=BaseModel)


MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40


class _Bounded(InputError):
    """A YAML file over one of the limits."""


class _Loader(yaml.SafeLoader):
    """Safe YAML whose dates stay text: the models parse them, so a day that does not exist
    (2026-02-30) comes back as a field error with its line rather than a bare ValueError.

    Aliases and anchors are refused and the depth is capped, as the node tree is composed.
    """

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if self.check_event(yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Bounded("anchors and aliases (&name, *name) are not accepted", line=line)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Bounded(f"nested deeper than {MAX_DEPTH} levels", line=line)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loc = tuple[str | int, ...]


def read_text(path: Path) -> str:
    """The UTF-8 text of a YAML file, refused (as `InputError`) when missing, too big or not text."""
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise InputError(f"a YAML file of {size:,} bytes (at most {MAX_YAML_BYTES:,})", file=str(path))
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("a folder, not a file", file=str(path)) from None
    except PermissionError:
        raise InputError("cannot be read (permission denied)", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from None


def load_model(path: Path, model: type[M]) -> M:
    """Read ``path`` as YAML and validate it as ``model``; raise `InputError` naming the line."""
    return parse_model(read_text(path), model, file=str(path))


def parse_model(text: str, model: type[M], *, file: str) -> M:
    """Validate YAML ``text`` as ``model``; errors name ``file`` and the line of the faulty node."""
    return parse_model_with_lines(text, model, file=file)[0]


def parse_model_with_lines(text: str, model: type[M], *, file: str) -> tuple[M, dict[Loc, int]]:
    """`parse_model`, and the line of every key and item (to name a later error's line)."""
    data, lines = parse_with_lines(text, file=file)
    try:
        return model.model_validate(data if data is not None else {}), lines
    except ValidationError as exc:
        err = exc.errors()[0]
        loc: Loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or None
        raise InputError(_describe(err), file=file, line=line_of(lines, loc), field=field) from None


def parse_with_lines(text: str, *, file: str) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML, returning the plain data and the 1-based line of every key and item.

    Bounded: at most `MAX_YAML_BYTES`, `MAX_DEPTH` levels, no anchors or aliases.
    """
    if len(text) > MAX_YAML_BYTES:
        raise InputError(f"a YAML text of {len(text):,} characters (at most {MAX_YAML_BYTES:,})", file=file)
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # a character YAML does not accept, found as the reader starts
        raise InputError(f"not valid YAML: {str(exc).splitlines()[0]}", file=file) from None
    try:
        node = loader.get_single_node()
        lines: dict[Loc, int] = {}
        if node is None:
            return None, lines
        _index(node, (), lines)
        # Built from the checked tree: the text is parsed once, and no alias can expand.
        return loader.construct_document(node), lines
    except _Bounded as exc:
        raise InputError(exc.message, file=file, line=exc.line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"not valid YAML: {problem}", file=file, line=line) from None
    except (ValueError, OverflowError, RecursionError) as exc:  # e.g. an integer of 5,000 digits
        raise InputError(f"not valid YAML: {str(exc).splitlines()[0][:200]}", file=file) from None
    finally:
        loader.dispose()


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
            if sub in lines and isinstance(key, yaml.ScalarNode):
                # The later value would silently win: say so instead.
                raise _Bounded(f"the key {key.value!r} appears twice", line=key.start_mark.line + 1)
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
