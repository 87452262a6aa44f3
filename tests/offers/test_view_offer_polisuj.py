from django.urls import reverse

from offers import services
from offers.models import Offer

from .conftest import make_offer, sent_offer


def test_it_refuses_polisuj_before_payment(alice, alice_client):
    offer = sent_offer(alice)
    response = alice_client.post(reverse("offers:polisuj", args=[offer.pk]), follow=True)
    assert "Od 9 lipca 2024 r. polisę można wystawić wyłącznie po opłaceniu" in response.text
    offer.refresh_from_db()
    assert offer.state == Offer.State.SENT


def test_it_shows_the_policy_of_a_paid_offer(alice, alice_client):
    offer = sent_offer(alice)
    services.offer_mark_paid(offer=offer, paid_at=offer.sent_at, payment_reference="p")
    response = alice_client.post(reverse("offers:polisuj", args=[offer.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("offers:policy", args=[offer.pk])
    assert f"Polisa {offer.display_number}" in response.text
    offer.refresh_from_db()
    assert offer.state == Offer.State.POLICY


def test_it_hides_another_agents_offer(bob, alice_client):
    offer = make_offer(bob)
    assert alice_client.post(reverse("offers:polisuj", args=[offer.pk])).status_code == 404


def test_it_refuses_get(alice, alice_client):
    offer = make_offer(alice)
    assert alice_client.get(reverse("offers:polisuj", args=[offer.pk])).status_code == 405
