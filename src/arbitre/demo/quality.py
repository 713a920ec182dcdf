"""The demo's quality story: Call Mada's calls transcribed, with defects planted at known rates.

From April 2026 Call Mada's speech analytics transcribes ``TRANSCRIBED`` of the calls it answers
(the export carries the text, the import redacts it). Each transcript follows the call's reason
and outcome, and carries the defects a QA grid looks for, drawn at known rates (`BASELINE` for
every agent; `PLANTED` for three agents, one defect each, far more often):

- the recording notice is not given (``mention-enregistrement``);
- account details given before the caller's identity is checked (``verification-identite``,
  a critical criterion: the contact scores 0);
- a rude closing (``prise-de-conge`` and ``propos``, critical too).

Real transcripts also say compliant things in words no phrase list foresaw: ``MISSED_WORDING``
of the compliant notices, identity checks and rephrasings use such words, so the automatic
checks disagree with the graders now and then, as they do in life, and the calibration has
something to measure. The client's three graders evaluate a sample of the transcribed calls each
month (`evaluations`): Amandine as the grid says, Bruno strict and Chloé lenient on the
criteria that call for judgement, with a calibration session each month where all three grade
the same calls.

Everything here draws from its own random stream (``[seed, 2027]``), so the demo's other figures
(volumes, SLAs, invoices) are those of a demo without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

STREAM = 2027
TRANSCRIBED = 0.2
FLOW = "sav-voice-fr"
DEFECTS = ("no_notice", "no_identity", "rude_closing")
BASELINE: Mapping[str, float] = {"no_notice": 0.03, "no_identity": 0.02, "rude_closing": 0.005}
PLANTED_RATES: Mapping[str, float] = {"no_notice": 0.35, "no_identity": 0.30, "rude_closing": 0.15}
PLANTED_RANKS = (1, 3, 5)
"""The agents with a planted defect: the 2nd, 4th and 6th by number of calls answered, one defect
each (in `DEFECTS` order)."""
MISSED_WORDING = {"notice": 0.05, "identity": 0.04, "rephrase": 0.25}
HOLD_NOT_ANNOUNCED = 0.08
HOLD_MAX_S = 90.0
REPHRASED = 0.7
GRADERS = ("Amandine", "Bruno", "Chloé")
EVALUATED = 0.03
SESSION_CALLS = 30
JUDGEMENT = ("reformulation", "solution", "empathie")


@dataclass(frozen=True)
class Planted:
    """What was planted: per transcribed call its index in the table, its agent and its defects."""

    rows: np.ndarray  # indexes into the provider's table
    agent: list[str]
    defects: dict[str, np.ndarray]  # defect → bool per transcribed call
    planted_agents: dict[str, str]  # defect → raw agent id
    truth: dict[str, np.ndarray]  # criterion → True (yes) / False (no) / None-as-nan per call


_OPEN = {
    "suivi de commande": (
        "je voudrais savoir où en est ma commande {order}.",
        "je n'ai aucune nouvelle de ma commande.",
    ),
    "retard de livraison": (
        "ma livraison devait arriver hier et je n'ai rien reçu.",
        "le livreur n'est jamais passé.",
    ),
    "retour produit": (
        "je voudrais retourner {product}.",
        "comment renvoyer un article qui ne me convient pas ?",
    ),
    "remboursement": (
        "je n'ai toujours pas été remboursé de mon retour.",
        "quand vais-je recevoir mon remboursement ?",
    ),
    "produit défectueux": ("{product} est arrivé cassé.", "j'ai reçu un article abîmé."),
    "modification de commande": (
        "je voudrais changer la couleur de ma commande.",
        "puis-je ajouter un article à ma commande ?",
    ),
    "facturation": ("j'ai été débité deux fois pour la même commande.", "il y a une erreur sur ma facture."),
    "garantie": (
        "ma lampe ne marche plus après huit mois, est-elle sous garantie ?",
        "je voudrais faire jouer la garantie.",
    ),
    "compte client": ("je n'arrive plus à me connecter à mon compte.", "j'ai oublié mon mot de passe."),
    "annulation de commande": ("je voudrais annuler ma commande.", "annulez ma commande s'il vous plaît."),
}
_SOLUTION = {
    "suivi de commande": "Votre commande est au dépôt du transporteur, elle sera livrée sous 48 h.",
    "retard de livraison": "Votre colis a pris du retard, une nouvelle livraison est programmée jeudi.",
    "retour produit": "Votre retour est enregistré, je vous envoie l'étiquette prépayée par e-mail.",
    "remboursement": "Votre remboursement est validé, il apparaîtra sous 3 à 5 jours.",
    "produit défectueux": "Votre échange est lancé sans frais, le nouvel article part demain.",
    "modification de commande": "Votre commande est modifiée, vous recevrez une confirmation.",
    "facturation": "Votre compte sera recrédité du double prélèvement sous 5 jours.",
    "garantie": "Votre commande est sous garantie, je lance la prise en charge.",
    "compte client": "Votre compte est débloqué, le lien de réinitialisation vient de partir.",
    "annulation de commande": "Votre commande est annulée et le remboursement suit.",
}
_PRODUCTS = (
    "la lampe en rotin",
    "le plaid en laine",
    "la table basse",
    "le tapis berbère",
    "le service en grès",
)
_AGENT_NAMES = ("Fara", "Hery", "Lova", "Tiana", "Nirina", "Mamy", "Rado", "Voahangy", "Haja", "Soa")


def _pick(options: tuple[str, ...], rng: np.random.Generator) -> str:
    return options[int(rng.integers(len(options)))]


def plant(table: pa.Table, *, seed: int) -> tuple[pa.Table, Planted]:
    """``table`` (the provider's months, raw ids) with transcripts on a share of its answered calls."""
    rng = np.random.default_rng([seed, STREAM])
    flow = np.asarray(table.column("flow").to_pylist(), dtype=object)
    answered = np.asarray(pc.invert(table.column("abandoned")).to_numpy(zero_copy_only=False), dtype=bool)
    agents = table.column("agent_id").to_pylist()
    calls = np.flatnonzero((flow == FLOW) & answered & np.array([a is not None for a in agents]))
    rows = calls[rng.random(calls.shape[0]) < TRANSCRIBED]
    counts: dict[str, int] = {}
    for i in calls:
        counts[agents[i]] = counts.get(agents[i], 0) + 1
    ranked = sorted(counts, key=lambda a: (-counts[a], a))
    planted = {d: ranked[r] for d, r in zip(DEFECTS, PLANTED_RANKS, strict=True) if r < len(ranked)}
    row_agent = [agents[i] for i in rows]
    n = rows.shape[0]
    defects = {}
    for d in DEFECTS:
        rate = np.where(
            np.array([a == planted.get(d) for a in row_agent], dtype=bool), PLANTED_RATES[d], BASELINE[d]
        )
        defects[d] = rng.random(n) < rate
    reasons = table.column("reason").to_pylist()
    resolved = table.column("resolved").to_pylist()
    hold = np.nan_to_num(
        np.asarray(pc.fill_null(table.column("hold_s"), 0.0).to_numpy(zero_copy_only=False), dtype=float)
    )
    texts: list[str | None] = list(table.column("transcript").to_pylist())
    truth: dict[str, list[float]] = {
        k: []
        for k in (
            "salutation",
            "verification-identite",
            "reformulation",
            "solution",
            "mise-en-attente",
            "mention-enregistrement",
            "prise-de-conge",
            "propos",
            "satisfaction-fin",
            "empathie",
        )
    }
    for k, i in enumerate(rows.tolist()):
        text, t = _call(
            reasons[i] or "suivi de commande",
            bool(resolved[i]),
            float(hold[i]),
            {d: bool(defects[d][k]) for d in DEFECTS},
            rng,
        )
        texts[i] = text
        for key, value in t.items():
            truth[key].append(value)
    out = table.set_column(
        table.schema.get_field_index("transcript"), "transcript", pa.array(texts, pa.string())
    )
    return out, Planted(
        rows=rows,
        agent=row_agent,
        defects=defects,
        planted_agents=planted,
        truth={k: np.array(v, dtype=float) for k, v in truth.items()},
    )


def _call(
    reason: str, resolved: bool, hold_s: float, defect: dict[str, bool], rng: np.random.Generator
) -> tuple[str, dict[str, float]]:
    """One call's transcript and the true answer of each criterion (1 yes, 0 no, NaN n/a)."""
    agent = _pick(_AGENT_NAMES, rng)
    fill = {"order": f"AZ{int(rng.integers(10_000_000, 99_999_999))}", "product": _pick(_PRODUCTS, rng)}
    lines = [f"Conseiller : Bonjour, Azalée Maison, {agent} à votre écoute."]
    if not defect["no_notice"]:
        if rng.random() < MISSED_WORDING["notice"]:
            lines[-1] += " Nos échanges peuvent faire l'objet d'une écoute à des fins de formation."
        else:
            lines[-1] += " Je vous informe que cet appel peut être enregistré."
    lines.append(
        f"Client : Bonjour, {_pick(_OPEN.get(reason, _OPEN['suivi de commande']), rng).format(**fill)}"
    )
    rephrase = rng.random() < REPHRASED
    if rephrase:
        if rng.random() < MISSED_WORDING["rephrase"]:
            lines.append("Conseiller : D'accord, c'est donc au sujet de votre demande, je comprends.")
        else:
            lines.append("Conseiller : Si je comprends bien, vous avez besoin d'aide à ce sujet.")
    identity_first = not defect["no_identity"]
    if identity_first:
        if rng.random() < MISSED_WORDING["identity"]:
            lines.append("Conseiller : Quel est le nom et le code postal indiqués sur le bon de livraison ?")
        else:
            lines.append("Conseiller : Pouvez-vous me confirmer votre nom et votre code postal ?")
        lines.append(
            f"Client : {_pick(('Martin, 69003.', 'Dubois, 75011.', 'Leroy, 33000.', 'Roux, 13008.'), rng)}"
        )
    held = hold_s > 0
    announced = held and rng.random() >= HOLD_NOT_ANNOUNCED
    if held:
        lines.append(
            "Conseiller : Je vous mets en attente un instant, je vérifie."
            if announced
            else "Conseiller : Un instant."
        )
        lines.append("[mise en attente]")
    solution = _SOLUTION.get(reason, _SOLUTION["suivi de commande"])
    solved = resolved or rng.random() < 0.6
    lines.append(
        f"Conseiller : {solution if solved else 'Je transmets votre demande au service concerné, il vous recontactera.'}"
    )
    unhappy = (not resolved) and rng.random() < 0.5
    if unhappy:
        said = (
            "Je suis très déçu, ça ne règle rien.",
            "C'est inadmissible, je vais porter plainte.",
            "Encore une fois rien n'est réglé, c'est lamentable.",
        )
        lines.append(f"Client : {_pick(said, rng)}")
    else:
        lines.append(
            f"Client : {_pick(('Merci beaucoup !', 'Parfait, merci.', 'Très bien, merci pour votre aide.'), rng)}"
        )
    if defect["rude_closing"]:
        rude = ("Bon bah c'est pas mon problème, au revoir.", "Rappelez plus tard, j'ai pas que ça à faire.")
        lines.append(f"Conseiller : {_pick(rude, rng)}")
    else:
        lines.append(
            f"Conseiller : {_pick(('Je vous remercie de votre appel, belle journée !', 'Je vous en prie, bonne journée.', 'Merci à vous, bonne fin de journée.'), rng)}"
        )
    text = "\n".join(lines)
    empathy = float(rng.random() < (0.2 if unhappy else 0.45))
    truth = {
        "salutation": 1.0,
        # No account detail given (the request passed on): nothing to protect, not applicable.
        "verification-identite": (1.0 if identity_first else 0.0) if solved else np.nan,
        "reformulation": 1.0 if rephrase else 0.0,
        "solution": 1.0 if solved else 0.0,
        # The grid: announced, and at most 90 s on hold.
        "mise-en-attente": (1.0 if announced and hold_s <= HOLD_MAX_S else 0.0) if held else np.nan,
        "mention-enregistrement": 0.0 if defect["no_notice"] else 1.0,
        "prise-de-conge": 0.0 if defect["rude_closing"] else 1.0,
        "propos": 0.0 if defect["rude_closing"] else 1.0,
        "satisfaction-fin": 0.0 if unhappy else 1.0,
        "empathie": empathy,
    }
    return text, truth


def evaluations(table: pa.Table, planted: Planted, *, seed: int) -> list[tuple[str, str, str, str, str, str]]:
    """The graders' evaluations of a sample of the transcribed calls, as the import reads them:
    (contact_id, site, grader, criterion, answer, comment)."""
    rng = np.random.default_rng([seed, STREAM, 1])
    contact = table.column("contact_id").to_pylist()
    site = table.column("site").to_pylist()
    month = pc.strftime(table.column("arrived_at"), format="%Y-%m").to_pylist()
    out = []
    n = planted.rows.shape[0]
    chosen = rng.random(n) < EVALUATED
    # A calibration session each month: the same calls graded by all three.
    months = np.array([month[i] for i in planted.rows])
    session = np.zeros(n, dtype=bool)
    for m in np.unique(months):
        pool = np.flatnonzero((months == m) & ~chosen)
        session[rng.choice(pool, size=min(SESSION_CALLS, pool.shape[0]), replace=False)] = True
    for k in np.flatnonzero(chosen | session).tolist():
        i = int(planted.rows[k])
        who = GRADERS if session[k] else (GRADERS[int(rng.integers(len(GRADERS)))],)
        for grader in who:
            for criterion, values in planted.truth.items():
                v = values[k]
                answer = "na" if np.isnan(v) else ("yes" if v == 1.0 else "no")
                answer = _grader_noise(grader, criterion, answer, rng)
                out.append((contact[i], site[i], grader, criterion, answer, ""))
    return out


def _grader_noise(grader: str, criterion: str, answer: str, rng: np.random.Generator) -> str:
    """Graders err now and then; Bruno is strict and Chloé lenient where judgement is asked."""
    if answer == "na":
        return answer
    flip = 0.02
    if criterion in JUDGEMENT:
        if grader == "Bruno" and answer == "yes" and rng.random() < 0.25:
            return "no"
        if grader == "Chloé" and answer == "no" and rng.random() < 0.35:
            return "yes"
    if rng.random() < flip:
        return "no" if answer == "yes" else "yes"
    return answer
