"""Pseudonyms and redaction."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from arbitre.ingest.privacy import iban_valid, luhn_valid, pseudonym, redact


def test_pseudonyms_depend_on_the_key_and_the_column() -> None:
    key_a, key_b = bytes(32), bytes([1]) * 32
    assert pseudonym("C1", key=key_a, column="customer_id") == pseudonym(
        "C1", key=key_a, column="customer_id"
    )
    assert pseudonym("C1", key=key_a, column="customer_id") != pseudonym(
        "C1", key=key_b, column="customer_id"
    )
    assert (
        pseudonym("C1", key=key_a, column="customer_id")[2:]
        != pseudonym("C1", key=key_a, column="agent_id")[2:]
    )


def test_french_and_international_phone_numbers_are_redacted() -> None:
    for number in (
        "06 12 34 56 78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33612345678",
        "0033 1 23 45 67 89",
        "06.12.34.56.78",
        "+34 912 345 678",
    ):
        assert redact(f"appelez le {number} svp") == "appelez le [PHONE] svp", number


def test_order_numbers_amounts_and_dates_survive() -> None:
    text = "Commande 48812345 du 12/03/2025, montant 149,90 €, colis 6A12345678901"
    assert redact(text) == text


def test_only_checksummed_ibans_and_cards_are_redacted() -> None:
    assert redact("FR76 3000 6000 0112 3456 7890 189") == "[IBAN]"
    assert redact("FR76 3000 6000 0112 3456 7890 188") != "[IBAN]"  # wrong check digits
    assert redact("carte 4970-1012-3456-7893") == "carte [CARD]"
    assert luhn_valid("4970101234567893") and not luhn_valid("4970101234567894")
    assert iban_valid("DE89370400440532013000")


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=80))
def test_text_without_digits_or_at_signs_is_left_as_it_is(text: str) -> None:
    if "@" not in text:
        assert redact(text) == text
