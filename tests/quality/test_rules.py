"""Each rule finds its cases and not the near misses: negations, inflections, accents, speakers."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from arbitre.quality.grid import Check, Criterion, Grid, Section
from arbitre.quality.phrases import matches, negation_pattern, phrase_pattern
from arbitre.quality.rules import NA, NO, UNCHECKED, YES, check
from arbitre.quality.text import fold, sentences


def grid_of(**checks: Check) -> Grid:
    return Grid(
        id="g",
        title="G",
        sections=[
            Section(
                id="s",
                title="S",
                criteria=[Criterion(id=name, title=name, check=c) for name, c in checks.items()],
            )
        ],
    )


def answers(g: Grid, transcripts: list[str | None], **kw: object) -> dict[str, list[tuple[int, str | None]]]:
    a = check(g, transcripts, **kw)  # type: ignore[arg-type]
    return {
        c: list(zip(a.code[:, j].tolist(), a.evidence[j].to_pylist(), strict=True))
        for j, c in enumerate(a.criteria)
    }


def said(phrase: str, *texts: str) -> list[bool]:
    """Whether each text says ``phrase`` (not in the negative), as a mention rule decides."""
    folded = fold(pa.array(list(texts))).to_pylist()
    p = phrase_pattern(phrase)
    hit = matches(folded, p)
    neg = matches(folded, negation_pattern(p))
    return [h and not n for h, n in zip(hit, neg, strict=True)]


def test_a_verb_in_the_infinitive_matches_its_inflected_forms_with_or_without_accents() -> None:
    assert (
        said(
            "vérifier votre identité",
            "Je vais vérifier votre identité.",
            "Je vérifie votre identité.",
            "J'ai VÉRIFIÉ votre identité.",
            "nous verifions votre identite",
            "Vérifiez votre identité sur le site.",
        )
        == [True] * 5
    )


def test_a_word_does_not_match_inside_another_word_even_across_accents() -> None:
    # « con » is a prohibited word; « réputé », « conseiller », « Mâcon » are not it.
    assert said(
        "=con", "Vous êtes un con.", "C'est un produit réputé.", "Votre conseiller.", "Livré à Mâcon."
    ) == [
        True,
        False,
        False,
        False,
    ]
    # Folding makes « pute » a word boundary problem only if accents split words: they do not.
    assert said("pute", "Un article réputé.") == [False]


def test_a_phrase_said_in_the_negative_is_not_said() -> None:
    assert said(
        "remercier",
        "Je vous remercie de votre appel.",
        "Je ne vous remercie pas.",
        "Je vous remercie pas.",
        "Sans même vous remercier.",
        "Je n'ai jamais remercié personne.",
        "Je ne sais pas, mais je vous remercie.",
    ) == [True, False, False, False, False, True]


def test_elided_and_full_articles_match_each_other_and_gaps_allow_a_few_words() -> None:
    assert said("date de naissance", "Votre date d'naissance ?", "Votre date de naissance ?") == [True, True]
    assert said("appel ... enregistré", "Cet appel est susceptible d'être enregistré.", "Cet appel.") == [
        True,
        False,
    ]
    assert said("appel enregistré", "Cet appel est susceptible d'être enregistré.") == [False]


def test_sentences_know_their_speaker_turn_and_time() -> None:
    s = sentences(
        [
            "[00:05] Conseillère : Bonjour ! Julie à votre écoute.\n[00:09] Client : Bonjour.\n"
            "suite du client\n[mise en attente]\n[00:40] Conseillère : Merci d'avoir patienté."
        ]
    )
    assert s.text.to_pylist() == [
        "Bonjour !",
        "Julie à votre écoute.",
        "Bonjour.",
        "suite du client",
        "[mise en attente]",
        "Merci d'avoir patienté.",
    ]
    assert s.role.tolist() == [0, 0, 1, 1, 2, 0]
    assert s.turn.tolist() == [0, 0, 1, 1, 2, 3]
    assert s.at_s[[0, 2, 5]].tolist() == [5.0, 9.0, 40.0]
    assert s.turns.tolist() == [4]


def test_an_email_reply_after_its_marker_is_the_agent_s() -> None:
    s = sentences(
        ["Bonjour,\nmon colis est cassé.\n--- Réponse ---\nBonjour,\nNous vous renvoyons un article."]
    )
    assert list(zip(s.role.tolist(), s.text.to_pylist(), strict=True)) == [
        (1, "Bonjour,"),
        (1, "mon colis est cassé."),
        (0, "Bonjour,"),
        (0, "Nous vous renvoyons un article."),
    ]


GOOD = (
    "Conseiller : Bonjour, Azalée Maison, Julie à votre écoute.\n"
    "Client : Bonjour, mon colis n'est pas arrivé.\n"
    "Conseiller : Pouvez-vous me confirmer votre nom et votre code postal ?\n"
    "Client : Martin, 69003.\n"
    "Conseiller : Votre commande est au dépôt. Je vous remercie de votre appel, belle journée !"
)


def test_a_greeting_counts_in_the_agent_s_first_turn_only() -> None:
    g = grid_of(greet=Check(rule="greeting", phrases=["bonjour"]))
    late = "Conseiller : Oui ?\nClient : Bonjour.\nConseiller : Bonjour madame."
    got = answers(g, [GOOD, late, "Client : Bonjour.\nConseiller : Allô ?", None])["greet"]
    assert got == [
        (YES, "Bonjour, Azalée Maison, Julie à votre écoute."),
        (NO, None),  # the agent said it, but not in their first turn
        (NO, None),  # the customer's « bonjour » does not count
        (UNCHECKED, None),
    ]


def test_identity_must_be_asked_before_account_details() -> None:
    g = grid_of(
        identity=Check(
            rule="before",
            phrases=["confirmer ... nom", "confirmer ... date de naissance"],
            then=["votre commande", "votre compte"],
        )
    )
    first_details = (
        "Conseiller : Votre commande est au dépôt.\nConseiller : Pouvez-vous confirmer votre nom ?"
    )
    never = "Conseiller : Bonjour.\nClient : Une question sur la livraison.\nConseiller : Voici nos délais."
    refused = "Conseiller : Je ne vais pas confirmer votre nom.\nConseiller : Votre compte est bloqué."
    got = answers(g, [GOOD, first_details, never, refused])["identity"]
    assert got == [
        (YES, "Pouvez-vous me confirmer votre nom et votre code postal ?"),
        (NO, "Votre commande est au dépôt."),
        (NA, None),  # no account detail given: nothing to protect
        (NO, "Votre compte est bloqué."),  # a question in the negative is no question
    ]


def test_a_courteous_closing_must_be_the_agent_s_last_turn_and_not_rude() -> None:
    g = grid_of(
        close=Check(
            rule="closing",
            phrases=["remercier", "belle journée", "bonne journée"],
            forbidden=["c'est pas mon problème", "bon bah"],
        )
    )
    rude = "Conseiller : Merci de votre appel.\nClient : Et mon colis ?\nConseiller : Bon bah c'est pas mon problème, au revoir."
    ungrateful = "Conseiller : Bonjour.\nClient : Merci.\nConseiller : Je ne vous remercie pas, au revoir."
    got = answers(g, [GOOD, rude, ungrateful])["close"]
    assert got == [
        (YES, "Je vous remercie de votre appel, belle journée !"),
        (NO, "Bon bah c'est pas mon problème, au revoir."),
        (NO, None),
    ]


def test_a_prohibited_phrase_fails_wherever_the_agent_says_it_but_not_when_the_customer_does() -> None:
    g = grid_of(polite=Check(rule="prohibited", phrases=["débile", "=con"]))
    got = answers(
        g,
        [
            GOOD,
            "Conseiller : Ce système est DÉBILE.",
            "Client : Votre site est débile.\nConseiller : Je comprends.",
            "Conseiller : Votre conseiller habituel est absent.",
        ],
    )["polite"]
    assert got == [(YES, None), (NO, "Ce système est DÉBILE."), (YES, None), (YES, None)]


def test_a_hold_from_the_record_must_be_announced_and_short() -> None:
    g = grid_of(hold=Check(rule="hold", phrases=["mettre en attente", "patienter"], max_s=60))
    told = "Conseiller : Je vous mets en attente un instant."
    silent = "Conseiller : Un instant."
    got = answers(g, [told, told, silent, silent], hold_s=np.array([30.0, 95.0, 20.0, 0.0]))["hold"]
    assert got == [
        (YES, "Je vous mets en attente un instant."),
        (NO, "hold_s = 95"),
        (NO, "hold_s = 20"),
        (NA, None),
    ]


def test_silence_is_measured_between_time_stamped_lines_beyond_speaking_time() -> None:
    g = grid_of(quiet=Check(rule="silence", max_s=20, words_per_s=2.0))
    # Line 1 has 6 words (3 s to say at 2 words/s): a gap of 40 − 5 − 3 = 32 s.
    slow = "[00:05] Conseiller : Je regarde votre dossier tout suite.\n[00:40] Client : Allô ?"
    quick = "[00:05] Conseiller : Je regarde votre dossier tout suite.\n[00:20] Client : Merci."
    got = answers(g, [slow, quick, "Conseiller : pas d'horodatage"])["quiet"]
    assert got == [(NO, "silence 32 s > 20 s"), (YES, None), (NA, None)]


def test_a_transfer_must_be_announced_before_it_happens() -> None:
    g = grid_of(
        transfer=Check(rule="transfer", phrases=["transférer", "passer le service"], events=["transfert"])
    )
    told = "Conseiller : Je vous transfère au service litiges.\n[Transfert vers litiges]"
    cold = "Conseiller : Un instant.\n[Transfert vers litiges]\nConseiller : Je vous ai transféré."
    got = answers(g, [told, cold, GOOD])["transfer"]
    assert got == [
        (YES, "Je vous transfère au service litiges."),
        (NO, "[Transfert vers litiges]"),
        (NA, None),
    ]


def test_a_check_missing_what_its_rule_needs_is_refused() -> None:
    with pytest.raises(ValueError, match="before check needs then"):
        Check(rule="before", phrases=["nom"])
