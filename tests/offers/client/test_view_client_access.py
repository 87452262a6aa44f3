"""/oferta/: e-mail + access code (INTER + the last 4 digits of the offer number)."""

import time_machine
from django.core import mail
from django.urls import reverse

from offers import services
from offers.models import Offer, OfferEvent

from .conftest import Sent, create, frozen

WRONG = "Podane dane są nieprawidłowe"


def _enter(client, email: str, code: str):
    return client.post(reverse("offers:client-access"), {"email": email, "code": code})


def _wrong_code(offer: Offer) -> str:
    return f"INTER{(offer.number + 1) % 10_000:04d}"


def test_it_shows_the_form(client, db):
    response = client.get(reverse("offers:client-access"))

    assert response.status_code == 200
    assert "Wejście do oferty" in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"


def test_the_offers_email_and_code_log_an_old_portal_client_in(client, old_sent: Sent):
    offer = old_sent.offer

    response = _enter(client, offer.email.upper(), offer.access_code.lower())

    assert response.status_code == 303
    assert response["Location"] == reverse("offers:client-password")
    assert offer.events.filter(kind=OfferEvent.Kind.CLIENT_LOGIN).get().details["via"] == "code"


def test_a_new_portal_offer_with_a_generated_code_still_asks_for_the_pesel(client, alice):
    offer = create(alice, "FM_T", email_consent=False)
    services.offer_record_consent(
        offer=offer, actor=alice, informed_on=services.local_today(), generate_access_code=True
    )
    offer.refresh_from_db()

    response = _enter(client, offer.email, offer.access_code)

    assert response["Location"] == reverse("offers:client-pesel")


def test_the_code_is_valid_only_with_the_offers_email(client, old_sent: Sent):
    response = _enter(client, "someone@else.example", old_sent.offer.access_code)

    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert "offers.client" not in client.session


def test_a_wrong_code_gets_the_same_message(client, old_sent: Sent):
    response = _enter(client, old_sent.offer.email, _wrong_code(old_sent.offer))

    assert response.status_code == 200
    assert WRONG in response.content.decode()


def test_a_new_portal_offer_sent_with_consent_has_no_code(client, new_sent: Sent):
    response = _enter(client, new_sent.offer.email, new_sent.offer.access_code)

    assert response.status_code == 200


def test_the_code_stops_working_once_the_offer_is_paid(client, old_sent: Sent):
    offer = old_sent.offer
    services.offer_mark_paid(offer=offer, paid_at=offer.sent_at, payment_reference="x")

    assert _enter(client, offer.email, offer.access_code).status_code == 200


def test_the_code_stops_working_at_the_deadline(client, old_sent: Sent):
    offer = old_sent.offer
    with time_machine.travel(offer.payment_deadline, tick=False):
        assert _enter(client, offer.email, offer.access_code).status_code == 200


def test_five_wrong_codes_lock_the_offer_even_for_the_right_code_and_tell_the_agent(
    client, old_sent: Sent, alice, django_capture_on_commit_callbacks
):
    offer = old_sent.offer
    with frozen() as clock:
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(5):
                _enter(client, offer.email, _wrong_code(offer))
        assert "zablokowane" in _enter(client, offer.email, offer.access_code).content.decode()
        clock.shift(15 * 60)
        assert _enter(client, offer.email, offer.access_code).status_code == 303
    assert any(m.to == [alice.email] and "Zablokowano" in m.subject for m in mail.outbox)


def test_ten_wrong_answers_void_the_code_until_the_agent_issues_it_again(
    client, old_sent: Sent, alice, django_capture_on_commit_callbacks
):
    offer = old_sent.offer
    with frozen() as clock:
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(2):
                for _ in range(5):
                    _enter(client, offer.email, _wrong_code(offer))
                clock.shift(31 * 60)
        voided = _enter(client, offer.email, offer.access_code)
        assert voided.status_code == 200
        assert WRONG in voided.content.decode()  # no hint that the code itself was right
        assert offer.events.filter(kind=OfferEvent.Kind.ACCESS_CODE_VOIDED).count() == 1
        assert any("unieważniony" in m.subject and m.to == [alice.email] for m in mail.outbox)
        clock.shift(16 * 60)
        assert _enter(client, offer.email, offer.access_code).status_code == 200

        services.offer_generate_access_code(offer=offer, actor=alice)

        assert _enter(client, offer.email, offer.access_code).status_code == 303


def test_an_unknown_email_counts_against_the_ip(client, old_sent: Sent):
    with frozen():
        for _ in range(5):
            _enter(client, "nobody@example.com", "INTER0000")
        response = _enter(client, old_sent.offer.email, old_sent.offer.access_code)
    assert "zablokowane" in response.content.decode()


def test_it_refuses_delete(client, db):
    assert client.delete(reverse("offers:client-access")).status_code == 405
