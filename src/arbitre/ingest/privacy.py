"""Personal data at import: keyed pseudonyms for ids, redaction of transcripts.

- ``customer_id`` and ``agent_id`` become keyed hashes: the first 64 bits of SHA-256 over the
  workspace's secret key, the column's name and the id. The same person keeps the same pseudonym
  across imports, so repeat contacts and per-agent quality stay measurable, but nobody without
  the key can go back to the id or test a guess against it (a plain hash could be brute-forced
  over every phone number). The hash runs inside DuckDB (`pseudonym_sql`), ten million rows in a
  second; `pseudonym` is the same function in Python.
- Transcripts lose e-mail addresses, phone numbers, IBANs and payment-card numbers. IBANs must pass
  the ISO 13616 mod-97 check and card numbers the Luhn check, so order numbers and amounts survive.
"""

from __future__ import annotations

import hashlib
import re

PSEUDONYM_PREFIX = {"customer_id": "c_", "agent_id": "a_"}


def _salt(key: bytes, column: str) -> str:
    return f"{key.hex()}:{column}:"


def pseudonym(value: str, *, key: bytes, column: str) -> str:
    """The pseudonym of one id.

    >>> pseudonym("C0012345", key=bytes(32), column="customer_id")
    'c_777f649ba13c394c'
    """
    digest = hashlib.sha256((_salt(key, column) + value).encode("utf-8")).hexdigest()
    return PSEUDONYM_PREFIX[column] + digest[:16]


def pseudonym_sql(expr: str, *, key: bytes, column: str) -> str:
    """The same pseudonym as `pseudonym`, as a DuckDB expression over ``expr`` (NULL stays NULL)."""
    return f"('{PSEUDONYM_PREFIX[column]}' || left(sha256('{_salt(key, column)}' || {expr}), 16))"


def pseudonym_key_sql(expr: str) -> str:
    """The 64-bit integer a pseudonym spells in hex (``c_00ff…`` → 255…), as a DuckDB expression:
    the same identity, cheaper to group and partition on."""
    return f"CAST('0x' || substr({expr}, 3) AS UBIGINT)"


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# French numbers (0X XX XX XX XX, +33 X XX XX XX XX, 0033...) and other international forms.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{1,3}[\s.\-]?(?:\(0\)[\s.\-]?)?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)"
    r"|(?<![\w+])\+\d{1,3}(?:[\s.\-]?\d{2,4}){2,5}(?!\d)"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")
_CARD = re.compile(r"(?<!\d)(?:\d[ \-]?){12,18}\d(?!\d)")


def redact(text: str) -> str:
    """Replace personal data in a transcript with ``[EMAIL]``, ``[PHONE]``, ``[IBAN]`` or ``[CARD]``.

    >>> redact("Écrivez à jean.dupont@mail.fr ou au 06 12 34 56 78.")
    'Écrivez à [EMAIL] ou au [PHONE].'
    >>> redact("IBAN FR76 3000 6000 0112 3456 7890 189, carte 4970 1012 3456 7893, commande 12345678")
    'IBAN [IBAN], carte [CARD], commande 12345678'
    """
    text = _EMAIL.sub("[EMAIL]", text)
    text = _IBAN.sub(lambda m: "[IBAN]" if iban_valid(m.group()) else m.group(), text)
    text = _CARD.sub(lambda m: "[CARD]" if luhn_valid(m.group()) else m.group(), text)
    return _PHONE.sub("[PHONE]", text)


def iban_valid(candidate: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to numbers, mod 97 is 1."""
    iban = candidate.replace(" ", "")
    if not 15 <= len(iban) <= 34:
        return False
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def luhn_valid(candidate: str) -> bool:
    """The Luhn check of payment-card numbers (13 to 19 digits)."""
    digits = [int(ch) for ch in candidate if ch.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0
