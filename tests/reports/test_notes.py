"""The monthly run's notes written from their codes (`arbitre.reports.notes.say`): every code has
its sentence in both languages, figures the French or the English way, and a name a user gave
(a committee, a certificate, an SLA) is written as given and escaped by the pages that show it.

That each code says word for word what the sentences of the previous release said is
tests/store/test_stored_documents.py's (the same month refereed by both releases).
"""

from __future__ import annotations

import typing
from datetime import date
from decimal import Decimal

from arbitre.contract import notes
from arbitre.domain.month import Month
from arbitre.reports.html import _env
from arbitre.reports.notes import _WRITERS, say


def note_classes() -> set[type]:
    union = typing.get_args(notes.InvoiceNote)[0] | typing.get_args(notes.WatchNote)[0]
    return set(typing.get_args(union)) | set(typing.get_args(typing.get_args(notes.ObligationNote)[0]))


def test_every_code_has_its_sentence_and_every_sentence_its_code() -> None:
    assert note_classes() - {notes.SaidAsStored} == set(_WRITERS)
    codes = [c.model_fields["code"].default for c in note_classes()]
    assert len(codes) == len(set(codes)) == 28


def test_figures_are_written_the_french_or_the_english_way() -> None:
    total = notes.TotalCheck(currency="EUR", quantities=Decimal("1534"), billing=Decimal("-0.5"))
    assert say(total, "en").endswith(
        "of which €1,534.00 from the quantities billed and -€0.50 from the invoice's prices and arithmetic"
    )
    assert "dont 1\u202f534,00\u00a0€ dus aux quantités facturées et -0,50\u00a0€ aux prix" in say(
        total, "fr"
    )
    earn_back = notes.EarnBackCloses(
        month=Month("2026-03"), sla="sl", amount=Decimal("1209.87"), currency="MAD"
    )
    assert say(earn_back, "en") == "earn-back window closes for the March 2026 credit on sl (MAD 1,209.87)"
    assert (
        say(earn_back, "fr")
        == "fin de la fenêtre de restitution du crédit de mars 2026 sur sl (1\u202f209,87\u00a0MAD)"
    )
    expired = notes.CertificationExpired(name="ISO 27001", expired=date(2026, 7, 1))
    assert say(expired, "fr").startswith("certification ISO 27001 expirée depuis le 1er juillet 2026")


def test_a_bound_is_never_rounded_onto_the_target() -> None:
    # 79.95 % at best against 80 %: 79.9 %, not 80.0 %; 80.01 % needed: 80.1 %, not 80.0 %.
    reach = notes.OutOfReach(at_most=False, best=0.7995, target=0.8, left=100, noun="calls")
    assert "would end at 79.9% (target 80.0%)" in say(reach, "en")
    needed = notes.Needed(at_most=False, needed=0.8001, left=1000, noun="emails", actual=0.79)
    assert say(needed, "en") == "80.1% needed on the 1,000 e-mails left, against 79.0% so far"
    assert (
        say(needed, "fr")
        == "il faudrait 80,1\u202f% sur les 1\u202f000 e-mails restants, contre 79,0\u202f% depuis le début du mois"
    )


def test_codes_without_a_stored_run_yet_are_written_too() -> None:
    assert say(notes.NoRecords(), "en") == "no interaction of the provider this month: ask for its export"
    assert say(notes.NoticeDeadline(end=date(2027, 3, 31), renews_until=None, days=90), "fr") == (
        "dernier jour de préavis avant la fin du contrat le 31 mars 2027 (90 jours ; pas de reconduction tacite)"
    )
    assert say(notes.TermEnd(renews_until=None), "en") == "end of the contract (no tacit renewal)"
    assert (
        say(notes.NoneMeasured(noun="responses"), "fr") == "mois complet, aucun réponses à l'enquête mesuré"
    )
    assert say(notes.WindowsOutOfReach(remaining=3, best=0.8, share=0.9, unit="intervals"), "en") == (
        "out of reach: even with all 3 intervals left compliant, 80.0% of intervals would be (required 90.0%)"
    )
    assert say(notes.ValueSoFar(kpi="nps", value=None, target=30, at_most=False, final=True), "en") == (
        "month complete: no measure yet"
    )


def test_a_name_given_in_a_contract_is_written_as_given_and_escaped_in_a_page() -> None:
    hostile = "<script>alert('x')</script> & {{ 7*7 }}"
    meeting = notes.Meeting(committee=hostile, attendees=["<b>achats</b>"])
    assert say(meeting, "en") == f"meeting: {hostile} (<b>achats</b>)"
    # The reports' templates escape what `say` gives, and never evaluate it.
    html = _env().from_string("<td>{{ x }}</td>").render(x=say(meeting, "fr"))
    assert "<script>" not in html and "&lt;script&gt;" in html and "{{ 7*7 }}" in html
