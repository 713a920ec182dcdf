"""The bid grid: where each answer sits in the XLSX, and reading a provider's filled grid.

A provider's XLSX is hostile input. Before openpyxl sees it, the file is checked as the zip it
is: at most ``MAX_FILE_BYTES``, ``MAX_ENTRIES`` parts, each part at most ``MAX_PART_BYTES`` and
all of them ``MAX_TOTAL_BYTES`` once uncompressed (declared sizes bound what zipfile inflates),
no part compressed more than ``MAX_RATIO`` times (a zip bomb), no external link and no macro.
openpyxl then reads it without links, through defusedxml (no entity expansion), read-only,
and only the cells of the layout are read: a formula in one of them is refused (the grid wants
values: a formula could point anywhere), as is any value of the wrong kind. Every faulty cell is
reported (sheet, cell, expected, got) and nothing is returned unless the whole grid is right.

The layout (sheets in French or English, the same cells in both) is shared with the writer
(`arbitre.reports.tender_grid`), which fills in the flows and the questions.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import ValidationError

from arbitre.domain.costing import Bands, Pricing, PricingModel, Shore, VolumeBand
from arbitre.domain.tender import (
    Bid,
    BidCertification,
    BidSite,
    Fees,
    FlowPrice,
    FlowProductivity,
    RampUp,
    Tender,
    VolumeTier,
)
from arbitre.errors import CellError, InputError, RejectedCells

MAX_FILE_BYTES = 5_000_000
MAX_ENTRIES = 200
MAX_PART_BYTES = 8_000_000
MAX_TOTAL_BYTES = 40_000_000
MAX_RATIO = 200
MAX_TEXT = 5000  # characters of one answer
MAX_SITES = 20
MAX_CERTIFICATIONS = 20
FIRST_ROW = 5  # the first data row of the table sheets (rows 1–4: title, help, blank, header)

#: Sheet names by key, in French and English (the reader accepts either).
SHEETS: dict[str, dict[str, str]] = {
    "readme": {"fr": "Lisez-moi", "en": "Read me"},
    "bidder": {"fr": "Candidat", "en": "Bidder"},
    "prices": {"fr": "Prix", "en": "Prices"},
    "fees": {"fr": "Frais", "en": "Fees"},
    "productivity": {"fr": "Productivité", "en": "Productivity"},
    "ramp_up": {"fr": "Montée en charge", "en": "Ramp-up"},
    "sites": {"fr": "Sites", "en": "Sites"},
    "certifications": {"fr": "Certifications", "en": "Certifications"},
    "answers": {"fr": "Réponses techniques", "en": "Technical answers"},
}

#: Key-value sheets: the field in each row of column B.
BIDDER_ROWS = {"tender": 4, "provider": 5, "provider_name": 6, "contact": 7, "lots": 8}
FEES_ROWS = {"setup_fee": 4, "training_days_per_agent": 5, "training_day_rate": 6, "exit_fee": 7}
RAMP_ROWS = {"class_size": 4, "training_weeks": 5, "agents_at_start": 6, "weeks_to_full": 7, "max_agents": 8}

#: Table sheets: the column of each field (A holds the flow or the question, prefilled).
PRICE_COLUMNS = {
    "flow": "A",
    "label": "B",
    "model": "C",
    "rate": "D",
    "fixed_monthly": "E",
    "minimum_monthly": "F",
    "evening_premium": "G",
    "night_premium": "H",
    "weekend_premium": "I",
    "tier1_up_to": "J",
    "tier1_rate": "K",
    "tier2_up_to": "L",
    "tier2_rate": "M",
    "tier3_rate": "N",
}
PRODUCTIVITY_COLUMNS = {
    "flow": "A",
    "label": "B",
    "measured_aht_s": "C",
    "aht_s": "D",
    "occupancy": "E",
    "shrinkage": "F",
    "paid_hours_per_fte_per_month": "G",
}
SITE_COLUMNS = {"name": "A", "city": "B", "country": "C", "shore": "D", "seats": "E", "languages": "F"}
CERTIFICATION_COLUMNS = {"name": "A", "reference": "B", "expires": "C"}
ANSWER_COLUMNS = {"criterion": "A", "label": "B", "answer": "C"}

MODELS = tuple(m.value for m in PricingModel)
SHORES = tuple(s.value for s in Shore)


@dataclass(frozen=True, slots=True)
class GridFlow:
    """A flow of the scope as the grid shows it: its id, label and measured handle time."""

    flow: str
    label: str
    aht_s: float | None


def sheet_name(key: str, lang: str) -> str:
    return SHEETS[key].get(lang) or SHEETS[key]["fr"]


# --- the zip, before any XML is parsed ----------------------------------------------------------


def check_container(data: bytes, *, file: str) -> None:
    """Refuse what is not a plain, bounded XLSX: size, parts, zip bombs, external links, macros."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            f"{len(data):,} bytes: a bid grid is far smaller",
            file=file,
            expected=f"at most {MAX_FILE_BYTES:,} bytes",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError("not an XLSX file (not a zip archive)", file=file) from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_ENTRIES:
            raise InputError(
                f"{len(parts)} parts in the archive", file=file, expected=f"at most {MAX_ENTRIES}"
            )
        total = 0
        for part in parts:
            name = part.filename.lower()
            if "externallink" in name:
                raise InputError(
                    f"the workbook links to another file ({part.filename}): remove the link", file=file
                )
            if name.endswith("vbaproject.bin") or (name.endswith(".bin") and "activex" in name):
                raise InputError(
                    f"the workbook holds macros ({part.filename}): send an .xlsx without them", file=file
                )
            if part.file_size > MAX_PART_BYTES:
                raise InputError(
                    f"part {part.filename} holds {part.file_size:,} bytes once uncompressed",
                    file=file,
                    expected=f"at most {MAX_PART_BYTES:,} bytes a part (a huge sheet?)",
                )
            if part.file_size > 1_000_000 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                raise InputError(
                    f"part {part.filename} is compressed {part.file_size // max(part.compress_size, 1)} times",
                    file=file,
                    expected=f"at most {MAX_RATIO} times (a zip bomb?)",
                )
            total += part.file_size
        if total > MAX_TOTAL_BYTES:
            raise InputError(
                f"{total:,} bytes once uncompressed", file=file, expected=f"at most {MAX_TOTAL_BYTES:,}"
            )
        if "[Content_Types].xml" not in {p.filename for p in parts}:
            raise InputError("not an XLSX file (no [Content_Types].xml)", file=file)


# --- cells ------------------------------------------------------------------------------------

T = TypeVar("T")


@dataclass
class Reader:
    """Reads cells of one workbook, collecting every error instead of stopping at the first."""

    file: str
    values: dict[str, dict[str, Any]]  # sheet key → cell → value (formulas as the string "=…")
    names: dict[str, str]  # sheet key → the sheet's name in this workbook
    errors: list[CellError]

    def raw(self, sheet: str, cell: str) -> Any:
        return self.values.get(sheet, {}).get(cell)

    def fail(self, sheet: str, cell: str, expected: str, got: Any = None) -> None:
        self.errors.append(
            CellError(
                self.file, self.names.get(sheet, sheet), cell, expected, None if got is None else str(got)
            )
        )

    def get(
        self, sheet: str, cell: str, parse: Callable[[Any], T], expected: str, *, required: bool = True
    ) -> T | None:
        value = self.raw(sheet, cell)
        if isinstance(value, str):
            value = value.strip()
            if value.startswith("="):
                self.fail(sheet, cell, f"a value, not a formula ({expected})", value)
                return None
        if value is None or value == "":
            if required:
                self.fail(sheet, cell, expected, "empty")
            return None
        try:
            return parse(value)
        except (ValueError, TypeError, InvalidOperation, ArithmeticError):
            self.fail(sheet, cell, expected, value)
            return None


def _text(limit: int) -> Callable[[Any], str]:
    def parse(v: Any) -> str:
        if isinstance(v, bool):
            raise ValueError
        text = (f"{v:g}" if isinstance(v, float) else str(v)).strip()
        if not text or len(text) > limit:
            raise ValueError
        return text

    return parse


def _decimal(v: Any) -> Decimal:
    if isinstance(v, bool) or isinstance(v, datetime | date):
        raise ValueError
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError
        v = repr(v)
    text = str(v).strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # a French decimal comma typed as text
    out = Decimal(text)
    if not out.is_finite():
        raise ValueError
    return out


def _bounded(
    *,
    above: int | None = None,
    at_least: int | None = None,
    at_most: int | None = None,
    below: int | None = None,
) -> Callable[[Any], Decimal]:
    """A parser of decimals within bounds (each bound optional, strict or not)."""

    def parse(v: Any) -> Decimal:
        d = _decimal(v)
        if (
            (above is not None and d <= above)
            or (at_least is not None and d < at_least)
            or (at_most is not None and d > at_most)
            or (below is not None and d >= below)
        ):
            raise ValueError
        return d

    return parse


_non_negative = _bounded(at_least=0)
_positive = _bounded(above=0)
_share = _bounded(at_least=0, at_most=1)
_share_below_one = _bounded(at_least=0, below=1)
_positive_share = _bounded(above=0, at_most=1)


def _count(v: Any) -> int:
    d = _decimal(v)
    if d != d.to_integral_value() or d < 0 or d > 1_000_000:
        raise ValueError
    return int(d)


def _day(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v).strip())


def _one_of(options: Sequence[str]) -> Callable[[Any], str]:
    def parse(v: Any) -> str:
        text = str(v).strip()
        if text not in options:
            raise ValueError
        return text

    return parse


def _list(v: Any) -> list[str]:
    items = [x.strip() for x in str(v).replace(";", ",").split(",") if x.strip()]
    if not items or any(len(x) > 100 for x in items):
        raise ValueError
    return items


SHARE = "a share between 0 and 1 (85 % is 0.85)"
AMOUNT = "an amount ≥ 0"


# --- the grid -----------------------------------------------------------------------------


def _load(data: bytes, *, file: str) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """The cells of the layout's sheets, read-only, through openpyxl (formulas kept as text)."""
    from openpyxl import load_workbook  # heavy: only when a grid is read

    try:
        wb = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False
        )
    except Exception as exc:  # openpyxl raises anything from KeyError to XML errors on a broken file
        raise InputError(f"not a readable XLSX file ({type(exc).__name__})", file=file) from None
    try:
        present = set(wb.sheetnames)
        names: dict[str, str] = {}
        values: dict[str, dict[str, Any]] = {}
        for key, by_lang in SHEETS.items():
            found = next((n for n in by_lang.values() if n in present), None)
            if found is None:
                if key != "readme":
                    raise InputError(
                        f"no sheet {by_lang['fr']!r} (or {by_lang['en']!r}): is this the tender's bid grid?",
                        file=file,
                    )
                continue
            names[key] = found
            values[key] = dict(_cells(wb[found]))
        return values, names
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"not a readable XLSX file ({type(exc).__name__})", file=file) from None
    finally:
        wb.close()


def _cells(ws: Any) -> Iterator[tuple[str, Any]]:
    """Every non-empty cell of the first ``ROWS`` rows and ``COLUMNS`` columns: a grid's answers
    live there; rows beyond are never read (a sheet padded with a million rows costs nothing)."""
    from openpyxl.utils import get_column_letter

    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=READ_ROWS, max_col=READ_COLUMNS), start=1):
        for c, cell in enumerate(row, start=1):
            value = getattr(cell, "value", None)
            if value is None:
                continue
            if getattr(cell, "data_type", None) == "f" and not (
                isinstance(value, str) and value.startswith("=")
            ):
                value = f"={value}"
            yield f"{get_column_letter(c)}{r}", value


READ_ROWS = 300
READ_COLUMNS = 20


def read_bid(data: bytes, *, tender: Tender, questions: Sequence[str], file: str) -> Bid:
    """The bid of a filled grid of ``tender``; raises `RejectedCells` naming every faulty cell.

    ``questions`` are the graded names whose answers the grid asks for, in the grid's order.
    """
    check_container(data, file=file)
    values, names = _load(data, file=file)
    r = Reader(file, values, names, [])
    bid = _bid(r, tender=tender, questions=questions)
    if r.errors or bid is None:
        raise RejectedCells(file, r.errors or [CellError(file, "?", "?", "a complete grid")])
    return bid


def _bid(r: Reader, *, tender: Tender, questions: Sequence[str]) -> Bid | None:
    b = BIDDER_ROWS
    tender_id = r.get("bidder", f"B{b['tender']}", _text(100), f"the tender's id {tender.id}")
    if tender_id is not None and tender_id != tender.id:
        r.fail(
            "bidder", f"B{b['tender']}", f"the tender's id {tender.id} (a grid of another tender?)", tender_id
        )
    provider = r.get("bidder", f"B{b['provider']}", _provider_id, "an id of letters, digits, '-', '_' or '.'")
    provider_name = r.get("bidder", f"B{b['provider_name']}", _text(200), "the provider's name")
    contact = r.get("bidder", f"B{b['contact']}", _text(200), "a contact", required=False)
    lot_ids = [lot.id for lot in tender.all_lots()]
    lots = r.get("bidder", f"B{b['lots']}", _list, f"the lots bid for, among {', '.join(lot_ids)}")
    if lots is not None:
        unknown = [x for x in lots if x not in lot_ids]
        if unknown:
            r.fail("bidder", f"B{b['lots']}", f"lots among {', '.join(lot_ids)}", ", ".join(lots))
            lots = None
    wanted = {f for lot in tender.all_lots() if lots and lot.id in lots for f in lot.flows}
    prices = _prices(r, tender=tender, wanted=wanted)
    productivity = _productivity(r, tender=tender, wanted=wanted)
    fees = _fees(r)
    ramp = _ramp(r)
    sites = _sites(r)
    certifications = _certifications(r)
    answers = _answers(r, questions=questions)
    if r.errors or None in (provider, provider_name, lots, fees, ramp):
        return None
    assert provider is not None and provider_name is not None and lots is not None
    assert fees is not None and ramp is not None
    return Bid(
        tender=tender.id,
        provider=provider,
        provider_name=provider_name,
        contact=contact,
        lots=lots,
        prices=prices,
        productivity=productivity,
        fees=fees,
        ramp_up=ramp,
        sites=sites,
        certifications=certifications,
        answers=answers,
    )


def _provider_id(v: Any) -> str:
    text = _text(60)(v)
    if not (text[0].isalnum() and all(ch.isalnum() or ch in "-_." for ch in text) and text.isascii()):
        raise ValueError
    return text


def _flow_rows(r: Reader, sheet: str, tender: Tender) -> Iterator[tuple[int, str]]:
    """Each flow of the scope in its prefilled row; a row whose flow was changed is an error."""
    for i, flow in enumerate(tender.scope.flows):
        row = FIRST_ROW + i
        got = r.raw(sheet, f"A{row}")
        if str(got).strip() != flow:
            r.fail(sheet, f"A{row}", f"the flow {flow} (prefilled: do not change it)", got)
            continue
        yield row, flow


def _prices(r: Reader, *, tender: Tender, wanted: set[str]) -> list[FlowPrice]:
    c = PRICE_COLUMNS
    out = []
    for row, flow in _flow_rows(r, "prices", tender):
        required = flow in wanted
        model = r.get(
            "prices",
            f"{c['model']}{row}",
            _one_of(MODELS),
            f"a pricing model: {', '.join(MODELS)}",
            required=required,
        )
        if model is None:
            continue
        n = len(r.errors)

        def amount(field: str, what: str = AMOUNT, row: int = row) -> Decimal | None:
            return r.get("prices", f"{c[field]}{row}", _non_negative, what, required=False)

        def share(field: str, row: int = row) -> Decimal:
            return r.get("prices", f"{c[field]}{row}", _share, SHARE, required=False) or Decimal(0)

        rate = amount("rate", "a unit price ≥ 0")
        fixed = amount("fixed_monthly")
        minimum = amount("minimum_monthly")
        premiums = {b: share(f"{b}_premium") for b in ("evening", "night", "weekend")}
        t1_up = r.get("prices", f"{c['tier1_up_to']}{row}", _positive, "a volume > 0", required=False)
        t1 = amount("tier1_rate")
        t2_up = r.get("prices", f"{c['tier2_up_to']}{row}", _positive, "a volume > 0", required=False)
        t2 = amount("tier2_rate")
        t3 = amount("tier3_rate")
        tiers: list[VolumeTier] = []
        if t1_up is not None or t1 is not None:
            if t1_up is None or t1 is None or t3 is None:
                r.fail(
                    "prices",
                    f"{c['tier1_up_to']}{row}",
                    "volume tiers as: up to, rate, [up to, rate,] rate above",
                    "incomplete tiers",
                )
            else:
                tiers.append(VolumeTier(up_to=t1_up, rate=t1))
                if t2_up is not None and t2 is not None:
                    tiers.append(VolumeTier(up_to=t2_up, rate=t2))
                tiers.append(VolumeTier(up_to=None, rate=t3))
        if len(r.errors) > n:
            continue
        price = FlowPrice(
            flow=flow,
            model=PricingModel(model),
            rate=rate,
            tiers=tiers,
            fixed_monthly=fixed,
            minimum_monthly=minimum,
            evening_premium=premiums["evening"],
            night_premium=premiums["night"],
            weekend_premium=premiums["weekend"],
        )
        try:
            pricing_of(price)
        except (ValidationError, ValueError) as exc:
            reason = (
                exc.errors()[0]["msg"].removeprefix("Value error, ")
                if isinstance(exc, ValidationError)
                else str(exc)
            )
            r.fail("prices", f"{c['model']}{row}", f"a complete price ({reason})", model)
            continue
        out.append(price)
    for flow in sorted(wanted - {p.flow for p in out}):
        row = FIRST_ROW + tender.scope.flows.index(flow)
        if not any(e.cell.endswith(str(row)) and e.sheet == r.names.get("prices") for e in r.errors):
            r.fail("prices", f"{c['model']}{row}", f"a price for {flow}, in a lot of the bid", "empty")
    return out


def pricing_of(price: FlowPrice) -> Pricing:
    """The costing engine's price schedule of a bid's flow price (raises ValueError if incomplete)."""
    return Pricing(
        model=price.model,
        rate=price.rate if not price.tiers else None,
        bands=[VolumeBand(up_to=t.up_to, rate=t.rate) for t in price.tiers] or None,
        fixed_monthly=price.fixed_monthly,
        minimum_monthly=price.minimum_monthly,
        band_premiums=Bands(
            evening=price.evening_premium, night=price.night_premium, weekend=price.weekend_premium
        ),
    )


def _productivity(r: Reader, *, tender: Tender, wanted: set[str]) -> list[FlowProductivity]:
    c = PRODUCTIVITY_COLUMNS
    out = []
    for row, flow in _flow_rows(r, "productivity", tender):
        if flow not in wanted:
            continue
        n = len(r.errors)
        aht = r.get("productivity", f"{c['aht_s']}{row}", _positive, "a handle time in seconds > 0")
        occupancy = r.get("productivity", f"{c['occupancy']}{row}", _positive_share, SHARE)
        shrinkage = r.get(
            "productivity",
            f"{c['shrinkage']}{row}",
            _share_below_one,
            "a share between 0 and 1, below 1 (30 % is 0.30)",
        )
        hours = r.get(
            "productivity",
            f"{c['paid_hours_per_fte_per_month']}{row}",
            _positive,
            "hours a month > 0 (35 h a week: 151.67)",
            required=False,
        )
        if len(r.errors) > n or aht is None or occupancy is None or shrinkage is None:
            continue
        out.append(
            FlowProductivity(
                flow=flow,
                aht_s=float(aht),
                occupancy=occupancy,
                shrinkage=shrinkage,
                paid_hours_per_fte_per_month=hours or Decimal("151.67"),
            )
        )
    return out


def _fees(r: Reader) -> Fees | None:
    f = FEES_ROWS
    got = {k: r.get("fees", f"B{row}", _non_negative, AMOUNT, required=False) for k, row in f.items()}
    return Fees(**{k: v for k, v in got.items() if v is not None})


def _ramp(r: Reader) -> RampUp | None:
    g = RAMP_ROWS
    class_size = r.get(
        "ramp_up", f"B{g['class_size']}", _count, "agents per training class, a whole number > 0"
    )
    weeks = r.get("ramp_up", f"B{g['training_weeks']}", _non_negative, "weeks ≥ 0")
    start = r.get("ramp_up", f"B{g['agents_at_start']}", _count, "a whole number of agents ≥ 0")
    full = r.get("ramp_up", f"B{g['weeks_to_full']}", _non_negative, "weeks ≥ 0")
    most = r.get("ramp_up", f"B{g['max_agents']}", _count, "a whole number of agents > 0", required=False)
    if class_size == 0:
        r.fail("ramp_up", f"B{g['class_size']}", "agents per training class, a whole number > 0", 0)
        return None
    if class_size is None or weeks is None or start is None or full is None:
        return None
    return RampUp(
        class_size=class_size,
        training_weeks=weeks,
        agents_at_start=start,
        weeks_to_full=full,
        max_agents=most or None,
    )


def _sites(r: Reader) -> list[BidSite]:
    c = SITE_COLUMNS
    out = []
    for i in range(MAX_SITES):
        row = FIRST_ROW + i
        if all(r.raw("sites", f"{col}{row}") in (None, "") for col in c.values()):
            continue
        n = len(r.errors)
        name = r.get("sites", f"{c['name']}{row}", _text(100), "the site's name")
        city = r.get("sites", f"{c['city']}{row}", _text(100), "a city")
        country = r.get(
            "sites", f"{c['country']}{row}", _country, "a country code of two capitals (FR, MA, MG)"
        )
        shore = r.get("sites", f"{c['shore']}{row}", _one_of(SHORES), f"one of {', '.join(SHORES)}")
        seats = r.get("sites", f"{c['seats']}{row}", _count, "a whole number of seats > 0")
        langs = r.get(
            "sites",
            f"{c['languages']}{row}",
            _languages,
            "languages as ISO 639-1 codes, comma-separated (fr, en)",
        )
        if len(r.errors) > n or None in (name, city, country, shore, seats, langs):
            continue
        if seats == 0:
            r.fail("sites", f"{c['seats']}{row}", "a whole number of seats > 0", 0)
            continue
        assert name and city and country and shore and seats and langs
        out.append(
            BidSite(name=name, city=city, country=country, shore=Shore(shore), seats=seats, languages=langs)
        )
    if not out and not any(e.sheet == r.names.get("sites") for e in r.errors):
        r.fail("sites", f"A{FIRST_ROW}", "at least one site", "empty")
    return out


def _country(v: Any) -> str:
    text = str(v).strip()
    if len(text) != 2 or not text.isascii() or not text.isupper() or not text.isalpha():
        raise ValueError
    return text


def _languages(v: Any) -> list[str]:
    items = _list(v)
    if any(len(x) != 2 or not x.isascii() or not x.isalpha() for x in items):
        raise ValueError
    return [x.lower() for x in items]


def _certifications(r: Reader) -> list[BidCertification]:
    c = CERTIFICATION_COLUMNS
    out = []
    for i in range(MAX_CERTIFICATIONS):
        row = FIRST_ROW + i
        if all(r.raw("certifications", f"{col}{row}") in (None, "") for col in c.values()):
            continue
        name = r.get(
            "certifications", f"{c['name']}{row}", _text(100), "the certification's name (ISO 27001…)"
        )
        ref = r.get("certifications", f"{c['reference']}{row}", _text(200), "a reference", required=False)
        expires = r.get("certifications", f"{c['expires']}{row}", _day, "a date (YYYY-MM-DD)", required=False)
        if name is not None:
            out.append(BidCertification(name=name, reference=ref, expires=expires))
    return out


def _answers(r: Reader, *, questions: Sequence[str]) -> dict[str, str]:
    c = ANSWER_COLUMNS
    out = {}
    for i, q in enumerate(questions):
        row = FIRST_ROW + i
        got = r.raw("answers", f"{c['criterion']}{row}")
        if str(got).strip() != q:
            r.fail(
                "answers", f"{c['criterion']}{row}", f"the criterion {q} (prefilled: do not change it)", got
            )
            continue
        text = r.get(
            "answers",
            f"{c['answer']}{row}",
            _text(MAX_TEXT),
            f"an answer of at most {MAX_TEXT} characters",
            required=False,
        )
        if text is not None:
            out[q] = text
    return out


__all__ = [
    "ANSWER_COLUMNS",
    "BIDDER_ROWS",
    "CERTIFICATION_COLUMNS",
    "FEES_ROWS",
    "FIRST_ROW",
    "MAX_CERTIFICATIONS",
    "MAX_SITES",
    "MODELS",
    "PRICE_COLUMNS",
    "PRODUCTIVITY_COLUMNS",
    "RAMP_ROWS",
    "SHEETS",
    "SHORES",
    "SITE_COLUMNS",
    "GridFlow",
    "check_container",
    "pricing_of",
    "read_bid",
    "sheet_name",
]
