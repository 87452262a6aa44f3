from datetime import datetime, timedelta

import pytest
import time_machine

from offers import services
from offers.models import DmsLink, OfferEvent

from .conftest import NIP, OTHER_PESEL, REGON, make_offer, package, sent_offer


def _edit(offer, **changes):
    values = services.OfferDetails.from_offer(offer)
    for name, value in changes.items():
        setattr(values, name, value)
    return values


def test_it_bumps_the_version_and_asks_for_reacceptance_of_a_sent_offer(alice):
    offer = sent_offer(alice)
    updated = services.offer_update(
        offer=offer,
        details=_edit(offer, package=package("FM_T").product.packages.last()),
        actor=alice,
    )
    assert updated.version == 2
    assert str(updated.premium) == "559.00"
    event = updated.events.get(kind=OfferEvent.Kind.EDITED)
    assert event.details["reaccept"] is True
    assert "package" in event.details["fields"]
    assert event.offer_version == 2


def test_it_leaves_the_version_when_nothing_changed(alice):
    offer = make_offer(alice)
    updated = services.offer_update(offer=offer, details=_edit(offer), actor=alice)
    assert updated.version == 1
    assert not updated.events.filter(kind=OfferEvent.Kind.EDITED).exists()


def test_it_keeps_the_blind_index_in_step_with_the_pesel(alice):
    offer = make_offer(alice)
    old_index = offer.holder_pesel_index
    services.offer_update(offer=offer, details=_edit(offer, holder_pesel=OTHER_PESEL), actor=alice)
    offer.refresh_from_db()
    assert offer.holder_pesel == OTHER_PESEL
    assert offer.holder_pesel_index != old_index
    # The timeline names the field, never the number.
    event = offer.events.get(kind=OfferEvent.Kind.EDITED)
    assert OTHER_PESEL not in str(event.details)


def test_it_keeps_the_masked_identifier_of_the_list_in_step(alice):
    offer = make_offer(alice)
    assert offer.holder_identifier_masked == "85•••••••••"
    services.offer_update(offer=offer, details=_edit(offer, holder_pesel=OTHER_PESEL), actor=alice)
    offer.refresh_from_db()
    assert offer.holder_identifier_masked == "90•••••••••"
    company = _edit(
        offer, holder_kind="company", holder_pesel="", holder_nip=NIP, holder_regon=REGON
    )
    services.offer_update(offer=offer, details=company, actor=alice)
    offer.refresh_from_db()
    assert offer.holder_identifier_masked == "52••••••••"


def test_it_moves_links_back_when_the_deadline_moves_earlier(alice):
    with time_machine.travel("2025-04-01 10:00:00+02:00", tick=False):
        offer = sent_offer(alice, start=datetime(2025, 5, 1).date())
        services.offer_update(
            offer=offer,
            details=_edit(offer, protection_start=datetime(2025, 4, 10).date()),
            actor=alice,
        )
    link = DmsLink.objects.get(offer=offer)
    offer.refresh_from_db()
    assert link.expires_at == offer.payment_deadline
    assert offer.protection_end == datetime(2026, 4, 9).date()


def test_it_refuses_to_edit_a_paid_offer(alice):
    offer = sent_offer(alice)
    services.offer_mark_paid(offer=offer, paid_at=offer.sent_at, payment_reference="p1")
    with pytest.raises(services.OfferNotOpen):
        services.offer_update(offer=offer, details=_edit(offer, holder_name="X"), actor=alice)


def test_it_refuses_to_move_the_start_past_the_deadline(alice):
    offer = make_offer(alice)
    with pytest.raises(services.DeadlinePassed):
        services.offer_update(
            offer=offer,
            details=_edit(offer, protection_start=services.local_today() - timedelta(days=1)),
            actor=alice,
        )


def test_it_ends_the_links_sent_to_the_old_address_when_the_email_changes(alice):
    """A link e-mailed to a mistyped address must not keep opening the offer."""
    offer = sent_offer(alice)
    services.offer_update(
        offer=offer, details=_edit(offer, email="anna.k@example.com"), actor=alice
    )
    assert not offer.links.filter(revoked_at__isnull=True).exists()
    event = offer.events.get(kind=OfferEvent.Kind.EDITED)
    assert event.details["links_ended"] == 1


def test_it_keeps_the_links_when_the_email_stays(alice):
    offer = sent_offer(alice)
    services.offer_update(
        offer=offer, details=_edit(offer, holder_address="ul. Inna 3"), actor=alice
    )
    assert offer.links.filter(revoked_at__isnull=True).count() == 1
