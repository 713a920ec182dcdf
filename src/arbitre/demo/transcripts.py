"""French transcripts of chat, e-mail and social contacts, built from templates.

Some of them carry the personal data real transcripts carry — e-mail addresses, French phone
numbers, IBANs with valid check digits, card numbers that pass the Luhn check — so that the
import's redaction has something to do in the demo. Everything is invented: the names come
from lists of common French first names and surnames, the numbers from the generator.
"""

from __future__ import annotations

import unicodedata

import numpy as np

from arbitre.domain import Channel

PII_SHARE = 0.35
"""Share of transcripts with at least one piece of personal data."""

_FIRST = (
    "Camille",
    "Nathalie",
    "Sophie",
    "Julien",
    "Thomas",
    "Isabelle",
    "Nicolas",
    "Marie",
    "Claire",
    "Antoine",
    "Lucie",
    "Karim",
    "Sandrine",
    "Laurent",
    "Inès",
    "Hugo",
    "Chloé",
    "Mehdi",
    "Émilie",
    "Pierre",
    "Aurélie",
    "Yasmine",
    "Olivier",
    "Léa",
)
_LAST = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "Fontaine",
    "Roux",
    "Girard",
    "Bonnet",
    "Mercier",
    "Benali",
    "Nguyen",
    "Faure",
    "Chevalier",
)
_AGENTS = ("Julie", "Mathieu", "Sarah", "Kevin", "Manon", "Romain", "Océane", "Yanis", "Elodie")
_DOMAINS = (
    "gmail.com",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "hotmail.fr",
    "yahoo.fr",
    "sfr.fr",
    "outlook.fr",
)
_PRODUCTS = (
    "la housse de couette en lin lavé",
    "le service de table en grès",
    "le tapis berbère 160 × 230",
    "la lampe à poser en rotin",
    "les rideaux en velours",
    "le fauteuil en velours côtelé",
    "le lot de 4 verres soufflés",
    "la parure de lit en percale",
    "le miroir rond en laiton",
    "la table basse en chêne massif",
    "le plaid en laine",
    "les coussins en lin brodé",
)
_BANKS = ("30004", "30002", "10278", "20041", "30003", "16606", "11315", "30066")

# Per reason: what the customer says first, the detail, and the agent's answer.
_SCRIPTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "suivi de commande": (
        ("je n'ai toujours pas reçu ma commande {order}.", "où en est ma commande {order} ?"),
        (
            "Le suivi indique « en cours d'acheminement » depuis cinq jours.",
            "J'ai commandé {product} il y a une semaine et rien ne bouge.",
        ),
        (
            "Votre colis est au dépôt du transporteur, il sera livré sous 48 h.",
            "Je relance le transporteur et je vous envoie le nouveau lien de suivi.",
        ),
    ),
    "retard de livraison": (
        ("ma livraison prévue hier n'est pas arrivée.", "le livreur n'est jamais passé."),
        ("C'était pour {product}, commande {order}.", "J'ai posé une journée pour rien."),
        (
            "Je suis désolée du retard, je vous offre les frais de port et je relance le transporteur.",
            "Une nouvelle livraison est programmée jeudi entre 8 h et 13 h.",
        ),
    ),
    "retour produit": (
        ("je voudrais retourner {product}.", "comment faire un retour ?"),
        ("La couleur ne correspond pas à la photo du site.", "Il ne va pas dans mon salon."),
        (
            "Je vous envoie l'étiquette de retour prépayée par e-mail.",
            "Vous pouvez le déposer en point relais, le remboursement suit sous 14 jours.",
        ),
    ),
    "remboursement": (
        ("je n'ai pas reçu mon remboursement.", "mon retour a été reçu mais pas remboursé."),
        (
            "Le retour de la commande {order} a été livré il y a trois semaines.",
            "On m'avait promis un remboursement sous 14 jours.",
        ),
        (
            "Le remboursement est validé, il apparaîtra sur votre compte sous 3 à 5 jours.",
            "Je transmets au service comptable en priorité.",
        ),
    ),
    "produit défectueux": (
        ("{product} est arrivé abîmé.", "j'ai reçu un article cassé."),
        ("Un pied est fendu, j'ai des photos.", "Le carton était enfoncé à la livraison."),
        (
            "Envoyez-moi les photos, je lance un échange sans frais.",
            "Je vous propose un remplacement ou un remboursement, comme vous préférez.",
        ),
    ),
    "conseil produit": (
        ("j'hésite entre deux tailles pour {product}.", "est-ce que {product} passe en machine ?"),
        ("C'est pour un lit de 160.", "Je cherche quelque chose de résistant pour des enfants."),
        (
            "Je vous conseille la taille 240 × 260, elle couvre bien un lit de 160.",
            "Oui, lavage à 40 °C et séchage à plat, il ne bouge pas.",
        ),
    ),
    "code promo": (
        ("mon code promo ne fonctionne pas.", "le code de la newsletter est refusé."),
        ("Le panier affiche « code invalide ».", "J'ai essayé deux fois."),
        (
            "Le code ne s'applique pas aux articles soldés, je vous fais un geste équivalent.",
            "Je l'ai réactivé, vous pouvez réessayer.",
        ),
    ),
    "réclamation publique": (
        (
            "trois semaines sans nouvelles de ma commande, inadmissible.",
            "service client injoignable, je suis très déçu.",
        ),
        ("Commande {order}, personne ne répond au téléphone.", "Deux e-mails sans réponse."),
        (
            "Toutes nos excuses, je reprends votre dossier personnellement.",
            "Je comprends votre agacement, votre commande part aujourd'hui en express.",
        ),
    ),
}
_GENERIC = (
    ("j'ai une question sur ma commande {order}.", "j'ai besoin d'aide pour {product}."),
    ("Pouvez-vous regarder mon dossier ?", "Je n'arrive pas à le faire sur le site."),
    (
        "C'est fait, vous recevrez une confirmation par e-mail.",
        "Je m'en occupe, tout sera réglé d'ici demain.",
    ),
)


def _pick(options: tuple[str, ...], rng: np.random.Generator) -> str:
    return options[int(rng.integers(len(options)))]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def luhn_complete(partial: str) -> str:
    """``partial`` followed by the digit that makes it pass the Luhn check.

    >>> luhn_complete("497010123456789")
    '4970101234567893'
    """
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return partial + str((10 - total % 10) % 10)


def french_iban(bank: str, branch: str, account: str) -> str:
    """A French IBAN with a valid RIB key and valid IBAN check digits (ISO 13616, mod 97).

    >>> french_iban("30004", "00031", "00012345678")
    'FR76 3000 4000 3100 0123 4567 865'
    """
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    check = 98 - int(bban + "152700") % 97  # F = 15, R = 27, then "00"
    iban = f"FR{check:02d}{bban}"
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _phone(rng: np.random.Generator) -> str:
    lead = _pick(("6", "7", "1", "4", "6", "6"), rng)
    rest = "".join(str(int(d)) for d in rng.integers(0, 10, 8))
    digits = "0" + lead + rest
    style = int(rng.integers(3))
    if style == 0:
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    if style == 1:
        return digits
    return "+33 " + lead + " " + " ".join(rest[i : i + 2] for i in range(0, 8, 2))


def _card(rng: np.random.Generator) -> str:
    head = _pick(("4970", "4974", "5132", "5412"), rng)
    body = head + "".join(str(int(d)) for d in rng.integers(0, 10, 11))
    n = luhn_complete(body)
    return " ".join(n[i : i + 4] for i in range(0, 16, 4))


def _personal_data(reason: str, first: str, last: str, rng: np.random.Generator) -> str:
    email = f"{_ascii(first)}.{_ascii(last)}{_pick(('', '', '75', '69', '2'), rng)}@{_pick(_DOMAINS, rng)}"
    options = [
        f"Vous pouvez me rappeler au {_phone(rng)}.",
        f"Mon adresse e-mail est {email}, c'est celle de mon compte.",
        f"Je suis joignable au {_phone(rng)} après 18 h.",
    ]
    if reason in ("remboursement", "retour produit", "produit défectueux", "réclamation"):
        account = "".join(str(int(d)) for d in rng.integers(0, 10, 11))
        branch = "".join(str(int(d)) for d in rng.integers(0, 10, 5))
        iban = french_iban(_pick(_BANKS, rng), branch, account)
        options.append(f"Pour le remboursement, voici mon IBAN : {iban}.")
    if reason in ("code promo", "remboursement", "moyen de paiement", "suivi de commande"):
        month, year = int(rng.integers(1, 13)), int(rng.integers(26, 31))
        options.append(f"J'ai payé avec la carte {_card(rng)}, expiration {month:02d}/{year}.")
    return _pick(tuple(options), rng)


def transcript(channel: Channel, reason: str, rng: np.random.Generator) -> str:
    """One transcript in French for a contact of ``channel`` about ``reason``."""
    opening, detail, answer = _SCRIPTS.get(reason, _GENERIC)
    order = f"AZ{int(rng.integers(10_000_000, 99_999_999))}"
    product = _pick(_PRODUCTS, rng)
    first, last, agent = _pick(_FIRST, rng), _pick(_LAST, rng), _pick(_AGENTS, rng)
    fill = {"order": order, "product": product}
    said = _pick(opening, rng).format(**fill)
    more = _pick(detail, rng).format(**fill)
    reply = _pick(answer, rng).format(**fill)
    pii = _personal_data(reason, first, last, rng) if rng.random() < PII_SHARE else ""
    if channel is Channel.EMAIL:
        body = f"{more} {pii}".strip()
        return (
            f"Objet : {reason.capitalize()} – commande {order}\n\n"
            f"Bonjour,\n\n{said[0].upper()}{said[1:]} {body}\n\nCordialement,\n{first}\n\n"
            f"--- Réponse ---\nBonjour,\n\n{reply}\n\nBelle journée,\n"
            f"{agent}, service client Azalée Maison"
        )
    if channel is Channel.SOCIAL:
        handle = f"@{_ascii(first)}_{_ascii(last)[:3]}{int(rng.integers(10, 99))}"
        return (
            f"{handle} : @AzaleeMaison {said}\n"
            f"@AzaleeMaison : Bonjour, nous sommes désolés. Pouvez-vous nous écrire en message "
            f"privé avec votre numéro de commande ?\n"
            f"[MP] {handle} : {more} {pii}".rstrip()
            + f"\n[MP] @AzaleeMaison : {reply} {agent}"
        )
    lines = [
        f"Client : Bonjour, {said}",
        f"Conseiller : Bonjour et bienvenue chez Azalée Maison, je suis {agent}. Je regarde "
        "cela tout de suite.",
        f"Client : {more} {pii}".rstrip(),
        f"Conseiller : {reply}",
        f"Client : {_pick(('Merci beaucoup !', 'Parfait, merci.', 'Bon, j’espère que ça ira.'), rng)}",
        f"Conseiller : {_pick(('Avec plaisir, belle journée !', 'Je vous en prie, à bientôt.'), rng)}",
    ]
    return "\n".join(lines)
