from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import OutboxMessage
from portal.celery import app as celery_app

UNREACHABLE_SMTP = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
    }
}


@pytest.mark.django_db
def test_an_email_is_written_then_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = services.email_enqueue(
            to="klient@example.com",
            template="test_message",
            context={"name": "Jan"},
            topic="offer:1",
            attachments=[services.Attachment("oferta.pdf", b"%PDF-1.7 test")],
        )
        assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING
        assert mail.outbox == []
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1
    [sent] = mail.outbox
    assert sent.subject == "Test: Jan"
    assert sent.to == ["klient@example.com"]
    assert "Dzień dobry Jan" in sent.body
    assert "http://127.0.0.1:8000/oferta/" in sent.body
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html" and "<p>Dzień dobry Jan,</p>" in html
    assert sent.attachments[0].filename == "oferta.pdf"


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.sms_enqueue(to="+48600100200", text="Przypomnienie")
                raise RuntimeError("the cause failed")
        except RuntimeError:
            pass
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_delivery_is_claimed_once():
    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.EMAIL,
        recipient="a@example.com",
        subject="s",
        body_text="t",
    )
    assert services.outbox_deliver(message_id=message.pk) is True
    assert services.outbox_deliver(message_id=message.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_send_is_recorded_and_retried(settings):
    settings.MAILERS = UNREACHABLE_SMTP
    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.EMAIL,
        recipient="a@example.com",
        subject="s",
        body_text="t",
    )
    with pytest.raises(services.DeliveryError):
        services.outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error


@pytest.mark.django_db
def test_after_the_last_attempt_the_message_is_marked_failed(settings):
    settings.MAILERS = UNREACHABLE_SMTP
    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.EMAIL,
        recipient="a@example.com",
        subject="s",
        body_text="t",
        attempts=services.MAX_ATTEMPTS - 1,
    )
    assert services.outbox_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED


@pytest.mark.django_db
def test_stale_pending_messages_are_requeued_after_five_minutes(
    django_capture_on_commit_callbacks,
):
    start = timezone.now()
    with (
        time_machine.travel(start, tick=False) as clock,
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = OutboxMessage.objects.create(
            channel=OutboxMessage.Channel.SMS,
            recipient="+48600100200",
            body_text="Kod: 1234",
        )
        clock.shift(timedelta(minutes=4, seconds=59))
        assert services.outbox_requeue_stale() == 0
        clock.shift(timedelta(seconds=2))
        assert services.outbox_requeue_stale() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_a_message_stuck_with_a_dead_worker_is_taken_back(django_capture_on_commit_callbacks):
    start = timezone.now()
    with (
        time_machine.travel(start, tick=False) as clock,
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = OutboxMessage.objects.create(
            channel=OutboxMessage.Channel.EMAIL,
            recipient="a@example.com",
            subject="s",
            body_text="t",
            status=OutboxMessage.Status.SENDING,
            claimed_at=start,
        )
        clock.shift(timedelta(minutes=11))
        assert services.outbox_requeue_stale() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


@pytest.fixture
def broker_down():  # type: ignore[no-untyped-def]
    """Publish to a Redis that does not answer, as during an outage."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager = False
    conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield
    conf.task_always_eager, conf.broker_url = saved
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.django_db
def test_a_redis_outage_delays_mail_but_the_request_succeeds(
    client, staff, broker_down, django_capture_on_commit_callbacks
):
    failed = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.EMAIL,
        recipient="a@example.com",
        subject="s",
        body_text="t",
        status=OutboxMessage.Status.FAILED,
    )
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:outbox-retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.PENDING
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_outbox_page_is_for_staff_only(client, alice, staff, django_assert_max_num_queries):
    services.sms_enqueue(to="+48600100200", text="Kod: 1234")
    client.force_login(alice)
    assert client.get(reverse("notifications:outbox")).status_code == 302
    client.force_login(staff)
    for n in range(30):
        OutboxMessage.objects.create(
            channel=OutboxMessage.Channel.EMAIL,
            recipient=f"a{n}@example.com",
            subject=f"Temat {n}",
            body_text="https://example.com/oferta/abc",
        )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:outbox"))
    assert response.status_code == 200
    assert "Temat 29" in response.content.decode()


@pytest.mark.django_db
def test_staff_can_follow_the_link_in_a_message(client, staff):
    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.EMAIL,
        recipient="a@example.com",
        subject="Link",
        body_text="Otwórz: http://127.0.0.1:8000/oferta/abc",
    )
    client.force_login(staff)
    html = client.get(reverse("notifications:outbox-detail", args=[message.pk])).content.decode()
    assert 'href="http://127.0.0.1:8000/oferta/abc"' in html


@pytest.mark.django_db
def test_retry_needs_post_and_a_failed_message(client, staff):
    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.EMAIL,
        recipient="a@example.com",
        subject="s",
        body_text="t",
        status=OutboxMessage.Status.SENT,
    )
    client.force_login(staff)
    url = reverse("notifications:outbox-retry", args=[message.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 404


@pytest.mark.django_db
def test_it_renders_the_subject_and_text_part_as_text_and_escapes_only_the_html():
    name = "O'Brien & Syn <biuro>"
    message = services.email_enqueue(
        to="klient@example.com", template="test_message", context={"name": name}
    )
    assert message.subject == f"Test: {name}"
    assert f"Dzień dobry {name}," in message.body_text
    assert "&amp;" not in message.body_text and "&#x27;" not in message.body_text
    assert "<p>Dzień dobry O&#x27;Brien &amp; Syn &lt;biuro&gt;,</p>" in message.body_html
