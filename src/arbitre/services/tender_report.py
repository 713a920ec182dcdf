"""The tender report (HTML or PDF, French or English) from the tender's score document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from arbitre.reports.html import Format, money, render_page, write_document
from arbitre.reports.words_tender import flag_text, warning_text
from arbitre.services.tender import load_tender, questions
from arbitre.store.workspace import Workspace
from arbitre.tender.document import FlagOut, TenderScore

NAMES = {"fr": "analyse-des-offres", "en": "bid-evaluation"}


def render_tender_report(ws: Workspace, document: TenderScore, *, lang: str = "fr") -> str:
    """The report's HTML page."""
    tender = load_tender(ws, document.tender)
    labels = dict(questions(tender)) | {c.name: c.label for c in tender.criteria.technical}
    name_of = {q.provider: q.provider_name for lot in document.lots for q in lot.quotes}
    for p in document.bidders:
        name_of.setdefault(p, p)

    def names(providers: Sequence[str], sep: str) -> str:
        return sep.join(name_of.get(p, p) for p in providers)

    def flag(f: FlagOut) -> str:
        share = (
            f"{100 * f.share_below:.1f}".replace(".", ",") + "\u202f%"
            if lang == "fr"
            else f"{100 * f.share_below:.1f}%"
        )
        return flag_text(
            f.code, share=share, reference=money(f.reference, lang, document.currency), lang=lang
        )

    def warning(code: str, params: Mapping[str, str]) -> str:
        named = {
            k: (names(v.split(", "), ", ") if k in ("winner", "new_winner", "removed", "providers") else v)
            for k, v in params.items()
        }
        return warning_text(code, named, lang)

    return render_page(
        "tender_report.html",
        lang=lang,
        d=document,
        name_of=name_of,
        labels=labels,
        names=names,
        flag=flag,
        warning=warning,
    )


def write_tender_report(
    ws: Workspace, document: TenderScore, *, fmt: Format = "html", lang: str = "fr", path: Path | None = None
) -> Path:
    """Write the report (``reports/analyse-des-offres-<tender>.html`` by default) and return its path."""
    stem = f"{NAMES.get(lang, NAMES['fr'])}-{document.tender}"
    target = path or ws.reports_dir / f"{stem}.{fmt}"
    return write_document(render_tender_report(ws, document, lang=lang), target, fmt=fmt)


__all__ = ["render_tender_report", "write_tender_report"]
