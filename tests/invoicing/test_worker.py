"""A real Celery worker against Redis: issue, submit to KSeF, e-mail, all after commit."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from invoicing.models import Invoice
from notifications.models import OutboxMessage
from portal.celery import app as celery_app

from .conftest import issue


@pytest.fixture
def worker(transactional_db):  # type: ignore[no-untyped-def]
    """A worker process on the test database, with its own fake KSeF."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": "console:",
        "KSEF_CLIENT": "fake",
        "KSEF_CHECK_AFTER": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        + ["--loglevel=WARNING", "-Q", "celery"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    celery_app.conf.task_always_eager = False
    yield process
    celery_app.conf.task_always_eager = True
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_real_worker_submits_the_invoice_and_emails_it_with_its_ksef_number(worker):
    invoice = issue(send_to="biuro@polna.example.com")  # autocommit: the tasks are queued
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        invoice.refresh_from_db()
        sent = OutboxMessage.objects.filter(
            topic=f"invoice:{invoice.pk}", status=OutboxMessage.Status.SENT
        ).exists()
        if invoice.ksef_state == Invoice.KsefState.ACCEPTED and sent:
            break
        time.sleep(0.3)
    assert invoice.ksef_state == Invoice.KsefState.ACCEPTED, worker.poll()
    assert invoice.ksef_number.startswith(invoice.seller_nip)
    message = OutboxMessage.objects.get(topic=f"invoice:{invoice.pk}")
    assert message.status == OutboxMessage.Status.SENT
    assert invoice.ksef_number in message.body_text
