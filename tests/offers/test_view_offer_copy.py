from datetime import date

import time_machine
from django.urls import reverse

from offers.models import Offer

from .conftest import make_offer
from .test_view_offer_edit import _form


def test_it_prefills_a_copy(alice, alice_client):
    offer = make_offer(alice)
    response = alice_client.get(reverse("offers:copy", args=[offer.pk]))
    assert response.status_code == 200
    assert offer.display_number in response.text


def test_it_creates_a_new_draft_from_an_offer(alice, alice_client):
    source = make_offer(alice)
    response = alice_client.post(reverse("offers:copy", args=[source.pk]), _form(source))
    copy = Offer.objects.exclude(pk=source.pk).get()
    assert response.status_code == 302
    assert copy.copied_from == source
    assert copy.number != source.number
    assert copy.state == Offer.State.DRAFT
    assert copy.events.get().details == {"copied_from": source.display_number}


def test_it_clears_a_start_that_can_no_longer_be_paid(alice, alice_client):
    with time_machine.travel("2025-04-01 10:00+02:00", tick=False):
        source = make_offer(alice, start=date(2025, 4, 20))
    response = alice_client.get(reverse("offers:copy", args=[source.pk]))
    assert response.context["form"].initial["protection_start"] is None


def test_it_hides_another_agents_offer(bob, alice_client):
    offer = make_offer(bob)
    assert alice_client.get(reverse("offers:copy", args=[offer.pk])).status_code == 404


def test_it_refuses_put(alice, alice_client):
    offer = make_offer(alice)
    assert alice_client.put(reverse("offers:copy", args=[offer.pk])).status_code == 405
