"""The contract model refuses what would make governance guess or divide by zero, and reads the
day-exclusion rule a client and a provider sign."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.domain.contract import Contract, VolumeDays
from arbitre.errors import InputError
from arbitre.examples import EXAMPLES
from arbitre.store.workspace import Workspace
from arbitre.yamlio import load_model, parse_model
from tests.contract.test_govern import CONTRACT

EXAMPLE = EXAMPLES / "contracts" / "callmada-2026.yaml"


@pytest.mark.parametrize("occupancy", ["0", "-0.2", "1.5"])
def test_an_occupancy_of_zero_or_below_or_above_one_is_refused_with_its_line(occupancy: str) -> None:
    text = CONTRACT.replace("pricing:", f"productivity_occupancy: {occupancy}\npricing:")
    with pytest.raises(InputError) as info:
        parse_model(text, Contract, file="c.yaml")
    assert info.value.field == "productivity_occupancy"
    assert info.value.line == text.splitlines().index(f"productivity_occupancy: {occupancy}") + 1


def test_storing_a_contract_with_a_zero_occupancy_is_one_line_and_exit_1(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws", name="W")
    ws.close()
    path = tmp_path / "c.yaml"
    path.write_text(CONTRACT.replace("pricing:", "productivity_occupancy: 0\npricing:"), encoding="utf-8")
    result = CliRunner().invoke(app, ["contract", str(tmp_path / "ws"), str(path)])
    assert result.exit_code == 1
    assert "field productivity_occupancy" in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "weights",
    [
        "weekday_weights: [0, 0, 0, 0, 0, 0, 0]",
        "weekday_weights: {voice: [1, 1, 1, 1, 1, 0, 0], mail: [0, 0, 0, 0, 0, 0, 0]}",
    ],
)
def test_weekday_weights_that_are_all_zero_are_refused(weights: str) -> None:
    text = CONTRACT.replace("  tolerance: 0.15\n", f"  tolerance: 0.15\n  {weights}\n")
    with pytest.raises(InputError, match="all 0"):
        parse_model(text, Contract, file="c.yaml")


def test_negative_weights_are_refused() -> None:
    text = CONTRACT.replace(
        "  tolerance: 0.15\n", "  tolerance: 0.15\n  weekday_weights: [1, 1, 1, 1, 1, 1, -1]\n"
    )
    with pytest.raises(InputError, match="weekday_weights"):
        parse_model(text, Contract, file="c.yaml")
    with pytest.raises(InputError, match=r"slas\.0\.weight"):
        parse_model(
            CONTRACT.replace("target: 0.80, weight: 0.5}", "target: 0.80, weight: -0.5}"), Contract, file="c"
        )


def test_the_day_rule_defaults_to_days_in_a_month_above_its_band_and_reads_the_older_switch() -> None:
    base = CONTRACT.replace("  volume_days: {when: always}\n", "")
    assert parse_model(base, Contract, file="c").exclusions.days_rule == VolumeDays(when="month_above_band")
    old_on = base.replace("exclusions:\n", "exclusions:\n  volume_above_band: true\n")
    old_off = base.replace("exclusions:\n", "exclusions:\n  volume_above_band: false\n")
    assert parse_model(old_on, Contract, file="c").exclusions.days_rule.when == "always"
    assert parse_model(old_off, Contract, file="c").exclusions.days_rule.when == "never"
    both = CONTRACT.replace("exclusions:\n", "exclusions:\n  volume_above_band: true\n")
    with pytest.raises(InputError, match="not both"):
        parse_model(both, Contract, file="c")
    wide = base.replace("exclusions:\n", "exclusions:\n  volume_days: {when: always, tolerance: 0.3}\n")
    assert parse_model(wide, Contract, file="c").exclusions.days_rule.tolerance == Decimal("0.3")


def test_closed_days_are_given_for_every_flow_or_per_flow() -> None:
    common = CONTRACT.replace("  tolerance: 0.15\n", "  tolerance: 0.15\n  closed_days: [2026-05-01]\n")
    c = parse_model(common, Contract, file="c")
    assert (
        {str(d) for d in c.volumes.closed("voice")}
        == {"2026-05-01"}
        == {str(d) for d in c.volumes.closed("mail")}
    )
    per_flow = CONTRACT.replace(
        "  tolerance: 0.15\n", "  tolerance: 0.15\n  closed_days: {voice: [2026-05-01]}\n"
    )
    c = parse_model(per_flow, Contract, file="c")
    assert c.volumes.closed("mail") == set() and len(c.volumes.closed("voice")) == 1


def test_the_example_contract_says_in_its_comments_the_service_level_it_signs() -> None:
    """Its comment said "90 % in 30 s" (the seed's example) where the contract signs 80 %."""
    text = EXAMPLE.read_text(encoding="utf-8")
    contract = load_model(EXAMPLE, Contract)
    sla = next(s for s in contract.slas if s.name == "answer-30s")
    block = text[
        text.index("- name: answer-30s") : text.index("- name:", text.index("- name: answer-30s") + 1)
    ]
    comments = " ".join(line.partition("#")[2] for line in block.splitlines() if "#" in line)
    signed = f"{round(sla.target * 100)} % of the calls answered within {round(sla.threshold_s or 0)} s"
    assert signed in comments
    # Any other share it cites is named as the seed's, not as this contract's target.
    for share in re.findall(r"(\d+) %", comments):
        assert int(share) == round(sla.target * 100) or "seed 001" in comments
