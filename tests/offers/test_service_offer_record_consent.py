from datetime import timedelta

from django.core import mail

from offers import services
from offers.models import Offer, OfferEvent

from .conftest import make_offer


def test_it_records_the_date_and_completes_contacts(alice, django_capture_on_commit_callbacks):
    offer = make_offer(alice, "POC_T", email_consent=False, email="", mobile="")
    today = services.local_today()
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_record_consent(
            offer=offer,
            actor=alice,
            informed_on=today,
            email="firma@example.com",
            mobile="+48600700800",
        )
    offer.refresh_from_db()
    assert offer.consent_informed_on == today
    assert offer.email == "firma@example.com"
    assert offer.mobile == "+48600700800"
    assert offer.state == Offer.State.DRAFT
    assert not offer.access_code_active
    assert mail.outbox == []


def test_it_generates_the_access_code_and_makes_the_offer_available(alice):
    offer = make_offer(alice, "POC_T", email_consent=False)
    services.offer_record_consent(
        offer=offer,
        actor=alice,
        informed_on=services.local_today() - timedelta(days=0),
        generate_access_code=True,
    )
    offer.refresh_from_db()
    assert offer.state == Offer.State.SENT
    assert offer.access_code_active
    assert offer.access_code == f"INTER{offer.number % 10000:04d}"
    kinds = list(offer.events.values_list("kind", flat=True))
    assert OfferEvent.Kind.CONSENT_RECORDED in kinds
    assert OfferEvent.Kind.ACCESS_CODE in kinds


def test_it_keeps_the_access_code_for_old_portal_offers_sent_by_email(alice):
    offer = make_offer(alice, "DOR_T")
    services.offer_send_dms(offer=offer, actor=alice)
    offer.refresh_from_db()
    assert offer.access_code_active  # the fallback when the e-mail does not arrive


def test_it_has_no_access_code_for_new_portal_offers_sent_by_email(alice):
    offer = make_offer(alice, "FM_T")
    services.offer_send_dms(offer=offer, actor=alice)
    offer.refresh_from_db()
    assert not offer.access_code_active
