"""Personal data at import: keyed pseudonyms for ids, redaction of transcripts.

- ``customer_id`` and ``agent_id`` become keyed hashes: the first 64 bits of SHA-256 over the
  workspace's secret key, the column's name and the id. The same person keeps the same pseudonym
  across imports, so repeat contacts and per-agent quality stay measurable, but nobody without
  the key can go back to the id or test a guess against it (a plain hash could be brute-forced
  over every phone number). The hash runs inside DuckDB (`pseudonym_sql`), ten million rows in a
  second; `pseudonym` is the same function in Python.
- Transcripts, contact reasons and the extra columns lose e-mail addresses, phone numbers
  (French forms and international ones), IBANs and payment-card numbers. IBANs must pass the
  ISO 13616 mod-97 check and card numbers the Luhn check, so order numbers, dates and amounts
  survive. A contact id that holds such data becomes a keyed pseudonym (``p_…``).

docs/privacy.md states what is protected, how, the limits, and how to rotate the key.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence

PSEUDONYM_PREFIX = {"customer_id": "c_", "agent_id": "a_", "contact_id": "p_"}
# Free-text columns redacted at import (extra: the source's unmapped columns, as JSON).
REDACTED_COLUMNS = ("transcript", "reason", "extra")
# A superset of the contact ids `contains_personal_data` flags, in DuckDB's regular expressions
# (RE2, linear): an @, a + before a digit, a French number.
PERSONAL_ID_SHAPE = (
    r"@|\+[0-9]|(?:^|[^0-9A-Za-z_+])(?:(?:\+|00)[0-9]{1,3}[ .-]?(?:\(0\)[ .-]?)?|0|33)[1-9](?:[ ./-]?[0-9]{2}){4}"
    r"(?:[^0-9]|$)"
)


def _salt(key: bytes, column: str) -> str:
    return f"{key.hex()}:{column}:"


Keys = bytes | Sequence[bytes]


def pseudonym(value: str, *, key: Keys, column: str) -> str:
    """The pseudonym of one id; with several keys (a rotated workspace), hashed with each in turn.

    >>> pseudonym("C0012345", key=bytes(32), column="customer_id")
    'c_777f649ba13c394c'
    >>> pseudonym("C0012345", key=[bytes(32), bytes(range(32))], column="customer_id") == pseudonym(
    ...     pseudonym("C0012345", key=bytes(32), column="customer_id"), key=bytes(range(32)), column="customer_id")
    True
    """
    for one in _chain(key):
        digest = hashlib.sha256((_salt(one, column) + value).encode("utf-8")).hexdigest()
        value = PSEUDONYM_PREFIX[column] + digest[:16]
    return value


def pseudonym_sql(expr: str, *, key: Keys, column: str) -> str:
    """The same pseudonym as `pseudonym`, as a DuckDB expression over ``expr`` (NULL stays NULL)."""
    for one in _chain(key):
        expr = f"('{PSEUDONYM_PREFIX[column]}' || left(sha256('{_salt(one, column)}' || {expr}), 16))"
    return expr


def _chain(key: Keys) -> list[bytes]:
    return [key] if isinstance(key, bytes) else list(key)


def pseudonym_key_sql(expr: str) -> str:
    """The 64-bit integer a pseudonym spells in hex (``c_00ff…`` → 255…), as a DuckDB expression:
    the same identity, cheaper to group and partition on."""
    return f"CAST('0x' || substr({expr}, 3) AS UBIGINT)"


# Every pattern is linear: bounded repetitions only, no nested quantifier, and a start that
# fails at once inside a long run of letters or digits, which is passed over position by
# position and never rescanned (the old e-mail pattern took 128 s on one 200 KB token). Phone
# numbers are three patterns, each starting with a literal (+, 0, 33), which the engine skips to
# quickly; a pass is skipped when the text cannot hold its kind.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,8}"
    r"\.[A-Za-z]{2,24}(?![A-Za-z0-9\-])"
)
# Phone numbers: French (06 12 34 56 78, 06.12.34.56.78, 06/12/34/56/78, 0612345678, +33 6 12 34 56 78,
# +33 (0)6…, 0033…, 33612345678) with one separator used throughout, and other international forms.
_PHONES = (
    # +33 6 12 34 56 78, +33 (0)6…, and other international forms
    re.compile(
        r"\+(?<![\w+]\+)\d{1,3}(?:[ .\-]?(?:\(0\)[ .\-]?)?[1-9]([ ./\-]?)\d{2}(?:\1\d{2}){3}"
        r"|(?:[ .\-]?\d{2,4}){2,5})(?!\d)"
    ),
    # 06 12 34 56 78, 06.12…, 06/12…, 0612345678, 0033 6 12 34 56 78
    re.compile(r"0(?<![\w+]0)(?:0\d{1,3}[ .\-]?(?:\(0\)[ .\-]?)?)?[1-9]([ ./\-]?)\d{2}(?:\1\d{2}){3}(?!\d)"),
    # 33612345678
    re.compile(r"33(?<![\w+]33)[1-9]\d{8}(?!\d)"),
)
# IBANs in capitals or not, grouped by spaces or dashes (checked by ISO 13616 mod 97 before redacting).
_IBAN = re.compile(
    r"[A-Za-z](?<![A-Za-z0-9][A-Za-z])[A-Za-z]\d{2}(?:[ \-]?[A-Za-z0-9]{4}){2,7}(?:[ \-]?[A-Za-z0-9]{1,3})?"
    r"(?![A-Za-z0-9])"
)
# Payment cards: 13 to 19 digits, run together or in groups of four (Amex: 4-6-5) with one
# separator (space, dash or dot) throughout; checked by Luhn.
_CARD = re.compile(
    r"\d(?<![\d.,]\d)\d{3}(?:\d{9,15}|([ .\-])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?|([ .\-])\d{6}\2\d{5})(?!\d)"
)
_DIGIT = re.compile(r"\d")


def redact(text: str) -> str:
    """Replace personal data in a text with ``[EMAIL]``, ``[PHONE]``, ``[IBAN]`` or ``[CARD]``.

    >>> redact("Écrivez à jean.dupont@mail.fr ou au 06 12 34 56 78.")
    'Écrivez à [EMAIL] ou au [PHONE].'
    >>> redact("IBAN FR76 3000 6000 0112 3456 7890 189, carte 4970 1012 3456 7893, commande 12345678")
    'IBAN [IBAN], carte [CARD], commande 12345678'
    >>> redact("rappeler le 33612345678 ou 06/12/34/56/78 ; iban fr76-3000-6000-0112-3456-7890-189")
    'rappeler le [PHONE] ou [PHONE] ; iban [IBAN]'
    >>> redact("commande du 06/12/2024 10:30, 1 234,56 €, colis 4970.1012.3456.7893")
    'commande du 06/12/2024 10:30, 1 234,56 €, colis [CARD]'
    """
    if "@" in text:
        text = _EMAIL.sub("[EMAIL]", text)
    if _DIGIT.search(text) is None:
        return text
    text = _IBAN.sub(_checked("[IBAN]", iban_valid), text)
    for phone in _PHONES:
        text = phone.sub("[PHONE]", text)
    return _CARD.sub(_checked("[CARD]", luhn_valid), text)


def _checked(label: str, valid: Callable[[str], bool]) -> Callable[[re.Match[str]], str]:
    """A replacement that checks each distinct candidate once (a field may repeat one a lot)."""
    seen: dict[str, bool] = {}

    def replace(match: re.Match[str]) -> str:
        found = match.group()
        ok = seen.get(found)
        if ok is None:
            ok = seen[found] = valid(found)
        return label if ok else found

    return replace


def contains_personal_data(text: str) -> bool:
    """Whether an id holds an e-mail address or a phone number (a caller's number as call id, an
    e-mail as ticket id). Card and IBAN checks are left out: one numeric id in ten of 16 digits
    passes Luhn by chance, and would lose its value for nothing.

    >>> contains_personal_data("+33612345678"), contains_personal_data("CALL-000123")
    (True, False)
    >>> contains_personal_data("jean@mail.fr"), contains_personal_data("4970101234567893")
    (True, False)
    """
    if "@" in text and _EMAIL.search(text):
        return True
    return any(phone.search(text) for phone in _PHONES)


def iban_valid(candidate: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to numbers, mod 97 is 1."""
    iban = candidate.translate(_SEPARATORS).upper()
    if not 15 <= len(iban) <= 34 or not iban.isalnum() or not iban.isascii():
        return False
    return int((iban[4:] + iban[:4]).translate(_LETTER_DIGITS)) % 97 == 1


def luhn_valid(candidate: str) -> bool:
    """The Luhn check of payment-card numbers (13 to 19 digits).

    >>> luhn_valid("4970 1012 3456 7893"), luhn_valid("4970 1012 3456 7894")
    (True, False)
    """
    digits = candidate.translate(_SEPARATORS)
    if not 13 <= len(digits) <= 19 or not digits.isdigit():
        return False
    total = sum(map(int, digits[-1::-2])) + sum(_DOUBLED[int(d)] for d in digits[-2::-2])
    return total % 10 == 0


_SEPARATORS = str.maketrans("", "", " .-")
_LETTER_DIGITS = str.maketrans({chr(ord("A") + i): str(10 + i) for i in range(26)})
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # a digit doubled, its digits summed
