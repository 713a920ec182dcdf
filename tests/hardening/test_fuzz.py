"""Fuzzing the readers and loaders (issue 17, Deliver 9): hypothesis-made CSV, JSON lines, Parquet
and YAML (mappings, contracts, invoices), fed to what reads them. Each input ends in a clean
`ArbitreError` or a correct import — never another exception (a traceback), a hang (a deadline
per input) or a partial write (the store is as before when the import fails).

The number of examples is bounded here (``ARBITRE_FUZZ_EXAMPLES``, 25 by default per test);
``./scripts/fuzz`` runs the same tests far longer.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arbitre.contract.reconcile import parse_invoice
from arbitre.domain.contract import Contract
from arbitre.domain.interactions import NAMES
from arbitre.errors import ArbitreError
from arbitre.ingest.mapping import IDENTITY, Mapping, load_mapping
from arbitre.services.imports import import_file, load
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace
from arbitre.yamlio import parse_model

EXAMPLES = int(os.environ.get("ARBITRE_FUZZ_EXAMPLES", "25"))
DEADLINE_S = float(os.environ.get("ARBITRE_FUZZ_DEADLINE_S", "20"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=DEADLINE_S),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
    derandomize=os.environ.get("ARBITRE_FUZZ_RANDOM") is None,  # the test suite is repeatable
    database=None,
)
EXAMPLE_CONTRACT = Path(__file__).parents[2] / "src/arbitre/examples/contracts/callmada-2026.yaml"

# Cells that have broken readers before, or could: good values among hostile ones.
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "1",
            "0",
            "-3",
            "1e999",
            "nan",
            "NaN",
            "inf",
            "18446744073709551617",
            "1,5",
            "1.5",
            "true",
            "false",
            "oui",
            "x",
            "voice_in",
            "email",
            "fax",
            "internal",
            "sav",
            "SAV [/]",
            "2026-01-05T09:00:00+01:00",
            "2026-01-05T09:00:10+01:00",
            "2026-01-05 09:00",
            "9999-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "2026-01-05T09:00:00+25:00",
            "2026-02-30T09:00:00+01:00",
            "hier",
            "=cmd|' /C calc'!A0",
            "+33 6 12 34 56 78",
            "jean@mail.fr",
            "é",
            "\u202e",
            "\x00",
            "\x1b[2J",
            '"',
            '""',
            "a\nb",
            "a\rb",
            ";",
            ",",
            "\t",
            "\ufeff",
            "😀",
            "x" * 300,
        ]
    ),
    st.text(max_size=20),
)
CANONICAL = list(NAMES)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A CSV export: canonical and unknown columns, tricky cells, any delimiter, line end, encoding."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400))
    names = draw(st.lists(st.sampled_from([*CANONICAL, "Téléphone", "notes", "", "contact_id"]), max_size=12))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(names), max_size=len(names) + 1), max_size=6))

    def line(cells: list[str]) -> str:
        out = io.StringIO()
        import csv

        csv.writer(out, delimiter=delimiter, lineterminator="").writerow(cells)
        return out.getvalue()

    text = newline.join([line(names), *(line(r) for r in rows)]) + draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "cp1252", "mixed"]))
    if encoding == "mixed":
        data = text.encode("utf-8") + ("é" + newline).encode("cp1252")
    else:
        data = text.encode(encoding, errors="replace")
    return data


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    values = st.one_of(
        CELLS,
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        st.booleans(),
        st.none(),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.lists(st.integers(), max_size=2),
    )
    records = draw(
        st.lists(st.dictionaries(st.sampled_from([*CANONICAL, "x"]), values, max_size=10), max_size=6)
    )
    lines = [json.dumps(r) for r in records]
    if draw(st.booleans()):
        lines.insert(
            draw(st.integers(0, len(lines))), draw(st.sampled_from(["", "{", "[1]", "null", '{"a":']))
        )
    return ("\n".join(lines) + "\n").encode()


@st.composite
def parquet_files(draw: st.DrawFn) -> bytes:
    n = draw(st.integers(0, 5))
    kinds = {
        "text": (pa.string(), st.one_of(CELLS, st.none())),
        "int": (pa.int64(), st.one_of(st.integers(-(2**63), 2**63 - 1), st.none())),
        "float": (pa.float64(), st.one_of(st.floats(), st.none())),
        "bool": (pa.bool_(), st.one_of(st.booleans(), st.none())),
        "list": (pa.list_(pa.int64()), st.one_of(st.lists(st.integers(0, 9), max_size=2), st.none())),
        "struct": (
            pa.struct([("a", pa.int64())]),
            st.one_of(st.fixed_dictionaries({"a": st.integers(0, 9)}), st.none()),
        ),
    }
    names = draw(st.lists(st.sampled_from([*CANONICAL, "x"]), unique=True, max_size=10))
    columns = {}
    for name in names:
        kind = draw(st.sampled_from(sorted(kinds)))
        arrow_type, values = kinds[kind]
        columns[name] = pa.array(draw(st.lists(values, min_size=n, max_size=n)), type=arrow_type)
    sink = io.BytesIO()
    pq.write_table(pa.table(columns) if columns else pa.table({"x": pa.array([], pa.string())}), sink)
    data = sink.getvalue()
    if draw(st.integers(0, 5)) == 0:  # a damaged file
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=8))
    return data


def _fingerprint(ws: Workspace) -> tuple[Any, ...]:
    files = sorted(str(p.relative_to(ws.root)) for p in ws.interactions_dir.rglob("*.parquet"))
    digest = hashlib.sha256(b"".join((ws.interactions_dir / f).read_bytes() for f in [])).hexdigest()
    return tuple(files), InteractionStore(ws).rows(), digest


def _clean_or_imported(ws: Workspace, path: Path, mapping: Mapping | None = None) -> None:
    """Import ``path``: a clean error leaves the store as it was; a success adds what it says."""
    before = _fingerprint(ws)
    rows_before = InteractionStore(ws).rows()
    try:
        summary = import_file(ws, path, mapping=mapping)
    except ArbitreError:
        assert _fingerprint(ws) == before
        return
    assert InteractionStore(ws).rows() == rows_before + summary.inserted
    con = duckdb.connect()
    source = InteractionStore(ws).source_sql()
    bad = con.sql(
        f"SELECT count(*) FROM {source} WHERE arrived_at < TIMESTAMPTZ '1970-01-01 00:00:00+00' "
        "OR arrived_at >= TIMESTAMPTZ '2100-01-01 00:00:00+00' OR regexp_matches(flow, '[\\x00-\\x1f]') "
        "OR channel NOT IN ('voice_in','voice_out','email','chat','social','backoffice')"
    ).fetchall()[0][0]
    assert bad == 0


def _read_only(path: Path, mapping: Mapping = IDENTITY) -> None:
    con = connect("Europe/Paris")
    try:
        load(path, mapping, con)
    except ArbitreError:
        pass
    finally:
        con.close()


@pytest.fixture(scope="module")
def fuzz_ws(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = Workspace.init(tmp_path_factory.mktemp("fuzz") / "ws", name="Fuzz")
    yield ws
    ws.close()


def _each(suffix: str, strategy: st.SearchStrategy[bytes]) -> Callable[..., None]:
    @FUZZ
    @given(data=strategy)
    def run(fuzz_ws: Workspace, tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
        path = tmp_path_factory.mktemp("in") / f"calls{suffix}"
        path.write_bytes(data)
        _read_only(path)
        _clean_or_imported(fuzz_ws, path)

    return run


test_fuzzed_csv_files_import_cleanly_or_are_refused_in_one_error = _each(".csv", csv_files())
test_fuzzed_json_lines_import_cleanly_or_are_refused_in_one_error = _each(".jsonl", jsonl_files())
test_fuzzed_parquet_files_import_cleanly_or_are_refused_in_one_error = _each(".parquet", parquet_files())


EXPRESSIONS = st.one_of(
    st.sampled_from(
        [
            "flow",
            "upper(flow)",
            "\"flow\" || '-x'",
            "read_text('/etc/passwd')",
            "(SELECT 1)",
            "1; COPY x TO 'y'",
            "getenv('HOME')",
            "CASE WHEN flow = 'a' THEN 'b' END",
            "lpad(flow, 9999999, 'x')",
            "current_setting('a')",
            "strptime(arrived_at, '%Y')",
            "flow::int",
            "'",
            '"',
            ")",
            "((",
            "-- x",
            "/*",
            "$1",
            "*",
            "x.y",
            "regexp_replace(flow, '(a+)+$', '')",
            "json_extract(flow, '$.a')",
            "flow IN (SELECT 1)",
        ]
    ),
    st.text(max_size=30),
)


@st.composite
def mapping_texts(draw: st.DrawFn) -> str:
    lines = ["name: fuzz"]
    if draw(st.booleans()):
        lines += ["source:", f"  where: {json.dumps(draw(EXPRESSIONS))}"]
    if draw(st.booleans()):
        lines += ["derive:", f"  d: {json.dumps(draw(EXPRESSIONS))}"]
    lines.append("columns:")
    for name in draw(st.lists(st.sampled_from(CANONICAL), unique=True, max_size=4)):
        rule = draw(
            st.one_of(
                st.builds(lambda e: {"expr": e}, EXPRESSIONS),
                st.builds(lambda c: {"column": c}, st.sampled_from([*CANONICAL, "d", "nope"])),
                st.builds(
                    lambda v: {"value": v}, st.one_of(CELLS, st.integers(), st.floats(), st.booleans())
                ),
            )
        )
        lines.append(f"  {name}: {json.dumps(rule)}")
    text = "\n".join(lines) + "\n"
    if draw(st.integers(0, 6)) == 0:
        text += draw(st.sampled_from(["a: &x [1]\nb: *x\n", "name: again\n", "\t\x00", "columns: [" * 60]))
    return text


@FUZZ
@given(text=mapping_texts())
def test_fuzzed_mappings_are_refused_or_run_in_the_sandbox(
    fuzz_ws: Workspace, tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    folder = tmp_path_factory.mktemp("map")
    mapping_path = folder / "m.yaml"
    mapping_path.write_text(text, encoding="utf-8")
    data = folder / "calls.csv"
    data.write_text(
        "contact_id,flow,channel,site,arrived_at,abandoned\n1,sav,voice_in,internal,2026-01-05T09:00:00+01:00,true\n",
        encoding="utf-8",
    )
    try:
        mapping = load_mapping(mapping_path)
    except ArbitreError:
        return
    _read_only(data, mapping)
    _clean_or_imported(fuzz_ws, data, mapping)
    assert not (folder / "y").exists()


@st.composite
def contract_texts(draw: st.DrawFn) -> str:
    """The example contract with a few of its values replaced, lines dropped or duplicated."""
    lines = EXAMPLE_CONTRACT.read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["value", "drop", "dup", "junk"]))
        if action == "value" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            value = draw(
                st.sampled_from(
                    ["0", "-1", "1e999", "nan", "''", "[]", "{}", "~", "2026-02-30", "9" * 50, "*a"]
                )
            )
            lines[i] = f"{key}: {value}"
        elif action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        else:
            lines.insert(i, draw(st.text(max_size=20)))
    return "\n".join(lines) + "\n"


@FUZZ
@given(text=contract_texts())
def test_fuzzed_contracts_are_refused_with_their_line_or_load(text: str) -> None:
    try:
        parse_model(text, Contract, file="contract.yaml")
    except ArbitreError:
        pass


@FUZZ
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["handled_contact", "logged_hour", "fixed_fee", "x", ""]),
            st.one_of(CELLS, st.sampled_from(["1e999999", "9" * 60, "-0", "1 234,56"])),
            st.one_of(CELLS, st.sampled_from(["1e999999", "9" * 60, "12.5"])),
        ),
        max_size=5,
    ),
    header=st.sampled_from(
        ["unit,quantity,amount", "flow,unit,band,quantity,unit_price,amount", "amount", ""]
    ),
)
def test_fuzzed_invoices_are_refused_with_their_line_or_parse(
    rows: list[tuple[str, str, str]], header: str
) -> None:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    out.write(header + "\n")
    for unit, quantity, amount in rows:
        writer.writerow([unit, quantity, amount])
    try:
        parse_invoice(out.getvalue(), file="invoice.csv")
    except ArbitreError:
        pass
