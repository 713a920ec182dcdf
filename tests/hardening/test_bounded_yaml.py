"""Every YAML the product loads is bounded (issue 17, "Unbounded parsing": alias bombs)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from arbitre.domain.contract import Contract
from arbitre.domain.costing import DecisionSettings, Offer
from arbitre.domain.settings import WorkspaceSettings
from arbitre.errors import InputError
from arbitre.ingest.mapping import Mapping, load_mapping
from arbitre.services.simulate import load_scenario
from arbitre.staffing.shift_rules import ShiftRules
from arbitre.yamlio import MAX_DEPTH, MAX_YAML_BYTES, load_model, parse_model
from tests.hardening.conftest import arbitre

# Nine levels of nine aliases: 9^9 (387 million) strings once expanded.
BOMB = (
    "name: bomb\n"
    + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9))
)
MODELS = [Mapping, Contract, WorkspaceSettings, Offer, DecisionSettings, ShiftRules]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_an_alias_bomb_is_refused_at_once_with_its_line(tmp_path: Path, model: type) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"bomb.yaml, line 2: anchors and aliases"):
        load_model(path, model)
    assert time.perf_counter() - started < 1.0


def test_a_bomb_is_refused_by_every_command_that_reads_yaml(tmp_path: Path, workspace) -> None:  # type: ignore[no-untyped-def]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text("contact_id\n1\n", encoding="utf-8")
    for command in (
        ["import", str(workspace.root), str(data), "--mapping", str(bomb)],
        ["kpi", str(data), "--mapping", str(bomb)],
        ["contract", str(workspace.root), str(bomb)],
        ["simulate", str(bomb)],
        ["schedule", str(data), "--rules", str(bomb)],
    ):
        started = time.perf_counter()
        ran = arbitre(*command)
        assert ran.returncode == 1, (command, ran)
        assert "anchors and aliases" in ran.stderr and ran.one_line_error, ran.stderr
        assert time.perf_counter() - started < 5.0
    with pytest.raises(InputError, match="anchors and aliases"):
        load_scenario(bomb)


def test_depth_size_duplicate_keys_and_huge_numbers_are_refused(tmp_path: Path) -> None:
    deep = "name: x\ndescription: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    with pytest.raises(InputError, match=f"nested deeper than {MAX_DEPTH} levels"):
        parse_model(deep, Mapping, file="m.yaml")
    with pytest.raises(InputError, match="line 3: the key 'name' appears twice"):
        parse_model("name: a\ndescription: b\nname: c\n", Mapping, file="m.yaml")
    with pytest.raises(InputError, match=r"m\.yaml: not valid YAML: Exceeds the limit"):
        parse_model("name: a\nsource: {skip_rows: " + "9" * 5000 + "}\n", Mapping, file="m.yaml")
    big = tmp_path / "big.yaml"
    big.write_text("name: a\ndescription: " + "x" * MAX_YAML_BYTES + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a YAML file of 2,097,174 bytes \(at most 2,097,152\)"):
        load_mapping(big)
    with pytest.raises(InputError, match="could not determine a constructor"):
        parse_model("name: !!python/object/apply:os.system ['true']\n", Mapping, file="m.yaml")


def test_the_shipped_yaml_files_still_load() -> None:
    from arbitre.costing.defaults import french_defaults
    from arbitre.examples import MAPPINGS

    for path in sorted(MAPPINGS.glob("*.yaml")):
        load_mapping(path)
    french_defaults()
    contract = Path(__file__).parents[2] / "src/arbitre/examples/contracts/callmada-2026.yaml"
    load_model(contract, Contract)
