"""Beat: expiry at the 21:00 deadline and the 72 h / 24 h reminders (each once)."""

from datetime import date

import time_machine
from django.core import mail

from offers import tasks
from offers.models import DmsLink, Offer, OfferEvent

from .conftest import make_offer, sent_offer


def _sent_for(agent, start: date, at: str, **overrides) -> Offer:
    with time_machine.travel(at, tick=False):
        return sent_offer(agent, start=start, **overrides)


def test_it_expires_at_21_in_spring_across_the_dst_change(alice):
    # Clocks go forward on 30.03.2025; the deadline is 30.03 21:00 CEST.
    offer = _sent_for(alice, date(2025, 3, 31), "2025-03-20 10:00+01:00")
    with time_machine.travel("2025-03-30 20:59:59+02:00", tick=False):
        assert tasks.offers_expire_overdue() == 0
    with time_machine.travel("2025-03-30 21:00:00+02:00", tick=False):
        assert tasks.offers_expire_overdue() == 1
    offer.refresh_from_db()
    assert offer.state == Offer.State.EXPIRED


def test_it_expires_at_21_in_autumn_across_the_dst_change(alice):
    # Clocks go back on 26.10.2025; the deadline is 26.10 21:00 CET.
    offer = _sent_for(alice, date(2025, 10, 27), "2025-10-20 10:00+02:00")
    with time_machine.travel("2025-10-26 20:59:59+01:00", tick=False):
        assert tasks.offers_expire_overdue() == 0
    with time_machine.travel("2025-10-26 21:00:00+01:00", tick=False):
        assert tasks.offers_expire_overdue() == 1
    offer.refresh_from_db()
    assert offer.state == Offer.State.EXPIRED


def test_it_tells_the_agent_and_ends_links_on_expiry(alice, django_capture_on_commit_callbacks):
    offer = _sent_for(alice, date(2025, 5, 1), "2025-04-20 10:00+02:00")
    with time_machine.travel("2025-04-30 21:00:00+02:00", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.offers_expire_overdue()
        assert not DmsLink.objects.filter(offer=offer, revoked_at__isnull=True).exists()
    assert mail.outbox[-1].to == ["alice@example.com"]
    assert "wygasła" in mail.outbox[-1].subject
    assert offer.events.filter(kind=OfferEvent.Kind.EXPIRED, actor_label="system").exists()


def test_it_expires_each_offer_once(alice):
    _sent_for(alice, date(2025, 5, 1), "2025-04-20 10:00+02:00")
    with time_machine.travel("2025-05-01 08:00:00+02:00", tick=False):
        assert tasks.offers_expire_overdue() == 1
        assert tasks.offers_expire_overdue() == 0


def test_it_leaves_paid_offers_alone(alice):
    from offers import services

    offer = _sent_for(alice, date(2025, 5, 1), "2025-04-20 10:00+02:00")
    services.offer_mark_paid(offer=offer, paid_at=offer.sent_at, payment_reference="p")
    with time_machine.travel("2025-05-01 08:00:00+02:00", tick=False):
        assert tasks.offers_expire_overdue() == 0


def test_it_reminds_72_and_24_hours_before_the_deadline_once_each(
    alice, django_capture_on_commit_callbacks
):
    # Deadline: 30.04.2025 21:00 CEST.
    offer = _sent_for(alice, date(2025, 5, 1), "2025-04-20 10:00+02:00")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel("2025-04-27 20:59:59+02:00", tick=False):
            assert tasks.offers_send_reminders() == 0
        with time_machine.travel("2025-04-27 21:00:00+02:00", tick=False):
            assert tasks.offers_send_reminders() == 1
            assert tasks.offers_send_reminders() == 0
        with time_machine.travel("2025-04-29 21:00:00+02:00", tick=False):
            assert tasks.offers_send_reminders() == 1
            assert tasks.offers_send_reminders() == 0
    assert len(mail.outbox) == 2
    assert all("/oferta/link/" in message.body for message in mail.outbox)
    assert offer.events.filter(kind=OfferEvent.Kind.REMINDER).count() == 2


def test_it_sends_one_reminder_when_only_the_24_hour_window_is_left(alice):
    offer = _sent_for(alice, date(2025, 5, 1), "2025-04-20 10:00+02:00")
    with time_machine.travel("2025-04-30 10:00:00+02:00", tick=False):
        assert tasks.offers_send_reminders() == 1
        assert tasks.offers_send_reminders() == 0
    offer.refresh_from_db()
    assert offer.reminder_24h_sent_at and offer.reminder_72h_sent_at


def test_it_does_not_remind_without_consent_or_for_drafts(alice):
    with time_machine.travel("2025-04-20 10:00+02:00", tick=False):
        make_offer(alice, start=date(2025, 5, 1))
    with time_machine.travel("2025-04-29 10:00:00+02:00", tick=False):
        assert tasks.offers_send_reminders() == 0
