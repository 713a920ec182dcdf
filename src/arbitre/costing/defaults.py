"""The French defaults of the in-house cost model, and a workspace's ``costs.yaml`` over them.

``defaults_fr.yaml`` (beside this module) holds every figure with its source. A workspace writes
only what it knows better::

    # costs.yaml
    agent_gross_salary_per_year: 25000
    band_premiums: {weekend: 0.5}
    sources:
      agent_gross_salary_per_year: "payroll 2025, average of the SAV team"

Merge rules (`merge_costs`): a field given replaces the default; the two mappings (``band_premiums``
and ``sources``) are merged key by key, so ``band_premiums: {weekend: 0.5}`` keeps the default
evening and night premiums; a field the workspace sets without saying where it comes from gets the
source ``"<file name>: set by the workspace"`` in place of the default's, so that no figure keeps a
source that no longer describes it. Errors name the line of ``costs.yaml``.

Reading files is I/O: this module is the costing part's edge, called by services; the engines
take `InHouseCosts` objects.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from arbitre.domain.costing import InHouseCosts
from arbitre.errors import InputError
from arbitre.yamlio import line_of, load_model, parse_with_lines

DEFAULTS_FR = Path(__file__).with_name("defaults_fr.yaml")
#: Fields that are mappings: merged key by key rather than replaced.
MERGED = ("band_premiums", "sources", "sources_fr")


@cache
def french_defaults() -> InHouseCosts:
    """The French defaults (a contact centre in a regional city, 2025), each with its source.

    >>> costs = french_defaults()
    >>> costs.paid_hours_per_year, costs.sources["paid_hours_per_year"][:26]
    (Decimal('1607'), 'Code du travail art. L3121')
    """
    return load_model(DEFAULTS_FR, InHouseCosts)


def merge_costs(base: InHouseCosts, overrides: dict[str, Any], *, origin: str) -> dict[str, Any]:
    """The data of ``base`` with ``overrides`` over it, by the rules of this module (not validated).

    >>> base = french_defaults()
    >>> data = merge_costs(base, {"band_premiums": {"weekend": 0.5}}, origin="costs.yaml")
    >>> data["band_premiums"]["weekend"], data["band_premiums"]["night"], data["sources"]["band_premiums"]
    (0.5, Decimal('0.25'), 'costs.yaml: set by the workspace')
    """
    data: dict[str, Any] = base.model_dump()
    given_sources = overrides.get("sources")
    for key, value in overrides.items():
        if key in MERGED and isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    sources = data.get("sources")
    french = data.get("sources_fr")
    if isinstance(sources, dict):
        own = given_sources if isinstance(given_sources, dict) else {}
        given_fr = overrides.get("sources_fr")
        own_fr = given_fr if isinstance(given_fr, dict) else {}
        for key in [*overrides, *own]:
            if key in ("sources", "sources_fr"):
                continue
            if key not in own:
                sources[key] = f"{origin}: set by the workspace"
            # The default's French source no longer describes the figure: the workspace's own, as
            # given, or the same note in French.
            if isinstance(french, dict) and key not in own_fr:
                if key in own:
                    french.pop(key, None)
                else:
                    french[key] = f"{origin} : valeur fixée par l'espace de travail"
    return data


def load_costs(path: Path, *, base: InHouseCosts | None = None) -> InHouseCosts:
    """A workspace's ``costs.yaml`` over ``base`` (the French defaults when None).

    Raises `InputError` naming the file, the line and the field of a wrong or unknown value.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from None
    data, lines = parse_with_lines(text, file=str(path))
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(file=str(path), line=1, expected="a mapping of cost fields", got=type(data).__name__)
    merged = merge_costs(base or french_defaults(), data, origin=path.name)
    try:
        return InHouseCosts.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or None
        kind = err.get("type")
        message = (
            "unknown field" if kind == "extra_forbidden" else str(err["msg"]).removeprefix("Value error, ")
        )
        got = err.get("input")
        if kind != "extra_forbidden" and got is not None and not isinstance(got, dict | list):
            message += f" (got {got!r})"
        raise InputError(message, file=str(path), line=line_of(lines, loc), field=field) from None
