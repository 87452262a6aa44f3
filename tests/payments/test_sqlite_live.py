"""`make run` on SQLite: concurrent webhook deliveries to a live server never answer 500."""

import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from payments.providers.sandbox import sign


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory):  # type: ignore[no-untyped-def]
    """runserver as `make run` starts it: SQLite under its own var dir, no Redis."""
    var = tmp_path_factory.mktemp("sqlite-var")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(PORTAL_VAR_DIR=str(var), PORTAL_ENV="development", RATELIMIT_ENABLED="1")
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput", "-v0"],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        timeout=300,
    )
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("runserver on SQLite did not start: " + (server.stderr.read() or "")[-2000:])
    yield base, var
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def _event() -> bytes:
    checkout = f"cs_sbx_{secrets.token_hex(8)}"
    event = {
        "id": f"evt_sbx_{secrets.token_hex(12)}",
        "object": "event",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "livemode": False,
        "data": {
            "object": {
                "id": checkout,
                "object": "checkout.session",
                "amount_total": 40600,
                "currency": "pln",
                "client_reference_id": "00000000-0000-0000-0000-000000000000",
                "metadata": {"payment_id": "00000000-0000-0000-0000-000000000000"},
                "payment_intent": f"pi_sbx_{secrets.token_hex(8)}",
                "payment_status": "paid",
                "status": "complete",
            }
        },
    }
    return json.dumps(event).encode()


def _deliver(url: str, body: bytes) -> int:
    request = urllib.request.Request(  # noqa: S310 (the test's own live server)
        url,
        data=body,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": sign(body, settings.SANDBOX_WEBHOOK_SECRET),
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_sqlite_database_is_in_wal_mode_with_immediate_transactions(sqlite_server):
    import sqlite3

    _base, var = sqlite_server
    with sqlite3.connect(var / "portal.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    options = settings.DATABASES["default"]  # PostgreSQL here: the SQLite options are in settings
    assert options["ENGINE"].endswith("postgresql")
    from portal.settings import SQLITE_OPTIONS

    assert SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in SQLITE_OPTIONS["init_command"]
    assert "busy_timeout" in SQLITE_OPTIONS["init_command"] or SQLITE_OPTIONS["timeout"] >= 5


def _deliver_together(url: str, bodies: list[bytes]) -> list[int]:
    statuses = [0] * len(bodies)
    barrier = threading.Barrier(len(bodies))

    def send(i: int) -> None:
        barrier.wait()
        statuses[i] = _deliver(url, bodies[i])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_two_concurrent_webhook_deliveries_are_both_answered(sqlite_server):
    base, _var = sqlite_server
    url = f"{base}/platnosci/webhook/sandbox/"
    for _round in range(5):  # "database is locked" came in 2 of 4 tries
        assert _deliver_together(url, [_event(), _event()]) == [200, 200]
