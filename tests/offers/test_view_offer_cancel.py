from django.urls import reverse

from offers.models import Offer

from .conftest import make_offer


def test_it_cancels_my_offer(alice, alice_client):
    offer = make_offer(alice)
    response = alice_client.post(reverse("offers:cancel", args=[offer.pk]), follow=True)
    offer.refresh_from_db()
    assert offer.state == Offer.State.CANCELLED
    assert "została anulowana" in response.text


def test_it_explains_why_a_cancelled_offer_cannot_be_cancelled(alice, alice_client):
    offer = make_offer(alice)
    alice_client.post(reverse("offers:cancel", args=[offer.pk]))
    response = alice_client.post(reverse("offers:cancel", args=[offer.pk]), follow=True)
    assert "anulowana" in response.text
    assert "nie można już wykonać" in response.text


def test_it_hides_another_agents_offer(bob, alice_client):
    offer = make_offer(bob)
    assert alice_client.post(reverse("offers:cancel", args=[offer.pk])).status_code == 404
    offer.refresh_from_db()
    assert offer.state == Offer.State.DRAFT


def test_it_refuses_get(alice, alice_client):
    offer = make_offer(alice)
    assert alice_client.get(reverse("offers:cancel", args=[offer.pk])).status_code == 405
