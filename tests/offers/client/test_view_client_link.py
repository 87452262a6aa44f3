"""GET /oferta/link/<token>/: the token becomes a session, the browser moves to a clean URL."""

import logging

from django.urls import reverse
from django.utils import timezone

from offers import services
from offers.models import OfferEvent

from .conftest import Sent


def test_it_exchanges_a_new_portal_token_and_asks_for_the_pesel(client, new_sent: Sent):
    response = client.get(new_sent.link)

    assert response.status_code == 303
    assert response["Location"] == reverse("offers:client-pesel")
    assert new_sent.token not in response["Location"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.session["offers.client"]["offer"] == new_sent.offer.pk


def test_it_logs_an_old_portal_client_straight_in_and_asks_the_file_password(
    client, old_sent: Sent
):
    response = client.get(old_sent.link)

    assert response["Location"] == reverse("offers:client-password")
    event = old_sent.offer.events.get(kind=OfferEvent.Kind.CLIENT_LOGIN)
    assert event.details["via"] == "link"
    assert event.actor_label == "klient"


def test_it_gives_the_session_a_new_key(client, new_sent: Sent):
    client.get(reverse("offers:client-access"))
    before = client.session.session_key

    client.get(new_sent.link)

    assert client.session.session_key != before


def test_it_records_when_the_link_was_used(client, new_sent: Sent):
    client.get(new_sent.link)

    assert new_sent.offer.links.get().last_used_at is not None


def test_a_bad_token_leads_to_a_page_that_says_to_ask_for_a_new_link(client, caplog, db):
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("offers:client-link", args=["not-a-token"]))

    assert response.status_code == 303
    assert response["Location"] == reverse("offers:client-link-invalid")
    assert "not-a-token" not in caplog.text
    page = client.get(response["Location"])
    assert "poproś agenta o ponowne wysłanie linka" in page.content.decode()
    assert "offers.client" not in client.session


def test_an_expired_link_does_not_let_in(client, new_sent: Sent, time_machine):
    time_machine.move_to(timezone.now() + services.LINK_LIFETIME)

    response = client.get(new_sent.link)

    assert response["Location"] == reverse("offers:client-link-invalid")


def test_a_revoked_link_does_not_let_in(client, new_sent: Sent, alice):
    services.dms_link_revoke(link=new_sent.offer.links.get(), actor=alice)

    response = client.get(new_sent.link)

    assert response["Location"] == reverse("offers:client-link-invalid")


def test_a_cancelled_offer_ends_its_link(client, new_sent: Sent, alice):
    services.offer_cancel(offer=new_sent.offer, actor=alice)

    response = client.get(new_sent.link)

    assert response["Location"] == reverse("offers:client-link-invalid")


def test_it_refuses_post(client, new_sent: Sent):
    assert client.post(new_sent.link).status_code == 405
