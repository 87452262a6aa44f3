from django.urls import reverse

from .conftest import sent_offer


def test_it_revokes_my_link(alice, alice_client):
    offer = sent_offer(alice)
    link = offer.links.get()
    response = alice_client.post(reverse("offers:revoke-link", args=[offer.pk, link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_it_hides_another_agents_link(alice, bob, alice_client):
    theirs = sent_offer(bob)
    mine = sent_offer(alice)
    link = theirs.links.get()
    url = reverse("offers:revoke-link", args=[theirs.pk, link.pk])
    assert alice_client.post(url).status_code == 404
    # Nor through my own offer's URL.
    url = reverse("offers:revoke-link", args=[mine.pk, link.pk])
    assert alice_client.post(url).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_it_refuses_get(alice, alice_client):
    offer = sent_offer(alice)
    link = offer.links.get()
    url = reverse("offers:revoke-link", args=[offer.pk, link.pk])
    assert alice_client.get(url).status_code == 405
