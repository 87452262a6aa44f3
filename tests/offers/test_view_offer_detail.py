from django.urls import reverse

from offers import services

from .conftest import PESEL, make_offer, sent_offer


def test_it_shows_the_offer_with_its_actions_and_timeline(alice, alice_client):
    offer = sent_offer(alice)
    response = alice_client.get(reverse("offers:detail", args=[offer.pk]))
    assert response.status_code == 200
    text = response.text
    assert f"Oferta DMS {offer.display_number}" in text
    for label in (
        "Edytuj",
        "Polisuj",
        "Pobierz",
        "Kopiuj",
        "Anuluj",
        "OWU i inne dokumenty",
        "Wyślij link do DMS",
        "Fizjoterapeuta",
        "406,00\u00a0zł",
        "DMS",
    ):
        assert label in text, label
    assert "utworzono ofertę" in text
    assert "wysłano link DMS" in text
    assert PESEL not in text


def test_it_shows_the_access_code_of_an_old_portal_offer(alice, alice_client):
    offer = sent_offer(alice, "POC_T")
    response = alice_client.get(reverse("offers:detail", args=[offer.pk]))
    assert offer.access_code in response.text


def test_it_says_a_late_offer_cannot_be_sent(alice, alice_client):
    from datetime import date

    import time_machine

    with time_machine.travel("2025-04-01 10:00+02:00", tick=False):
        offer = make_offer(alice, start=date(2025, 4, 20))
    response = alice_client.get(reverse("offers:detail", args=[offer.pk]))
    assert "oferty nie można już wysłać" in response.text


def test_it_hides_another_agents_offer(bob, alice_client):
    offer = make_offer(bob)
    assert alice_client.get(reverse("offers:detail", args=[offer.pk])).status_code == 404


def test_it_refuses_post(alice, alice_client):
    offer = make_offer(alice)
    assert alice_client.post(reverse("offers:detail", args=[offer.pk])).status_code == 405


def test_it_shows_the_paid_state(alice, alice_client):
    offer = sent_offer(alice)
    services.offer_mark_paid(offer=offer, paid_at=offer.sent_at, payment_reference="p")
    response = alice_client.get(reverse("offers:detail", args=[offer.pk]))
    assert "opłacona" in response.text
    assert "Edytuj" not in response.text
