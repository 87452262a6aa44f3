from datetime import timedelta

import pytest
import time_machine
from django.db import connection

from offers import services
from offers.models import Offer, OfferEvent

from .conftest import details, make_offer


def test_it_numbers_offers_from_the_database_sequence(alice, bob):
    first = make_offer(alice)
    second = make_offer(bob, "DM")
    assert 100_000_000 <= first.number <= 999_999_999
    assert second.number > first.number
    assert first.display_number == f"FM_T {first.number}"
    assert second.display_number == f"DM {second.number}"


def test_it_never_reuses_a_number_after_a_rolled_back_transaction(alice):
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('offers_offer_number_seq')")
        burned = cursor.fetchone()[0]
    offer = make_offer(alice)
    assert offer.number > burned


def test_it_copies_the_premium_and_dates(alice):
    offer = make_offer(alice)
    assert offer.premium == offer.package.premium
    assert str(offer.premium) == "406.00"
    assert offer.protection_end == offer.protection_start.replace(
        year=offer.protection_start.year + 1
    ) - timedelta(days=1)
    assert offer.state == Offer.State.DRAFT
    assert offer.version == 1
    assert offer.channel == Offer.Channel.DMS


def test_it_records_the_creation_in_the_timeline(alice):
    offer = make_offer(alice)
    event = offer.events.get()
    assert event.kind == OfferEvent.Kind.CREATED
    assert event.actor == alice
    assert event.offer_version == 1


def test_it_stores_the_pesel_encrypted_with_a_blind_index(alice):
    offer = make_offer(alice)
    with connection.cursor() as cursor:
        cursor.execute("SELECT holder_pesel FROM offers_offer WHERE id = %s", [offer.pk])
        raw = cursor.fetchone()[0]
    assert "85010112345" not in raw
    assert offer.holder_pesel_index


@time_machine.travel("2025-04-14 20:59:59+02:00", tick=False)
def test_it_accepts_a_start_tomorrow_until_21(alice):
    from datetime import date

    offer = make_offer(alice, start=date(2025, 4, 15))
    assert offer.pk


@time_machine.travel("2025-04-14 21:00:00+02:00", tick=False)
def test_it_refuses_a_start_whose_deadline_has_passed(alice):
    from datetime import date

    with pytest.raises(services.DeadlinePassed):
        services.offer_create(agent=alice, details=details(start=date(2025, 4, 15)))
    assert not Offer.objects.exists()
