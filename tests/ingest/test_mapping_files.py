"""Mapping files are validated with the line of each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from arbitre.errors import InputError
from arbitre.examples import MAPPINGS
from arbitre.ingest.mapping import load_mapping


def test_the_shipped_mappings_are_valid() -> None:
    for path in MAPPINGS.glob("*.yaml"):
        assert load_mapping(path).name == path.stem


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("name: x\ncolumns:\n  contact_id: ID\n  duration: Durée\n", 4, "columns.duration: unknown field"),
        (
            "name: x\ncolumns:\n  channel: {value: voice_in, column: Canal}\n",
            3,
            "exactly one of column, value or expr",
        ),
        ("name: x\nsource:\n  encoding: klingon-8\n", 3, "unknown encoding"),
        ("name: x\nsource:\n  timezone: Mars/Olympus\n", 3, "unknown time zone"),
        ("name: x\ncolumns:\n  talk_s: {column: T, duration: hours}\n", 3, "duration"),
        ("name: x\ncolumns: [\n", 3, "not valid YAML"),
    ],
)
def test_a_mistake_in_a_mapping_names_its_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_mapping(path)
    assert info.value.line == line
    assert words in str(info.value)
    assert str(path) in str(info.value)
