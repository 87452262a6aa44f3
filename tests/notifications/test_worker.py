"""A real Celery worker against Redis, and a real SMTP server."""

import os
import socket
import subprocess
import sys
import time
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from notifications import services
from notifications.models import OutboxMessage
from portal.celery import app as celery_app


@pytest.fixture
def worker(transactional_db):  # type: ignore[no-untyped-def]
    """A worker process on the test database, consuming from the test Redis."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": "console:",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            "-Q",
            "celery",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    conf = celery_app.conf
    conf.task_always_eager = False
    yield process
    conf.task_always_eager = True
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_real_worker_delivers_a_queued_message(worker):
    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.SMS,
        recipient="+48600100200",
        body_text="Kod: 1234",
    )
    from notifications.tasks import outbox_deliver

    outbox_deliver.delay(message.pk)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status == OutboxMessage.Status.SENT:
            break
        time.sleep(0.2)
    assert message.status == OutboxMessage.Status.SENT, worker.stderr and worker.poll()
    assert message.sent_at is not None


class _Collect:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():  # type: ignore[no-untyped-def]
    handler = _Collect()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.mark.django_db
def test_mail_goes_over_real_smtp(settings, smtp_server, django_capture_on_commit_callbacks):
    controller, handler = smtp_server
    port = controller.port
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.email_enqueue(
            to="klient@example.com",
            template="test_message",
            context={"name": "Zofia"},
            attachments=[services.Attachment("polisa.pdf", "%PDF-1.7 zażółć".encode())],
        )
    [(sender, recipients, raw)] = handler.messages
    assert recipients == ["klient@example.com"]
    parsed = message_from_bytes(raw)
    assert parsed["Subject"] == "Test: Zofia"
    parts = [part.get_content_type() for part in parsed.walk()]
    assert "text/plain" in parts and "text/html" in parts and "application/pdf" in parts
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
