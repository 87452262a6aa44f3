from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications.models import OutboxMessage
from offers import services
from offers.models import DmsLink, Offer, OfferEvent, hash_token

from .conftest import make_offer


def _token_from_mail() -> str:
    body = mail.outbox[-1].body
    url = next(word for word in body.split() if "/oferta/link/" in word)
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_it_emails_a_link_after_commit(alice, django_capture_on_commit_callbacks):
    offer = make_offer(alice)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = services.offer_send_dms(offer=offer, actor=alice)
        assert mail.outbox == []  # nothing leaves before commit
    assert callbacks
    assert result.outcome == services.SendOutcome.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.com"]
    assert offer.display_number in message.subject
    assert "/oferta/link/" in message.body
    assert message.alternatives  # HTML part
    offer.refresh_from_db()
    assert offer.state == Offer.State.SENT
    assert offer.sent_at is not None


def test_it_stores_only_a_hash_of_a_long_random_token(alice, django_capture_on_commit_callbacks):
    offer = make_offer(alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_send_dms(offer=offer, actor=alice)
    token = _token_from_mail()
    assert len(token) >= 43  # 32 bytes in URL-safe base64 = 256 bits
    link = DmsLink.objects.get(offer=offer)
    assert link.token_hash == hash_token(token)
    assert token not in link.token_hash
    assert services.dms_link_resolve(token=token) == link


def test_it_sends_nothing_without_consent(alice, django_capture_on_commit_callbacks):
    offer = make_offer(alice, email_consent=False)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.offer_send_dms(offer=offer, actor=alice)
    assert result.outcome == services.SendOutcome.NO_CONSENT
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()
    assert not DmsLink.objects.exists()
    offer.refresh_from_db()
    assert offer.state == Offer.State.DRAFT
    assert offer.events.filter(kind=OfferEvent.Kind.NO_CONSENT).exists()


def test_it_makes_a_link_valid_for_exactly_14_days(alice):
    with time_machine.travel("2025-01-10 12:00:00+01:00", tick=False):
        offer = make_offer(alice, start=datetime(2025, 3, 1).date())
        services.offer_send_dms(offer=offer, actor=alice)
    link = DmsLink.objects.get(offer=offer)
    assert link.expires_at - link.created_at == timedelta(days=14)
    with time_machine.travel(link.expires_at - timedelta(seconds=1), tick=False):
        assert link.is_active()
    with time_machine.travel(link.expires_at, tick=False):
        assert not link.is_active()


def test_it_never_lets_a_link_outlive_the_deadline(alice):
    with time_machine.travel("2025-04-10 12:00:00+02:00", tick=False):
        offer = make_offer(alice, start=datetime(2025, 4, 15).date())
        services.offer_send_dms(offer=offer, actor=alice)
    link = DmsLink.objects.get(offer=offer)
    assert link.expires_at == offer.payment_deadline
    assert link.expires_at == datetime.fromisoformat("2025-04-14T21:00:00+02:00")


def test_it_sends_a_fresh_link_and_may_revoke_the_old_ones(alice):
    offer = make_offer(alice)
    services.offer_send_dms(offer=offer, actor=alice)
    services.offer_send_dms(offer=offer, actor=alice)
    assert DmsLink.objects.filter(offer=offer, revoked_at__isnull=True).count() == 2
    services.offer_send_dms(offer=offer, actor=alice, revoke_previous=True)
    active = DmsLink.objects.filter(offer=offer, revoked_at__isnull=True)
    assert active.count() == 1
    assert active.get() == DmsLink.objects.filter(offer=offer).order_by("-id").first()
    resend = offer.events.filter(kind=OfferEvent.Kind.SENT).order_by("id").last()
    assert resend.details["resend"] is True


def test_it_refuses_to_send_after_the_deadline(alice):
    with time_machine.travel("2025-04-10 12:00:00+02:00", tick=False):
        offer = make_offer(alice, start=datetime(2025, 4, 15).date())
    with time_machine.travel("2025-04-14 20:59:59+02:00", tick=False):
        services.offer_send_dms(offer=offer, actor=alice)
    with time_machine.travel("2025-04-14 21:00:00+02:00", tick=False):
        with pytest.raises(services.DeadlinePassed):
            services.offer_send_dms(offer=offer, actor=alice)


def test_it_refuses_to_send_a_cancelled_offer(alice):
    offer = make_offer(alice)
    services.offer_cancel(offer=offer, actor=alice)
    with pytest.raises(services.OfferNotOpen):
        services.offer_send_dms(offer=offer, actor=alice)


def test_it_resolves_no_link_once_revoked(alice, django_capture_on_commit_callbacks):
    offer = make_offer(alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_send_dms(offer=offer, actor=alice)
    token = _token_from_mail()
    link = DmsLink.objects.get(offer=offer)
    services.dms_link_revoke(link=link, actor=alice)
    assert services.dms_link_resolve(token=token) is None
    assert services.dms_link_resolve(token="not-a-token") is None
    assert offer.events.filter(kind=OfferEvent.Kind.LINK_REVOKED).exists()


def test_it_skips_reminders_whose_window_has_begun(alice):
    now = timezone.now()
    offer = make_offer(alice, start=(now + timedelta(days=2)).date())
    services.offer_send_dms(offer=offer, actor=alice)
    offer.refresh_from_db()
    assert offer.reminder_72h_sent_at is not None
