import pytest
from django.utils import timezone

from offers import services
from offers.models import Offer, OfferEvent

from .conftest import make_offer, sent_offer


def test_it_cancels_and_ends_all_links(alice):
    offer = sent_offer(alice)
    services.offer_send_dms(offer=offer, actor=alice)
    services.offer_cancel(offer=offer, actor=alice)
    offer.refresh_from_db()
    assert offer.state == Offer.State.CANCELLED
    assert not [link for link in offer.links.all() if link.is_active(timezone.now())]
    event = offer.events.get(kind=OfferEvent.Kind.CANCELLED)
    assert event.details["links_ended"] == 2
    assert event.actor == alice


def test_it_refuses_to_cancel_twice(alice):
    offer = make_offer(alice)
    services.offer_cancel(offer=offer, actor=alice)
    with pytest.raises(services.OfferNotOpen):
        services.offer_cancel(offer=offer, actor=alice)
