"""The tender file of a workspace (step 5): ``tenders/<id>.yaml``, written by `init_tender`
(its scope from the recorded decision, or chosen by hand), validated with line errors by
`load_tender`.

The rest of the tender is in its own modules: the bids and their seal (`arbitre.services.
tender_bids`), the technical grades (`tender_grades`), the DQE and the score (`tender_score`),
the award (`tender_award`), the specification (`tender_spec`) and the report (`tender_report`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from arbitre.domain.channels import Channel
from arbitre.domain.tender import BANDS, Tender
from arbitre.errors import InputError
from arbitre.mapping.queries import languages
from arbitre.store.decisions import latest_decision
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace
from arbitre.tender.scope import outsourced_scope
from arbitre.yamlio import parse_model

TENDERS_DIR = "tenders"
EXAMPLE = Path(__file__).parents[1] / "examples" / "tenders" / "sav-2026.yaml"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
SCOPE_START = "# --- périmètre"
SCOPE_END = "# --- fin du périmètre ---"
REALTIME = frozenset({Channel.VOICE_IN, Channel.VOICE_OUT, Channel.CHAT})


# --- the tender file ------------------------------------------------------------------------


def tender_path(ws: Workspace, name: str) -> Path:
    """``tenders/<name>.yaml``; a name that is not a plain id (a path, ``..``) is refused."""
    if not NAME.match(name) or name.endswith(".") or ".." in name:
        raise InputError(field="NAME", expected="a tender id of letters, digits, '-', '_' or '.'", got=name)
    return ws.root / TENDERS_DIR / f"{name}.yaml"


def store_flows(ws: Workspace) -> dict[str, tuple[Channel, int]]:
    """The flows of the store: each one's main channel and its number of contacts."""
    con = connect(ws.settings.timezone)
    try:
        rows = con.sql(
            f"SELECT flow, channel, count(*) AS n FROM {InteractionStore(ws).source_sql()} GROUP BY ALL ORDER BY n DESC"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, tuple[Channel, int]] = {}
    for flow, channel, n in rows:
        if flow not in out:
            out[flow] = (Channel(channel), int(n))
    return out


@dataclass(frozen=True)
class InitResult:
    """What `init_tender` wrote: the file, and where its scope comes from (``decision``: the
    recorded decision ``decision_id``; ``flows``: chosen by hand; ``store``: no decision recorded,
    or one that keeps every flow in-house — every flow of the store but outbound calls)."""

    path: Path
    source: Literal["decision", "flows", "store"]
    decision_id: str | None
    flows: list[str]
    bands: list[str]
    languages: list[str]


def init_tender(ws: Workspace, name: str, *, flows: Sequence[str] | None = None) -> InitResult:
    """Write ``tenders/<name>.yaml``: the commented French example with this workspace's scope.

    The scope: ``flows`` when given (every band, the history's languages); otherwise what the
    latest recorded decision's recommended allocation outsources (`arbitre.tender.scope`: its
    flows, their bands and languages); otherwise, or when that decision keeps everything in-house,
    every flow of the store but outbound calls. The flows' service levels come from the
    workspace's staffing targets, and they are put in two lots: calls and chats, written work.
    Refuses to overwrite an existing file.
    """
    path = tender_path(ws, name)
    if path.exists():
        raise InputError("already exists: edit it, or choose another name", file=str(path))
    known = store_flows(ws)
    if not known:
        raise InputError(f"{ws.root}: no interactions in the store; import some first (arbitre import)")
    spoken = _spoken(ws)
    decision = None if flows else latest_decision(ws)
    outsourced = None if decision is None else outsourced_scope(decision)
    source: Literal["decision", "flows", "store"]
    if flows:
        source, chosen, bands = "flows", list(flows), list[str](BANDS)
    elif outsourced is not None:
        source, chosen, bands = "decision", list(outsourced.flows), list(outsourced.bands)
    else:
        source, bands = "store", list(BANDS)
        chosen = [f for f, (c, _) in known.items() if c is not Channel.VOICE_OUT]
    unknown = [f for f in chosen if f not in known]
    if unknown:
        raise InputError(
            field="--flows"
            if source == "flows"
            else f"the flows of decision {outsourced and outsourced.decision_id}",
            expected=f"flows of the store ({', '.join(sorted(known))})",
            got=unknown[0],
        )
    if outsourced is not None and source == "decision":
        wanted = set(outsourced.languages) | {
            lang for f in outsourced.any_language for lang in spoken.get(f, [])
        }
    else:
        wanted = {lang for f in chosen for lang in spoken.get(f, [])}
    langs = sorted(wanted) or ["fr"]
    decision_id = None if decision is None else decision.decision_id
    if source == "decision":
        note = f"# Le périmètre que la décision {decision_id} (arbitre decide) confie à des prestataires ; à revoir."
    elif decision is not None:
        note = f"# La décision {decision_id} garde tout en interne : tous les flux (sauf les appels sortants) ; à revoir."
    else:
        note = "# Écrit par `arbitre tender init` à partir des flux de l'espace de travail ; à revoir."
    text = EXAMPLE.read_text(encoding="utf-8")
    text = re.sub(r"^id: \S+", f"id: {name}", text, count=1, flags=re.MULTILINE)
    head, rest = text.split(SCOPE_START, 1)
    _, tail = rest.split(SCOPE_END, 1)
    scope = _scope_block(ws, chosen, known, bands=bands, languages=langs, note=note)
    text = head + scope + SCOPE_END + tail
    parse_model(text, Tender, file=str(path))  # what init writes is valid
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return InitResult(path, source, decision_id, chosen, list(bands), langs)


def _spoken(ws: Workspace) -> dict[str, list[str]]:
    """Each flow's languages of at least 1 % of its contacts in the history."""
    return {
        f: sorted(lang for lang, share in shares.items() if share >= 0.01 and lang != "?")
        for f, shares in language_shares(ws).items()
    }


def _scope_block(
    ws: Workspace,
    flows: Sequence[str],
    known: dict[str, tuple[Channel, int]],
    *,
    bands: Sequence[str],
    languages: Sequence[str],
    note: str,
) -> str:
    lines = [
        SCOPE_START + " : flux, plages horaires, langues, niveaux de service, lots ---",
        note,
        "scope:",
        f"  flows: [{', '.join(flows)}]",
        f"  bands: [{', '.join(bands)}]   # plages de arbitre.yaml (hour_bands) confiées au prestataire",
        f"  languages: [{', '.join(languages)}]",
        "service_levels:                   # les cibles de l'espace de travail ; à ajuster",
    ]
    for f in flows:
        channel = known[f][0]
        t = ws.settings.targets_of(f, channel)
        lines.append(f"  - flow: {f}")
        if channel in (Channel.VOICE_IN, Channel.CHAT) and t.sl is not None and t.threshold_s is not None:
            lines += [f"    sl: {t.sl}", f"    threshold_s: {t.threshold_s:g}"]
            if t.max_abandon is not None:
                lines.append(f"    max_abandon: {t.max_abandon}")
        elif t.deadline_s is not None:
            lines.append(f"    deadline_s: {t.deadline_s:g}")
    live = [f for f in flows if known[f][0] in REALTIME]
    written = [f for f in flows if known[f][0] not in REALTIME]
    lines.append("lots:")
    for lot_id, title, members in (
        ("voix", "Appels et chats", live),
        ("ecrit", "Écrit et back-office", written),
    ):
        if members:
            lines += [f"  - id: {lot_id}", f"    title: {title}", f"    flows: [{', '.join(members)}]"]
    return "\n".join(lines) + "\n"


def load_tender(ws: Workspace, name: str) -> Tender:
    """The tender file, validated; a flow of the scope absent from the store is an error."""
    path = tender_path(ws, name)
    if not path.exists():
        raise InputError(
            f"no tender {name!r}: create it with `arbitre tender init {ws.root} {name}`", file=str(path)
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from None
    tender = parse_model(text, Tender, file=str(path))
    if tender.id != name:
        raise InputError(file=str(path), field="id", expected=f"the file's name, {name}", got=tender.id)
    known = store_flows(ws)
    missing = [f for f in tender.scope.flows if f not in known]
    if missing:
        raise InputError(
            file=str(path),
            field="scope.flows",
            expected=f"flows of the store ({', '.join(sorted(known))})",
            got=missing[0],
        )
    return tender


def questions(tender: Tender) -> list[tuple[str, str]]:
    """The graded names and their labels, in the order of the criteria (the grid's answers)."""
    out = []
    for c in tender.criteria.technical:
        out += [(s.name, s.label) for s in c.sub] if c.sub else [(c.name, c.label)]
    return out


def language_shares(ws: Workspace) -> dict[str, dict[str, float]]:
    """Each flow's share of contacts per language ("?" when unknown), from the mapping engine's query."""
    con = connect(ws.settings.timezone)
    try:
        found = languages(con, InteractionStore(ws).source_sql())
    finally:
        con.close()
    counts: dict[str, dict[str, int]] = {}
    for (flow, _), items in found.items():
        mine = counts.setdefault(flow, {})
        for lang, n in items:
            mine[lang or "?"] = mine.get(lang or "?", 0) + n
    return {f: {k: n / sum(c.values()) for k, n in c.items()} for f, c in counts.items()}


__all__ = [
    "EXAMPLE",
    "TENDERS_DIR",
    "InitResult",
    "init_tender",
    "language_shares",
    "load_tender",
    "questions",
    "store_flows",
    "tender_path",
]
