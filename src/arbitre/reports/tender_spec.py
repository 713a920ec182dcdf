"""The specification (cahier des charges) as content, then as DOCX (python-docx) and as HTML
for the PDF (WeasyPrint): one list of sections — paragraphs, tables, lists — drawn twice, so that
both documents say the same thing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from arbitre.domain.interactions import COLUMNS
from arbitre.domain.tender import Tender
from arbitre.reports.html import num, pct, render_page
from arbitre.reports.i18n import t
from arbitre.tender.spec import SpecFacts, SpecFlow


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    blocks: list[str | Table | list[str]] = field(default_factory=list)  # a paragraph, a table, a list


COLUMN_MEANING: dict[str, dict[str, str]] = {
    "contact_id": {
        "fr": "identifiant du contact chez le titulaire",
        "en": "the contact's id at the provider",
    },
    "flow": {"fr": "le flux (identifiant du cahier des charges)", "en": "the flow (the specification's id)"},
    "channel": {"fr": "le canal", "en": "the channel"},
    "site": {"fr": "le site qui l'a traité", "en": "the site that handled it"},
    "arrived_at": {"fr": "entrée en file", "en": "entered the queue"},
    "answered_at": {"fr": "première réponse d'un conseiller", "en": "first agent response"},
    "ended_at": {"fr": "fin de traitement ou d'attente", "en": "end of handling or of waiting"},
    "abandoned": {"fr": "abandonné avant réponse", "en": "abandoned before an answer"},
    "talk_s": {"fr": "durée de conversation, secondes", "en": "talk time, seconds"},
    "hold_s": {"fr": "durée de mise en attente, secondes", "en": "hold time, seconds"},
    "wrap_s": {"fr": "durée de post-traitement, secondes", "en": "wrap-up time, seconds"},
    "language": {"fr": "langue (ISO 639-1)", "en": "language (ISO 639-1)"},
    "agent_id": {"fr": "conseiller (pseudonymisé)", "en": "agent (pseudonymised)"},
    "customer_id": {"fr": "client (pseudonymisé)", "en": "customer (pseudonymised)"},
    "reason": {"fr": "motif de contact", "en": "contact reason"},
    "resolved": {"fr": "résolu au premier contact", "en": "resolved at first contact"},
    "csat": {"fr": "satisfaction, 1 à 5", "en": "satisfaction, 1 to 5"},
    "nps": {"fr": "recommandation, 0 à 10", "en": "recommendation, 0 to 10"},
    "qa_score": {"fr": "note qualité, 0 à 100", "en": "quality score, 0 to 100"},
    "transcript": {
        "fr": "transcription (données personnelles masquées)",
        "en": "transcript (personal data redacted)",
    },
}


def _f(key: str, lang: str, **params: object) -> str:
    text = t(key, lang)
    return text.format(**params) if params else text


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def spec_content(facts: SpecFacts, *, lang: str) -> list[Section]:
    """The sections of the specification of ``facts`` in ``lang``."""
    tender = facts.tender
    sections = [_scope(tender, lang), _volumes(facts, lang)]
    sections += [_flow(f, lang) for f in facts.flows]
    if facts.forecast:
        sections.append(_forecast(facts, lang))
    sections += [_service(tender, lang), _security(tender, lang), _reversibility(tender, lang)]
    sections += [_governance(tender, lang), _evaluation(tender, lang), _timetable(facts, lang)]
    return sections


def _scope(tender: Tender, lang: str) -> Section:
    s = Section(_f("spec.object", lang))
    s.blocks.append(_f("spec.object.text", lang, months=tender.term.months, start=tender.term.start))
    s.blocks.append(
        Table(
            (t("spec.lots", lang), t("rep.flow", lang)),
            tuple((f"{lot.id} — {lot.title}", ", ".join(lot.flows)) for lot in tender.all_lots()),
        )
    )
    colon = " : " if lang == "fr" else ": "
    s.blocks.append(
        t("spec.bands", lang) + colon + ", ".join(t(f"band.{b}", lang) for b in tender.scope.bands)
    )
    s.blocks.append(t("spec.languages", lang) + colon + ", ".join(tender.scope.languages))
    return s


def _volumes(facts: SpecFacts, lang: str) -> Section:
    s = Section(_f("spec.volumes", lang))
    s.blocks.append(
        _f(
            "spec.volumes.text",
            lang,
            start=facts.start.isoformat(),
            end=facts.end.isoformat(),
            days=facts.days,
            tz=facts.timezone,
        )
    )
    flows = facts.flows
    months = list(dict.fromkeys(m for f in flows for m, _ in f.months))
    by = {f.flow: dict(f.months) for f in flows}
    s.blocks.append(
        Table(
            (t("axis.month", lang), *(f.flow for f in flows)),
            (
                *((m, *(num(by[f.flow].get(m, 0), lang) for f in flows)) for m in months),
                (t("spec.flow.total", lang), *(num(f.contacts, lang) for f in flows)),
            ),
            caption=t("spec.by_month", lang),
        )
    )
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    s.blocks.append(
        Table(
            ("", *(f.flow for f in flows)),
            tuple(
                (t(f"day.{d}", lang), *(num(f.weekday_means[i], lang, 1) for f in flows))
                for i, d in enumerate(days)
            ),
            caption=t("spec.by_weekday", lang),
        )
    )
    if flows:
        step = flows[0].interval_min
        slots = len(flows[0].interval_means)
        rows = tuple(
            (f"{_hm(i * step)}–{_hm((i + 1) * step)}", *(num(f.interval_means[i], lang, 1) for f in flows))
            for i in range(slots)
            if any(f.interval_means[i] > 0 for f in flows)
        )
        s.blocks.append(Table(("", *(f.flow for f in flows)), rows, caption=t("spec.by_interval", lang)))
    return s


def _flow(f: SpecFlow, lang: str) -> Section:
    s = Section(f"{f.flow} — {f.label}")
    peaks = f.peak_to_average
    h = f.handle
    rows = [
        (t("spec.flow.channel", lang), f.channel),
        (t("spec.flow.total", lang), num(f.contacts, lang)),
        (t("spec.flow.per_day", lang), num(f.contacts / f.days if f.days else None, lang, 1)),
        (
            t("spec.flow.hours", lang),
            " · ".join(
                f"{t(f'day.{d}', lang)} {t('spec.closed', lang) if v == 'closed' else v}"
                for d, v in f.hours.items()
            ),
        ),
        (t("spec.flow.outside", lang), pct(f.outside_share, lang)),
        (
            t("spec.flow.bands", lang),
            " / ".join(pct(f.band_shares.get(b), lang) for b in ("day", "evening", "night", "weekend")),
        ),
        (t("spec.flow.aht", lang), "—" if h is None or h.mean_s is None else f"{num(h.mean_s, lang)} s"),
        (
            t("spec.flow.aht_pct", lang),
            "—"
            if h is None
            else " / ".join("—" if x is None else f"{num(x, lang)} s" for x in (h.p50_s, h.p80_s, h.p90_s)),
        ),
        (
            t("spec.flow.peaks", lang),
            " / ".join(num(peaks.get(k), lang, 2) for k in ("interval", "day", "month")),
        ),
        (
            t("spec.flow.peak_months", lang),
            ", ".join(f"{m} ({num(n, lang)})" for m, n, _ in f.peak_months) or t("flow.none", lang),
        ),
        (
            t("spec.flow.peak_days", lang),
            ", ".join(f"{d} ({num(n, lang)})" for d, n, _ in f.peak_days) or t("flow.none", lang),
        ),
        (
            t("spec.flow.languages", lang),
            ", ".join(f"{code} {pct(share, lang)}" for code, _, share in f.languages),
        ),
    ]
    s.blocks.append(Table(("", ""), tuple(rows)))
    return s


def _forecast(facts: SpecFacts, lang: str) -> Section:
    s = Section(t("spec.forecast", lang))
    s.blocks.append(t("spec.forecast.text", lang))
    months = list(dict.fromkeys(m for f in facts.forecast for m, _ in f.months))
    by = {f.flow: dict(f.months) for f in facts.forecast}
    total = {f.flow: sum(v for _, v in f.months) for f in facts.forecast}
    s.blocks.append(
        Table(
            (t("axis.month", lang), *(f.flow for f in facts.forecast)),
            (
                *((m, *(num(by[f.flow].get(m, 0.0), lang) for f in facts.forecast)) for m in months),
                (t("spec.flow.total", lang), *(num(total[f.flow], lang) for f in facts.forecast)),
            ),
        )
    )
    return s


def _service(tender: Tender, lang: str) -> Section:
    s = Section(t("spec.service", lang))
    rows = []
    for flow in tender.scope.flows:
        level = tender.service_level(flow)
        parts = []
        if level is not None:
            if level.sl is not None and level.threshold_s is not None:
                parts.append(
                    _f(
                        "spec.service.sl",
                        lang,
                        sl=pct(level.sl, lang, 0),
                        threshold=num(level.threshold_s, lang),
                    )
                )
            if level.deadline_s is not None:
                parts.append(_f("spec.service.deadline", lang, hours=num(level.deadline_s / 3600, lang, 1)))
            if level.max_abandon is not None:
                parts.append(_f("spec.service.abandon", lang, share=pct(level.max_abandon, lang, 0)))
            if level.max_asa_s is not None:
                parts.append(_f("spec.service.asa", lang, asa=num(level.max_asa_s, lang)))
        rows.append((flow, (" ; " if lang == "fr" else "; ").join(parts) or "—"))
    s.blocks.append(Table((t("rep.flow", lang), t("spec.service.required", lang)), tuple(rows)))
    return s


def _security(tender: Tender, lang: str) -> Section:
    dp = tender.requirements.data_protection
    items = []
    if dp.processor_terms:
        items.append(t("spec.security.processor", lang))
    items.append(t(f"spec.security.transfers.{dp.transfers_outside_eea}", lang))
    if dp.iso27001_required:
        items.append(t("spec.security.iso", lang))
    return Section(t("spec.security", lang), [items])


def _reversibility(tender: Tender, lang: str) -> Section:
    r = tender.requirements.reversibility
    return Section(
        t("spec.reversibility", lang),
        [_f("spec.reversibility.text", lang, notice=r.notice_months, transition=r.transition_months)],
    )


def _governance(tender: Tender, lang: str) -> Section:
    rep = tender.requirements.reporting
    s = Section(t("spec.governance", lang))
    s.blocks.append(
        _f(
            "spec.governance.text",
            lang,
            committee=t(f"spec.committee.{rep.steering_committee}", lang),
            day=rep.day_of_month,
            format=rep.format.upper(),
        )
    )
    yes, no = t("spec.yes", lang), t("spec.no", lang)
    s.blocks.append(
        Table(
            (t("spec.column", lang), t("spec.required", lang), t("spec.meaning", lang)),
            tuple((c.name, yes if c.required else no, COLUMN_MEANING[c.name][lang]) for c in COLUMNS),
        )
    )
    return s


def _evaluation(tender: Tender, lang: str) -> Section:
    c = tender.criteria
    s = Section(t("spec.evaluation", lang))
    s.blocks.append(
        _f(
            "spec.evaluation.text",
            lang,
            max=num(c.max_score, lang),
            formula=t(f"formula.{c.price.formula}", lang),
        )
    )
    rows = [(t("spec.price", lang), pct(c.price.weight, lang, 0))]
    for crit in c.technical:
        rows.append((crit.label, pct(crit.weight, lang, 0)))
        rows += [(f"  · {sub.label}", pct(crit.weight * sub.weight, lang, 1)) for sub in crit.sub]
    s.blocks.append(Table((t("spec.criterion", lang), t("spec.weight", lang)), tuple(rows)))
    return s


def _timetable(facts: SpecFacts, lang: str) -> Section:
    tt = facts.tender.timetable
    s = Section(t("spec.timetable", lang))
    s.blocks.append(
        Table(
            ("", ""),
            (
                (t("spec.published", lang), tt.published.isoformat()),
                (t("spec.questions_until", lang), tt.questions_until.isoformat()),
                (t("spec.bids_due", lang), tt.bids_due.isoformat()),
                (t("spec.award", lang), tt.award.isoformat()),
                (t("spec.start", lang), facts.tender.term.first_day().isoformat()),
            ),
        )
    )
    s.blocks.append(_f("spec.grid", lang, file=facts.grid_file))
    return s


def spec_docx(sections: Sequence[Section], *, facts: SpecFacts, lang: str) -> bytes:
    """The specification as a Word document."""
    from docx import Document  # heavy: only when a specification is written
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = f"{t('spec.title', lang)} — {facts.tender.title}"
    doc.core_properties.language = lang
    doc.add_heading(f"{t('spec.title', lang)} — {facts.tender.title}", level=0)
    doc.add_paragraph(t("spec.subtitle", lang))
    doc.add_paragraph(t("spec.buyer", lang) + (" : " if lang == "fr" else ": ") + facts.tender.buyer.name)
    for section in sections:
        doc.add_heading(section.title, level=1)
        for block in section.blocks:
            if isinstance(block, str):
                doc.add_paragraph(block)
            elif isinstance(block, list):
                for item in block:
                    doc.add_paragraph(item, style="List Bullet")
            else:
                if block.caption:
                    doc.add_paragraph(block.caption).runs[0].bold = True
                table = doc.add_table(rows=1, cols=len(block.headers))
                table.style = "Table Grid"
                for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
                    cell.text = text
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
                for row in block.rows:
                    cells = table.add_row().cells
                    for cell, text in zip(cells, row, strict=True):
                        cell.text = text
                for row in table.rows:
                    for cell in row.cells:
                        for p in cell.paragraphs:
                            for run in p.runs:
                                run.font.size = Pt(8)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def spec_html(sections: Sequence[Section], *, facts: SpecFacts, lang: str) -> str:
    """The specification as one HTML page (for the PDF)."""
    return render_page(
        "tender_spec.html",
        lang=lang,
        sections=sections,
        tender=facts.tender,
        is_table=lambda b: isinstance(b, Table),
        is_list=lambda b: isinstance(b, list),
    )


__all__ = ["COLUMN_MEANING", "Section", "Table", "spec_content", "spec_docx", "spec_html"]
