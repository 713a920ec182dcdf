"""The specification of a tender (cahier des charges, DOCX and PDF) and its bid grid (XLSX).

Gathers the scope's flows from the store with the activity map's engine (the same counts and
profile as `arbitre map`, so the volumes agree to the contact), forecasts the term by month (the
DQE the bids are compared on), then writes the three files next to each other, each atomically.
"""

from __future__ import annotations

from pathlib import Path

from arbitre.mapping.queries import flow_counts, handle_times, languages, period
from arbitre.reports.html import write_document
from arbitre.reports.tender_grid import grid_xlsx
from arbitre.reports.tender_spec import spec_content, spec_docx, spec_html
from arbitre.services.tender import load_tender, questions, store_flows
from arbitre.services.tender_score import term_forecast
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace
from arbitre.tender.grid import GridFlow
from arbitre.tender.spec import SpecFacts, SpecFlow, SpecForecast, monthly_forecast, spec_flow

NAMES = {"fr": ("cahier-des-charges", "grille-de-reponse"), "en": ("specification", "bid-grid")}


def spec_facts(ws: Workspace, name: str, *, grid_file: str = "", with_forecast: bool = True) -> SpecFacts:
    """The numbers of the specification: each flow's activity (mapping engine) and the DQE by month."""
    tender = load_tender(ws, name)
    settings = ws.settings
    con = connect(settings.timezone)
    try:
        source = InteractionStore(ws).source_sql()
        span = period(con, source, tz=settings.timezone)
        counts = flow_counts(con, source, tz=settings.timezone, interval_min=settings.interval_min)
        handles = handle_times(con, source)
        langs = languages(con, source)
    finally:
        con.close()
    known = store_flows(ws)
    flows: list[SpecFlow] = []
    for flow in tender.scope.flows:
        channel = known[flow][0].value
        key = (flow, channel)
        label = settings.flows[flow].label if flow in settings.flows else None
        flows.append(
            spec_flow(
                flow,
                label=label or flow,
                channel=channel,
                counts=counts[key],
                hours=settings.hours_of(flow),
                bands=settings.hour_bands,
                handle=handles.get(key),
                languages=langs.get(key, []),
            )
        )
    forecasts: tuple[SpecForecast, ...] = ()
    if with_forecast:
        forecasts = monthly_forecast(term_forecast(ws, tender)[0], flows=tender.scope.flows)
    assert span is not None  # load_tender found the scope's flows in the store
    return SpecFacts(
        tender=tender,
        start=span[0],
        end=span[1],
        days=(span[1] - span[0]).days + 1,
        timezone=settings.timezone,
        flows=tuple(flows),
        forecast=forecasts,
        grid_file=grid_file,
    )


def write_spec(
    ws: Workspace, name: str, *, lang: str = "fr", pdf: bool = True, folder: Path | None = None
) -> list[Path]:
    """Write the specification (DOCX, and PDF unless not ``pdf``) and the bid grid (XLSX) of the
    tender ``name`` in ``folder`` (default: the workspace's reports/); returns their paths."""
    spec_name, grid_name = NAMES.get(lang, NAMES["fr"])
    target = folder or ws.reports_dir
    target.mkdir(parents=True, exist_ok=True)
    grid_path = target / f"{grid_name}-{name}.xlsx"
    facts = spec_facts(ws, name, grid_file=grid_path.name)
    sections = spec_content(facts, lang=lang)
    docx_path = _atomic(target / f"{spec_name}-{name}.docx", spec_docx(sections, facts=facts, lang=lang))
    grid = grid_xlsx(
        facts.tender,
        flows=[GridFlow(f.flow, f.label, f.handle.mean_s if f.handle else None) for f in facts.flows],
        questions=questions(facts.tender),
        lang=lang,
    )
    paths = [docx_path, _atomic(grid_path, grid)]
    if pdf:
        paths.insert(
            1,
            write_document(
                spec_html(sections, facts=facts, lang=lang), target / f"{spec_name}-{name}.pdf", fmt="pdf"
            ),
        )
    return paths


def _atomic(path: Path, data: bytes) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


__all__ = ["spec_facts", "write_spec"]
