"""Phrase lists as patterns that know French: inflections, elisions, accents and negations.

A grid names what an agent must say (« je vous remercie de votre appel ») or must not say, as
lists of phrases written the way people write them. Each phrase compiles to one RE2 pattern over
folded text (`arbitre.quality.text.fold`: no accents, lower case), so « Vérifiez », « vérifié »
and « VERIFIEE » all match the word *vérifier*:

- a word of five letters or more ending in *-er*, *-ir* or *-re* is taken as a verb and matches
  its usual forms (present, past participle, imperfect, future, conditional, participle:
  *vérifier* → vérifie, vérifiez, vérifié·e·s, vérifions, vérifierai…); other words match their
  plural and feminine (*-s*, *-x*, *-e*, *-es*; *-al* → *-aux*, *-eux* → *-euse*, *-if* → *-ive*);
  a handful of irregular verbs a contact centre uses (*être*, *avoir*, *pouvoir*, *vouloir*,
  *devoir*, *savoir*, *faire*, *aller*, *venir*, *prendre*, *mettre*, *dire*, *voir*…) have
  their forms listed; short words (*de*, *le*, *je*…) match themselves and their elided form
  (*d'*, *l'*, *j'*);
- ``word*`` matches any word starting with *word*; ``=word`` matches that word only;
- ``...`` (or ``…``) between two words allows up to four other words there (an elided « d' » counts as one)
  (« remercier ... appel » matches « je vous remercie pour votre appel »); write a verb in the
  infinitive to match all its forms (« remercie » matches « remercie » and « remercies » only);
- ``/pattern/`` is a raw RE2 pattern over the folded text, for what the above cannot say.

Negation: a phrase said in the negative is not said. `negation_pattern` matches the phrase
preceded, in the same clause and within three words, by *ne*, *n'*, *sans* or *jamais*, or
followed within two words by *pas*, *jamais*, *point*, *guère*, *nullement* or *rien* — so « je
ne vous remercie pas », « je vous remercie pas » (spoken French drops the *ne*) and « sans
vous remercier » are not thanks. A clause ends at a comma or any punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Forms of the regular conjugations, after the stem (folded: no accents).
_ER = (
    "er|e|es|ent|ez|ons|ai|as|a|ais|ait|aient|ions|iez|erai|eras|era|erons|erez|eront|erais|erait"
    "|erions|eriez|eraient|ant|ee|ees|es|ere|eres|ers"
)
_IR = (
    "ir|is|it|issons|issez|issent|issais|issait|issaient|i|ie|ies|irai|iras|ira|irons|irez|iront"
    "|irais|irait|issant|isse|isses"
)
_RE = "re|s|t|ons|ez|ent|u|ue|us|ues|rai|ras|ra|rons|rez|ront|rais|rait|ais|ait|ant|e|es|ions|iez"
# Irregular verbs common in customer service: infinitive → every form, folded.
_IRREGULAR: dict[str, tuple[str, ...]] = {
    "etre": (
        "etre",
        "suis",
        "es",
        "est",
        "sommes",
        "etes",
        "sont",
        "ete",
        "etais",
        "etait",
        "etions",
        "etiez",
        "etaient",
        "serai",
        "seras",
        "sera",
        "serons",
        "serez",
        "seront",
        "serais",
        "serait",
        "soit",
        "soyez",
        "soyons",
        "sois",
    ),
    "avoir": (
        "avoir",
        "ai",
        "as",
        "a",
        "avons",
        "avez",
        "ont",
        "eu",
        "eue",
        "eus",
        "avais",
        "avait",
        "avions",
        "aviez",
        "avaient",
        "aurai",
        "auras",
        "aura",
        "aurons",
        "aurez",
        "auront",
        "aurais",
        "aurait",
        "ayez",
        "aie",
    ),
    "pouvoir": (
        "pouvoir",
        "peux",
        "peut",
        "pouvons",
        "pouvez",
        "peuvent",
        "pu",
        "pouvais",
        "pouvait",
        "pourrai",
        "pourra",
        "pourrez",
        "pourrais",
        "pourrait",
        "pourriez",
        "puisse",
        "puissiez",
    ),
    "vouloir": (
        "vouloir",
        "veux",
        "veut",
        "voulons",
        "voulez",
        "veulent",
        "voulu",
        "voulais",
        "voulait",
        "voudrai",
        "voudra",
        "voudrais",
        "voudrait",
        "voudriez",
        "veuillez",
    ),
    "devoir": (
        "devoir",
        "dois",
        "doit",
        "devons",
        "devez",
        "doivent",
        "du",
        "due",
        "dus",
        "devais",
        "devait",
        "devrai",
        "devra",
        "devrais",
        "devrait",
        "devriez",
    ),
    "savoir": (
        "savoir",
        "sais",
        "sait",
        "savons",
        "savez",
        "savent",
        "su",
        "savais",
        "savait",
        "saurai",
        "saura",
        "saurais",
        "saurait",
        "sachez",
    ),
    "faire": (
        "faire",
        "fais",
        "fait",
        "faisons",
        "faites",
        "font",
        "faits",
        "faite",
        "faisais",
        "faisait",
        "ferai",
        "fera",
        "ferons",
        "ferez",
        "ferais",
        "ferait",
        "fasse",
    ),
    "aller": (
        "aller",
        "vais",
        "vas",
        "va",
        "allons",
        "allez",
        "vont",
        "alle",
        "allee",
        "allais",
        "allait",
        "irai",
        "ira",
        "irons",
        "irez",
        "irais",
        "irait",
        "aille",
    ),
    "venir": (
        "venir",
        "viens",
        "vient",
        "venons",
        "venez",
        "viennent",
        "venu",
        "venue",
        "venus",
        "venais",
        "venait",
        "viendrai",
        "viendra",
        "viendrez",
        "viendrait",
    ),
    "prendre": (
        "prendre",
        "prends",
        "prend",
        "prenons",
        "prenez",
        "prennent",
        "pris",
        "prise",
        "prises",
        "prenais",
        "prenait",
        "prendrai",
        "prendra",
        "prendrez",
        "prendrait",
    ),
    "mettre": (
        "mettre",
        "mets",
        "met",
        "mettons",
        "mettez",
        "mettent",
        "mis",
        "mise",
        "mises",
        "mettais",
        "mettait",
        "mettrai",
        "mettra",
        "mettrez",
        "mettrait",
    ),
    "dire": (
        "dire",
        "dis",
        "dit",
        "disons",
        "dites",
        "disent",
        "dite",
        "dits",
        "disais",
        "disait",
        "dirai",
        "dira",
        "direz",
        "dirait",
    ),
    "voir": (
        "voir",
        "vois",
        "voit",
        "voyons",
        "voyez",
        "voient",
        "vu",
        "vue",
        "vus",
        "voyais",
        "voyait",
        "verrai",
        "verra",
        "verrez",
        "verrait",
    ),
    "recevoir": (
        "recevoir",
        "recois",
        "recoit",
        "recevons",
        "recevez",
        "recoivent",
        "recu",
        "recue",
        "recus",
        "recues",
        "recevais",
        "recevait",
        "recevrai",
        "recevra",
        "recevrez",
        "recevrait",
    ),
    "transmettre": (
        "transmettre",
        "transmets",
        "transmet",
        "transmettons",
        "transmettez",
        "transmettent",
        "transmis",
        "transmise",
        "transmettrai",
        "transmettra",
    ),
    "permettre": (
        "permettre",
        "permets",
        "permet",
        "permettons",
        "permettez",
        "permettent",
        "permis",
        "permise",
        "permettrai",
        "permettra",
        "permettrait",
    ),
    "souhaiter": (
        "souhaiter",
        "souhaite",
        "souhaites",
        "souhaitons",
        "souhaitez",
        "souhaitent",
        "souhaite",
        "souhaitee",
        "souhaitais",
        "souhaitait",
        "souhaiterai",
        "souhaitera",
    ),
}
# Short words and their elided forms (« de » → « d' »): either spelling matches.
_ELISION: dict[str, str] = {
    "de": "de|d",
    "d": "de|d",
    "le": "le|l",
    "la": "la|l",
    "l": "le|la|l",
    "je": "je|j",
    "j": "je|j",
    "me": "me|m",
    "m": "me|m",
    "te": "te|t",
    "t": "te|t",
    "se": "se|s",
    "ne": "ne|n",
    "n": "ne|n",
    "que": "que|qu",
    "qu": "que|qu",
    "ce": "ce|c",
    "c": "ce|c",
}
# Words ending in -er/-ir/-re that are not verbs (they take the noun forms).
_NOT_VERBS = frozenset(
    {
        "dossier",
        "panier",
        "courrier",
        "premier",
        "dernier",
        "fichier",
        "papier",
        "quartier",
        "metier",
        "hier",
        "cher",
        "super",
        "plaisir",
        "desir",
        "avenir",
        "souvenir",
        "loisir",
        "soir",
        "espoir",
        "noir",
        "miroir",
        "trottoir",
        "couloir",
        "comptoir",
        "bonsoir",
        "rasoir",
        "tiroir",
        "notre",
        "votre",
        "autre",
        "lettre",
        "titre",
        "centre",
        "ordre",
        "offre",
        "chiffre",
        "livre",
        "libre",
        "propre",
        "entre",
        "contre",
        "nombre",
        "membre",
        "montre",
        "fenetre",
        "genre",
        "lustre",
        "cadre",
        "tendre",
        "pauvre",
        "calibre",
        "sucre",
        "timbre",
        "theatre",
        "sinistre",
        "registre",
        "semestre",
        "trimestre",
        "barbecue",
        "chambre",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
        "janvier",
        "fevrier",
        "particulier",
        "entier",
        "foyer",
        "loyer",
        "clavier",
        "calendrier",
        "atelier",
        "chantier",
        "sentier",
        "acier",
        "pilier",
        "routier",
        "boucher",
        "boulanger",
        "danger",
        "etranger",
        "leger",
        "plancher",
        "rocher",
        "cocher",
        "verger",
        "conseiller",
        "conseillere",
        "bonjour",
    }
)
_TOKEN = re.compile(r"/[^/]+/|\.\.\.|…|=?[\w*-]+", re.UNICODE)
# Between two words: spaces, an apostrophe, a hyphen; with a gap, up to four words more.
_SEP = r"[\s'\-]+"
_GAP = r"(?:[\s'\-]+\w+){0,4}[\s'\-]+"


def _fold_word(word: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", word.lower().replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in plain if not unicodedata.combining(c)).replace("’", "'")


def word_pattern(word: str) -> str:
    """The RE2 pattern of one (folded) word with its inflections.

    >>> word_pattern("verifier")
    'verifi(?:er|e|es|ent|ez|ons|ai|as|a|ais|ait|aient|ions|iez|erai|eras|era|erons|erez|eront|erais|erait|erions|eriez|eraient|ant|ee|ees|es|ere|eres|ers)'
    >>> word_pattern("commande")
    'commande(?:s|x)?'
    >>> word_pattern("de")
    '(?:de|d)'
    """
    if word.startswith("="):
        return re.escape(word[1:])
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"\w*"
    if word in _IRREGULAR:
        return "(?:" + "|".join(sorted(set(_IRREGULAR[word]), key=len, reverse=True)) + ")"
    if word in _ELISION:
        return f"(?:{_ELISION[word]})"
    w = re.escape(word)
    if len(word) >= 5 and word not in _NOT_VERBS:
        if word.endswith("er"):
            return f"{re.escape(word[:-2])}(?:{_ER})"
        if word.endswith("ir"):
            return f"{re.escape(word[:-2])}(?:{_IR})"
        if word.endswith("re"):
            return f"{re.escape(word[:-2])}(?:{_RE})"
    if len(word) <= 3:
        return w
    if word.endswith("al"):
        return f"{re.escape(word[:-2])}(?:al|ale|aux|ales)"
    if word.endswith("eux"):
        return f"{re.escape(word[:-1])}(?:x|se|ses)"
    if word.endswith("if"):
        return f"{re.escape(word[:-1])}(?:f|fs|ve|ves)"
    if word.endswith("e"):
        return f"{w}(?:s|x)?"
    return f"{w}(?:e|s|x|es)?"


def phrase_pattern(phrase: str) -> str:
    """The RE2 pattern of a phrase over folded text, bounded by word boundaries.

    >>> p = phrase_pattern("Je vous remercier ... appel")
    >>> matches(["je vous remercie pour votre appel", "je vous remerciais de l'appel", "merci"], p)
    [True, True, False]
    >>> matches(["votre date de naissance", "l'adresse de livraison"], phrase_pattern("date de naissance"))
    [True, False]
    """
    text = phrase.strip()
    if text.startswith("/") and text.endswith("/") and len(text) > 2:
        return text[1:-1]
    tokens = _TOKEN.findall(_fold_word(text))
    parts: list[str] = []
    gap = False
    for token in tokens:
        if token in ("...", "…"):
            gap = True
            continue
        if parts:
            parts.append(_GAP if gap else _SEP)
        parts.append(word_pattern(token))
        gap = False
    if not parts:
        raise ValueError(f"an empty phrase: {phrase!r}")
    return r"\b" + "".join(parts) + r"\b"


def matches(texts: Sequence[str], pattern: str) -> list[bool]:
    """Whether each (already folded) text contains ``pattern``, with the engine the checks use (RE2)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return [
        bool(x) for x in pc.match_substring_regex(pa.array(list(texts), pa.string()), pattern).to_pylist()
    ]


def any_pattern(phrases: Sequence[str]) -> str:
    """One pattern matching any of ``phrases``."""
    if not phrases:
        raise ValueError("a phrase list needs at least one phrase")
    return "(?:" + "|".join(f"(?:{phrase_pattern(p)})" for p in phrases) + ")"


_NEG_BEFORE = r"(?:\b(?:ne|sans|jamais)\s+|\bn')(?:\w+[\s']+){0,3}"
_NEG_AFTER = r"(?:[\s'\-]+[\w]+){0,2}[\s'\-]+(?:pas|jamais|point|guere|nullement|rien)\b"


def negation_pattern(pattern: str) -> str:
    """A pattern matching ``pattern`` said in the negative (see the module's docstring).

    >>> neg = negation_pattern(phrase_pattern("remercier"))
    >>> matches(["je ne vous remercie pas", "je vous remercie pas", "sans vous remercier",
    ...          "je vous remercie", "je ne sais pas, je vous remercie"], neg)
    [True, True, True, False, False]
    """
    return f"(?:{_NEG_BEFORE}(?:{pattern}))|(?:(?:{pattern}){_NEG_AFTER})"
