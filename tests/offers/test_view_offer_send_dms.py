from django.core import mail
from django.urls import reverse

from offers.models import DmsLink, Offer

from .conftest import make_offer


def _send(client, offer, **data):
    return client.post(reverse("offers:send-dms", args=[offer.pk]), data, follow=True)


def test_it_emails_the_link_and_says_so_in_green(
    alice, alice_client, django_capture_on_commit_callbacks
):
    offer = make_offer(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(alice_client, offer)
    assert '<p class="alert alert--success">Wysłanie linka do oferty DMS powiodło się</p>' in (
        response.text
    )
    assert len(mail.outbox) == 1
    assert "/oferta/link/" in mail.outbox[0].body
    offer.refresh_from_db()
    assert offer.state == Offer.State.SENT


def test_it_shows_the_old_portal_message_and_the_access_code(
    alice, alice_client, django_capture_on_commit_callbacks
):
    offer = make_offer(alice, "PL_T")
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(alice_client, offer)
    assert "Wysłanie e-maila z linkiem do Klienta" in response.text
    assert offer.access_code in response.text
    assert len(mail.outbox) == 1


def test_it_goes_to_the_consent_form_without_consent(
    alice, alice_client, django_capture_on_commit_callbacks
):
    offer = make_offer(alice, email_consent=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(alice_client, offer)
    assert response.redirect_chain[-1][0] == reverse("offers:consent", args=[offer.pk])
    assert "Brak zgody Klienta" in response.text
    assert mail.outbox == []


def test_it_revokes_earlier_links_on_request(alice, alice_client):
    offer = make_offer(alice)
    _send(alice_client, offer)
    _send(alice_client, offer, revoke_previous="on")
    assert DmsLink.objects.filter(offer=offer, revoked_at__isnull=True).count() == 1
    assert DmsLink.objects.filter(offer=offer).count() == 2


def test_it_refuses_a_cancelled_offer(alice, alice_client):
    offer = make_offer(alice)
    alice_client.post(reverse("offers:cancel", args=[offer.pk]))
    response = _send(alice_client, offer)
    assert "nie można już wykonać" in response.text
    assert not DmsLink.objects.exists()


def test_it_hides_another_agents_offer(bob, alice_client):
    offer = make_offer(bob)
    response = alice_client.post(reverse("offers:send-dms", args=[offer.pk]))
    assert response.status_code == 404
    assert not DmsLink.objects.exists()


def test_it_refuses_get(alice, alice_client):
    offer = make_offer(alice)
    assert alice_client.get(reverse("offers:send-dms", args=[offer.pk])).status_code == 405
