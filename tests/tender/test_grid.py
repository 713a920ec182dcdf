"""The bid grid: written, filled, read back; every faulty cell named; hostile files refused cleanly."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest

from arbitre.domain.costing import PricingModel
from arbitre.domain.tender import Bid
from arbitre.errors import InputError, RejectedCells
from arbitre.tender.grid import read_bid

from .grids import blank, complete, example_tender, fill

TENDER = example_tender()
QUESTIONS = list(TENDER.criteria.graded())


def read(data: bytes) -> Bid:
    return read_bid(data, tender=TENDER, questions=QUESTIONS, file="offre.xlsx")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_filled_grid_reads_back_as_the_bid_it_holds(lang: str) -> None:
    bid = read(fill(blank(TENDER, lang), complete(), lang))
    assert bid.provider == "callmada" and bid.lots == ["voix", "ecrit"]
    voice = bid.price_of("sav-voice-fr")
    assert voice is not None and voice.model is PricingModel.PER_PRODUCTIVE_HOUR
    assert voice.rate == Decimal("14.5") and voice.evening_premium == Decimal("0.1")
    email = bid.price_of("sav-email-fr")
    assert email is not None and email.minimum_monthly == 5000
    prod = bid.productivity_of("sav-voice-fr")
    assert prod is not None and prod.aht_s == 330 and prod.paid_hours_per_fte_per_month == Decimal("173.33")
    assert bid.fees.setup_fee == 20000 and bid.ramp_up.class_size == 12
    assert bid.sites[0].country == "MG" and bid.sites[0].languages == ["fr", "en"]
    assert bid.certifications[0].name == "ISO 27001"
    assert bid.answers["rh"] == "Réponse 2"


def test_every_faulty_cell_is_named_with_its_sheet_what_was_expected_and_what_was_found() -> None:
    cells = complete()
    cells["prices"]["D5"] = "quatorze"  # text for a price
    cells["productivity"]["E6"] = 85  # a percentage for a share
    cells["sites"]["C5"] = "Madagascar"
    with pytest.raises(RejectedCells) as caught:
        read(fill(blank(TENDER), cells))
    found = {(e.sheet, e.cell): e for e in caught.value.errors}
    assert set(found) == {("Prix", "D5"), ("Productivité", "E6"), ("Sites", "C5")}
    assert found[("Prix", "D5")].expected == "a unit price ≥ 0" and found[("Prix", "D5")].got == "quatorze"
    assert "0.85" in found[("Productivité", "E6")].expected
    assert str(caught.value).startswith("offre.xlsx: 3 cells rejected; first: sheet Prix, cell D5")


def test_a_missing_price_for_a_lot_bid_for_and_a_changed_flow_are_refused() -> None:
    cells = complete()
    del cells["prices"]["C7"], cells["prices"]["D7"], cells["prices"]["F7"]
    with pytest.raises(RejectedCells) as caught:
        read(fill(blank(TENDER), cells))
    assert [(e.sheet, e.cell) for e in caught.value.errors] == [("Prix", "C7")]
    cells = complete()
    cells["prices"]["A6"] = "another-flow"
    with pytest.raises(RejectedCells) as caught:
        read(fill(blank(TENDER), cells))
    assert ("Prix", "A6") in [(e.sheet, e.cell) for e in caught.value.errors]


def test_a_price_schedule_the_costing_engine_cannot_use_is_refused_at_its_model_cell() -> None:
    cells = complete()
    cells["prices"]["C5"] = "fixed_monthly"  # a flat fee without its amount
    with pytest.raises(RejectedCells) as caught:
        read(fill(blank(TENDER), cells))
    error = caught.value.errors[0]
    assert (error.sheet, error.cell) == ("Prix", "C5") and "fixed_monthly" in error.expected


def test_a_formula_is_refused_even_where_it_would_compute_a_number() -> None:
    cells = complete()
    cells["prices"]["D5"] = "=10+4.5"
    with pytest.raises(RejectedCells) as caught:
        read(fill(blank(TENDER), cells))
    error = caught.value.errors[0]
    assert (error.sheet, error.cell) == ("Prix", "D5") and "not a formula" in error.expected


def test_a_grid_of_another_tender_or_without_its_sheets_is_refused() -> None:
    cells = complete()
    cells["bidder"]["B4"] = "other-tender"
    with pytest.raises(RejectedCells, match="cell B4"):
        read(fill(blank(TENDER), cells))
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    with pytest.raises(InputError, match="no sheet 'Candidat'"):
        read(out.getvalue())


def _zip(parts: dict[str, bytes], *, base: bytes | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        if base is not None:
            with zipfile.ZipFile(io.BytesIO(base)) as src:
                for info in src.infolist():
                    if info.filename not in parts:
                        z.writestr(info, src.read(info.filename))
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_anything_is_inflated() -> None:
    bomb = _zip({"xl/worksheets/sheet9.xml": b"\0" * 7_000_000}, base=fill(blank(TENDER), complete()))
    assert len(bomb) < 200_000
    with pytest.raises(InputError, match="zip bomb"):
        read(bomb)


def test_a_huge_sheet_is_refused_by_its_size() -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 400_000))
    huge = _zip(
        {"xl/worksheets/sheet3.xml": b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>"},
        base=fill(blank(TENDER), complete()),
    )
    with pytest.raises(InputError, match="huge sheet"):
        read(huge)


def test_external_links_and_macros_are_refused() -> None:
    base = fill(blank(TENDER), complete())
    with pytest.raises(InputError, match="links to another file"):
        read(_zip({"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}, base=base))
    with pytest.raises(InputError, match="macros"):
        read(_zip({"xl/vbaProject.bin": b"\0" * 10}, base=base))


def test_an_xml_entity_bomb_is_refused_cleanly() -> None:
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="5"><c r="D5" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    base = fill(blank(TENDER), complete())
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        prices = next(n for n in z.namelist() if n.endswith("sheet3.xml"))
    with pytest.raises(InputError, match="not a readable XLSX"):
        read(_zip({prices: lol}, base=base))


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 broken", b"name,price\nx,1\n", b"\0" * 6_000_000])
def test_what_is_not_an_xlsx_is_refused_in_one_line(data: bytes) -> None:
    with pytest.raises(InputError) as caught:
        read(data)
    assert "\n" not in str(caught.value)
