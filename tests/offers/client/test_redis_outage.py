"""Redis stops (a Redis this test started): pages keep working, logins refuse politely."""

import threading
import time

import pytest
import redis
from django.urls import reverse
from kombu import pools as kombu_pools

from accounts import ratelimit, session_store
from notifications.models import OutboxMessage
from portal.celery import app as celery_app
from tests.own_redis import start_redis

from ..conftest import make_offer, verified_client
from .conftest import PESEL, Sent

TRY_LATER = "Spróbuj za chwilę"


def _use_broker(url: str) -> None:
    """Publish to `url` from now on (new connection and producer pools, as after a fork)."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    # Eager tasks acquire a producer too: drop kombu's producers of the closed pool.
    celery_app.amqp._producer_pool = None
    kombu_pools.reset()


@pytest.fixture
def own_redis(settings):  # type: ignore[no-untyped-def]
    server = start_redis()
    original_broker = celery_app.conf.broker_url
    settings.REDIS_URL = server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "accounts.cache.PortalRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    ratelimit.reset_store()
    session_store.reset_health()
    yield server
    server.stop()
    ratelimit.reset_store()
    session_store.reset_health()
    _use_broker(original_broker)


def test_a_signed_in_agent_keeps_working_and_sending_in_dms(
    alice, own_redis, django_capture_on_commit_callbacks
):
    agent = verified_client(alice)
    assert agent.get(reverse("offers:list")).status_code == 200
    offer = make_offer(alice)
    own_redis.stop()
    _use_broker(own_redis.url)
    celery_app.conf.task_always_eager = False  # queue for real: the broker is down
    try:
        assert agent.get(reverse("offers:list")).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = agent.post(reverse("offers:send-dms", args=[offer.pk]), follow=True)
    finally:
        celery_app.conf.task_always_eager = True
    assert response.status_code == 200
    assert "Wysłanie linka do oferty DMS powiodło się" in response.text
    email = OutboxMessage.objects.get(topic=f"offer:{offer.pk}")
    assert "/oferta/link/" in email.body_text
    assert email.status == OutboxMessage.Status.PENDING  # waits for the re-queue task
    # Still signed in after the session was written without the cache.
    assert agent.get(reverse("offers:detail", args=[offer.pk])).status_code == 200


def test_a_client_who_is_in_keeps_working(new_client, own_redis):
    own_redis.stop()
    response = new_client.get(reverse("offers:client-offer"))
    assert response.status_code == 200


def test_logins_and_code_entries_refuse_with_try_later(client, alice, new_sent: Sent, own_redis):
    client.get(new_sent.link)
    own_redis.stop()
    agent_login = client.post(
        reverse("offers:login"), {"username": "alice", "password": "alice-secret-pass"}
    )
    assert agent_login.status_code == 200
    assert TRY_LATER in agent_login.text
    pesel = client.post(reverse("offers:client-pesel"), {"pesel": PESEL})
    assert pesel.status_code == 200
    assert TRY_LATER in pesel.text
    for n in range(8):  # never unlimited: no guess is judged while the count is out of reach
        wrong = client.post(reverse("offers:client-pesel"), {"pesel": f"9002022345{n}"})
        assert TRY_LATER in wrong.text
    assert not new_sent.offer.entry_failures.exists()


def test_healthz_answers_503_naming_redis(client, own_redis, db):
    assert client.get(reverse("healthz")).status_code == 200
    own_redis.stop()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["redis"] == "error"
    assert response.json()["database"] == "ok"


def test_a_session_ended_while_redis_hung_stays_ended(alice, own_redis, monkeypatch):
    monkeypatch.setattr(session_store, "SKIP_SECONDS", 0.3)
    agent = verified_client(alice)
    assert agent.get(reverse("offers:list")).status_code == 200  # the session is cached
    hang = threading.Thread(
        target=lambda: redis.Redis(port=own_redis.port).execute_command("DEBUG", "SLEEP", "2.5")
    )
    hang.start()
    try:
        time.sleep(0.2)
        agent.post(reverse("accounts:logout"))  # the database forgets it; the cache cannot
    finally:
        hang.join()
    time.sleep(0.4)  # past the skip: the cache is used again, without the stale copy
    assert agent.get(reverse("offers:list")).status_code == 302
