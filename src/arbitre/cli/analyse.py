"""Commands that read the store: `kpi`, `map`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from arbitre.cli.output import err, fmt_kpi, print_json, print_table
from arbitre.cli.progress import progress
from arbitre.domain.kpis import TIME_KEYS
from arbitre.ingest.mapping import load_mapping
from arbitre.services.kpis import kpis


def register(app: typer.Typer) -> None:
    app.command("kpi")(kpi)
    app.command("map")(map_)


def kpi(
    inputs: Annotated[
        list[Path],
        typer.Argument(metavar="FILE_OR_WORKSPACE...", help="Interaction files and/or workspaces."),
    ],
    by: Annotated[
        str,
        typer.Option(
            help="Group keys: any of flow, channel, site, language, and one of interval, day, week, month."
        ),
    ] = "",
    threshold: Annotated[
        float | None,
        typer.Option(help="Service-level threshold in seconds for every channel (default: per channel)."),
    ] = None,
    short_abandon: Annotated[
        float | None, typer.Option(help="Abandons under this many seconds are short (default 5).")
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(help="Time zone of the time keys (default: the workspace's, else Europe/Paris)."),
    ] = None,
    interval_min: Annotated[
        int | None, typer.Option(help="Interval length for --by interval: 15, 30 or 60.")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="Column mapping for files in another shape.")
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(
            help="Where the query runs: duckdb (default) or spark (workspaces only; needs the spark extra and Java)."
        ),
    ] = None,
    master: Annotated[
        str | None,
        typer.Option(
            help="Spark master URL for --engine spark (default: the workspace's compute setting, local[2])."
        ),
    ] = None,
    all_hours: Annotated[
        bool,
        typer.Option(
            "--all-hours",
            help="Count every contact in the service level, abandon rate and ASA, also those arriving "
            "while the flow is closed (default for a workspace: within its opening hours).",
        ),
    ] = False,
    json: Annotated[
        bool, typer.Option("--json", help="Print a list of JSON objects, one per group.")
    ] = False,
) -> None:
    """KPIs of interaction records (docs/specs/interactions.md), grouped as asked."""
    with progress("Computing the KPIs…", enabled=not json):
        rows = kpis(
            inputs,
            engine=engine,
            master=master,
            by=[by] if by else [],
            threshold_s=threshold,
            short_abandon_s=short_abandon,
            tz=tz,
            interval_min=interval_min,
            mapping=load_mapping(mapping) if mapping else None,
            all_hours=all_hours,
        )
    if json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    keys = list(rows[0].keys) if rows else []
    hours = any(r.outside_hours is not None for r in rows)
    columns = [
        *_COLUMNS[:1],
        *([("closed", "outside_hours")] if hours else []),
        *_COLUMNS[1:],
        # Quality monitoring's KPIs, where the workspace has checks or evaluations.
        *((name, k) for name, k in _QUALITY_COLUMNS if any(r.kpi(k) is not None for r in rows)),
    ]
    header = [*keys, *(name for name, _ in columns)]
    table = [[*(str(r.keys[k]) for k in keys), *(fmt_kpi(k, r.kpi(k)) for _, k in columns)] for r in rows]
    if not keys:
        header[0:0] = ["all"]
        table = [["all", *row] for row in table]
    print_table(None, header, table)


#: The table's KPI columns (header, KPI), each written by its unit in the registry.
_COLUMNS = [
    ("offered", "offered"),
    ("answered", "answered"),
    ("SL", "service_level"),
    ("abandon", "abandon_rate"),
    ("ASA", "asa_s"),
    ("AHT", "aht_s"),
    ("FCR", "fcr"),
    ("repeat 7d", "repeat_rate_7d"),
    ("CSAT", "csat"),
    ("NPS", "nps"),
]
_QUALITY_COLUMNS = [
    ("QA auto", "qa_auto_score"),
    ("critical auto", "qa_auto_critical_rate"),
    ("QA human", "qa_human_score"),
]
_KPI_COLUMNS = {k for _, k in _COLUMNS}
assert not _KPI_COLUMNS & set(TIME_KEYS)


def map_(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    lang: Annotated[str, typer.Option(help="Language of the HTML report and of the table: fr or en.")] = "fr",
    json: Annotated[bool, typer.Option("--json", help="Print the map as JSON.")] = False,
) -> None:
    """Map the activity (step 1): volumes, peaks, demand outside opening hours, handling times, service."""
    # The map's modules (reports, charts, the decision's wording), loaded by `map` alone: `kpi`
    # starts without them.
    from arbitre.reports import decision_format as fmt
    from arbitre.reports import html
    from arbitre.reports.activity import write_activity_map
    from arbitre.reports.i18n import t
    from arbitre.services.activity import activity_map
    from arbitre.store.workspace import Workspace

    ws = Workspace.open(directory)
    try:
        result = activity_map(ws)
        report = write_activity_map(result, ws.reports_dir, lang=lang)
    finally:
        ws.close()
    lang = "fr" if lang == "fr" else "en"

    def w(key: str, **values: object) -> str:
        return t(f"cli.{key}", lang).format(**values)

    err.print(w("report", path=report))
    if json:
        print_json(result.model_dump(mode="json"))
        return

    def pct(x: float | None) -> str:
        return html.pct(x, lang)

    def number(x: float | None, digits: int = 0) -> str:
        return html.num(x, lang, digits)

    rows = [
        [
            f.flow,
            fmt.channel_label(f.channel, lang),
            number(f.contacts),
            number(f.contacts_per_day),
            number(f.peak_to_average.interval, 2),
            number(f.peak_to_average.day, 2),
            pct(f.outside_opening_hours),
            number(f.outside_hours.per_month),
            pct(f.bands["evening"]),
            pct(f.bands["weekend"]),
            html.duration(f.handle_time.mean_s if f.handle_time else None, lang),
            pct(f.kpis.service_level),
            pct(f.kpis.abandon_rate),
            ", ".join(
                f"{fmt.language_name(x.language, lang)} {html.pct(x.share, lang, 0)}" for x in f.languages[:3]
            ),
        ]
        for f in result.flows
    ]
    period = result.period
    title = (
        w(
            "map_title",
            workspace=result.workspace,
            start=fmt.date_text(period.start, lang),
            end=fmt.date_text(period.end, lang),
        )
        if period
        else result.workspace
    )
    print_table(
        title,
        [
            w("flow"),
            w("channel"),
            w("contacts"),
            w("per_day"),
            w("peak_interval"),
            w("peak_day"),
            w("outside"),
            w("outside_month"),
            w("evening"),
            w("weekend"),
            w("aht"),
            w("sl"),
            w("abandon"),
            w("languages"),
        ],
        rows,
        text=2,
    )
    err.print(w("scope_note"))
