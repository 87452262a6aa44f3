"""GET /oferta/szczegoly/: the offer, read-only, with masked numbers and the deadline."""

import time

import time_machine
from django.urls import reverse

from offers import services
from offers.models import Offer

from .conftest import ALL_CONSENTS, NIP, PESEL, Sent, download_all, enter_new, send


def test_it_shows_the_offer_with_the_pesel_masked_and_the_deadline(new_client, new_sent: Sent):
    response = new_client.get(reverse("offers:client-offer"))

    page = response.content.decode()
    assert response.status_code == 200
    assert new_sent.offer.display_number in page
    assert PESEL not in page
    assert "85•••••••••" in page
    assert "bez opłacenia w terminie nie ma polisy" in page
    assert "godz. 21:00" in page
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_the_nip_is_masked_too(old_client):
    page = old_client.get(reverse("offers:client-offer")).content.decode()

    assert NIP not in page


def test_the_pay_button_is_disabled_until_documents_and_consents(new_client):
    page = new_client.get(reverse("offers:client-offer")).content.decode()

    assert "disabled" in page.split("Zapłać 406,00")[0].rsplit("<button", 1)[1]


def test_the_session_ends_after_thirty_minutes_idle(new_client):
    with time_machine.travel(time.time() + 30 * 60 + 1, tick=False):
        response = new_client.get(reverse("offers:client-offer"))

    assert response["Location"] == reverse("offers:client-access")


def test_each_request_pushes_the_idle_limit_forward(new_client):
    now = time.time()
    with time_machine.travel(now + 29 * 60, tick=False):
        assert new_client.get(reverse("offers:client-offer")).status_code == 200
    with time_machine.travel(now + 58 * 60, tick=False):
        assert new_client.get(reverse("offers:client-offer")).status_code == 200


def test_the_session_holds_one_offer_only(client, alice, new_sent: Sent):
    other = send(alice, "FM_T", holder_name="Jan Inny")
    enter_new(client, new_sent)

    client.get(other.link)  # a second link replaces the first offer, and asks the PESEL again

    assert client.session["offers.client"]["offer"] == other.offer.pk
    assert client.get(reverse("offers:client-offer"))["Location"] == reverse("offers:client-pesel")


def test_an_edit_by_the_agent_is_announced(new_client, new_sent: Sent, alice):
    details = services.OfferDetails.from_offer(new_sent.offer)
    details.holder_address = "ul. Nowa 2, Kraków"
    services.offer_update(offer=new_sent.offer, details=details, actor=alice)

    page = new_client.get(reverse("offers:client-offer")).content.decode()

    assert "Agent zmienił ofertę" in page
    assert new_client.session["offers.client"]["version"] == 2


def test_a_cancelled_offer_says_to_ask_the_agent(new_client, new_sent: Sent, alice):
    services.offer_cancel(offer=new_sent.offer, actor=alice)

    page = new_client.get(reverse("offers:client-offer")).content.decode()

    assert "Poproś agenta o przygotowanie nowej oferty" in page
    assert reverse("offers:client-pay") not in page
    assert Offer.objects.get(pk=new_sent.offer.pk).state == Offer.State.CANCELLED


def test_without_a_session_it_redirects_to_the_entry(client, db):
    response = client.get(reverse("offers:client-offer"))

    assert response.status_code == 302
    assert response["Location"] == reverse("offers:client-access")


def test_an_agent_session_is_not_a_client_session(alice_client, new_sent: Sent):
    assert alice_client.get(reverse("offers:client-offer"))["Location"] == reverse(
        "offers:client-access"
    )


def test_it_refuses_post(new_client):
    assert new_client.post(reverse("offers:client-offer")).status_code == 405


def test_logout_ends_the_client_session(new_client):
    response = new_client.post(reverse("offers:client-logout"))

    assert response["Location"] == reverse("offers:client-access")
    assert new_client.get(reverse("offers:client-offer"))["Location"] == reverse(
        "offers:client-access"
    )


STATUS_URL = reverse("offers:client-offer-status")


def test_the_status_says_which_steps_are_done(new_client):
    assert new_client.get(STATUS_URL).json() == {
        "downloaded": [],
        "all_downloaded": False,
        "consents_done": False,
        "ready": False,
    }
    new_client.get(reverse("offers:client-document", args=["owu"]))
    assert new_client.get(STATUS_URL).json()["downloaded"] == ["owu"]
    download_all(new_client)
    status = new_client.get(STATUS_URL).json()
    assert status["downloaded"] == ["oferta", "owu", "regulamin"]
    assert status["all_downloaded"] and not status["ready"]
    new_client.post(reverse("offers:client-consents"), ALL_CONSENTS)
    response = new_client.get(STATUS_URL)
    assert response.json()["ready"] is True
    assert "no-cache" in response["Cache-Control"]


def test_the_status_needs_the_clients_session(client, new_sent):
    response = client.get(STATUS_URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("offers:client-access")


def test_the_status_refuses_post(new_client):
    assert new_client.post(STATUS_URL).status_code == 405
