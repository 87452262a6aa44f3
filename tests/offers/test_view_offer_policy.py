from django.urls import reverse

from offers import services

from .conftest import sent_offer


def _policy(agent):
    offer = sent_offer(agent)
    services.offer_mark_paid(offer=offer, paid_at=offer.sent_at, payment_reference="p")
    services.offer_issue_policy(offer=offer, actor=agent)
    return offer


def test_it_shows_the_policy(alice, alice_client):
    offer = _policy(alice)
    response = alice_client.get(reverse("offers:policy", args=[offer.pk]))
    assert response.status_code == 200
    assert "406,00\u00a0zł" in response.text


def test_it_answers_404_before_the_policy_exists(alice, alice_client):
    offer = sent_offer(alice)
    assert alice_client.get(reverse("offers:policy", args=[offer.pk])).status_code == 404


def test_it_hides_another_agents_policy(bob, alice_client):
    offer = _policy(bob)
    assert alice_client.get(reverse("offers:policy", args=[offer.pk])).status_code == 404


def test_it_refuses_post(alice, alice_client):
    offer = _policy(alice)
    assert alice_client.post(reverse("offers:policy", args=[offer.pk])).status_code == 405
