"""Fixtures for payments: a test-only payable, signed Stripe-shaped events,
localstripe and a local stand-in for what localstripe lacks (Checkout)."""

import copy
import fcntl
import hashlib
import hmac
import json
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from django.conf import settings as django_settings
from django.db import connection

from payments import registry
from payments.models import Payment

# The resources we use from Stripe's published fixtures3.json, copied beside
# the tests so that they run anywhere.
FIXTURES = Path(__file__).with_name("stripe_fixtures.json")
RESOURCES = json.loads(FIXTURES.read_text())["resources"]

PAYABLE = "tests.order"
STRIPE_WEBHOOK_SECRET = "whsec_test_portal"


# A payable that belongs to no app -------------------------------------------------


@dataclass
class Orders:
    """Orders kept in a dict: what they cost, and what the callbacks saw."""

    prices: dict[str, Decimal] = field(default_factory=dict)
    refuse: dict[str, str] = field(default_factory=dict)
    succeeded: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    refunded: list[int] = field(default_factory=list)
    fulfil_sql: bool = False
    slow: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def describe(self, payable_id: str) -> registry.PayableInfo | None:
        if payable_id not in self.prices:
            return None
        return registry.PayableInfo(amount=self.prices[payable_id], description="Zamówienie")

    def on_succeeded(self, payment: Payment) -> None:
        if self.slow:
            time.sleep(self.slow)  # widen the window in which a race could happen
        if payment.payable_id in self.refuse:
            # Something written before refusing must be rolled back.
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO accounts_user (password, is_superuser, username, first_name,"
                    " last_name, email, is_staff, is_active, date_joined, phone)"
                    " VALUES ('', false, %s, '', '', '', false, true, now(), '')",
                    [f"refused-{payment.pk}"],
                )
            raise registry.PaymentRefused(
                self.refuse[payment.payable_id], "Termin płatności minął o 21:00."
            )
        if self.fulfil_sql:
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO test_fulfilment (payment_id) VALUES (%s)", [payment.pk])
        with self.lock:
            self.succeeded.append(payment.pk)

    def on_failed(self, payment: Payment) -> None:
        with self.lock:
            self.failed.append(payment.pk)

    def on_refunded(self, payment: Payment) -> None:
        with self.lock:
            self.refunded.append(payment.pk)


@pytest.fixture
def orders() -> Iterator[Orders]:
    orders = Orders(prices={"1": Decimal("406.00"), "2": Decimal("120.50")})
    registry.register(
        PAYABLE,
        describe=orders.describe,
        on_succeeded=orders.on_succeeded,
        on_failed=orders.on_failed,
        on_refunded=orders.on_refunded,
    )
    yield orders
    registry.unregister(PAYABLE)


@pytest.fixture
def sandbox(settings):  # type: ignore[no-untyped-def]
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.SANDBOX_WEBHOOK_DELIVERY = "internal"
    return settings


def make_payment(**fields: Any) -> Payment:
    values: dict[str, Any] = {
        "payable_type": PAYABLE,
        "payable_id": "1",
        "amount": Decimal("406.00"),
        "currency": "PLN",
        "description": "Zamówienie 1",
        "method": "blik",
        "provider": "stripe",
        "status": Payment.Status.PENDING,
        "checkout_id": "",
        "success_url": "/gotowe/",
        "cancel_url": "/zaplac/",
    }
    values.update(fields)
    return Payment.objects.create(**values)


# Stripe-shaped events, from Stripe's published fixtures -----------------------------


def resource(name: str, **fields: Any) -> dict[str, Any]:
    obj = copy.deepcopy(RESOURCES[name])
    obj.update(fields)
    return obj


def session_object(payment: Payment, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(
        id=payment.checkout_id or f"cs_test_{payment.pk}",
        amount_total=payment.amount_minor,
        amount_subtotal=payment.amount_minor,
        currency="pln",
        client_reference_id=str(payment.public_id),
        metadata={"payment_id": str(payment.public_id)},
        payment_intent=payment.intent_id or f"pi_test_{payment.pk}",
        payment_method_types=[payment.method or "blik"],
        payment_status="paid",
        status="complete",
    )
    return resource("checkout.session", **{**values, **fields})


def intent_object(payment: Payment, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(
        id=payment.intent_id or f"pi_test_{payment.pk}",
        amount=payment.amount_minor,
        amount_received=payment.amount_minor,
        currency="pln",
        metadata={"payment_id": str(payment.public_id)},
        payment_method_types=[payment.method or "blik"],
        status="succeeded",
        last_payment_error=None,
    )
    return resource("payment_intent", **{**values, **fields})


_counter = iter(range(1, 10**9))


def event(event_type: str, obj: dict[str, Any], event_id: str | None = None) -> bytes:
    evt = resource(
        "event",
        id=event_id or f"evt_test_{next(_counter)}_{time.time_ns()}",
        type=event_type,
        created=int(time.time()),
        data={"object": obj},
        api_version="2026-09-30.endive",
    )
    return json.dumps(evt).encode()


def sign(body: bytes, secret: str = STRIPE_WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    # Written out here rather than imported, so that the tests check the
    # scheme itself and not our own implementation of it.
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def post_webhook(client, body: bytes, *, provider: str = "stripe", signature: str | None = None):  # type: ignore[no-untyped-def]
    secret = (
        STRIPE_WEBHOOK_SECRET if provider == "stripe" else django_settings.SANDBOX_WEBHOOK_SECRET
    )
    return client.post(
        f"/platnosci/webhook/{provider}/",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": signature if signature is not None else sign(body, secret)},
    )


@pytest.fixture
def stripe_webhooks(settings):  # type: ignore[no-untyped-def]
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_SECRET_KEY = settings.STRIPE_SECRET_KEY or "sk_test_portal_webhooks_only"
    return settings


# localstripe, one instance at a time -------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


@pytest.fixture(scope="session")
def localstripe() -> Iterator[str]:
    """A localstripe server for this session. It keeps its state in one fixed
    file in the temp folder, so a lock file makes other runs wait their turn."""
    lock_path = Path(tempfile.gettempdir()) / "localstripe.portal-tests.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        port = _free_port()
        exe = Path(django_settings.BASE_DIR) / ".venv" / "bin" / "localstripe"
        process = subprocess.Popen(
            [str(exe), "--port", str(port), "--from-scratch"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_port(port)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


class FakeStripe:
    """Answers Checkout Session calls as Stripe does; passes the rest to localstripe."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.sessions: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, str], dict[str, str]]] = []
        self.by_idempotency_key: dict[str, dict[str, Any]] = {}

    def create_session(self, form: dict[str, str], key: str) -> dict[str, Any]:
        if key in self.by_idempotency_key:
            return self.by_idempotency_key[key]
        session_id = f"cs_test_{len(self.sessions) + 1:04d}{time.time_ns() % 10**8}"
        session = resource(
            "checkout.session",
            id=session_id,
            url=f"https://checkout.stripe.com/c/pay/{session_id}",
            amount_total=int(form["line_items[0][price_data][unit_amount]"]),
            amount_subtotal=int(form["line_items[0][price_data][unit_amount]"]),
            currency=form["line_items[0][price_data][currency]"],
            client_reference_id=form.get("client_reference_id"),
            customer_email=form.get("customer_email"),
            metadata={k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            payment_method_types=[
                v for k, v in form.items() if k.startswith("payment_method_types[")
            ],
            payment_intent=None,
            payment_status="unpaid",
            status="open",
            success_url=form["success_url"],
            cancel_url=form["cancel_url"],
            expires_at=int(form["expires_at"]),
        )
        self.sessions[session_id] = session
        self.by_idempotency_key[key] = session
        return session


@pytest.fixture
def fake_stripe(localstripe: str, settings) -> Iterator[FakeStripe]:  # type: ignore[no-untyped-def]
    fake = FakeStripe(localstripe)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            form = dict(parse_qsl(raw.decode()))
            headers = {k.lower(): v for k, v in self.headers.items()}
            fake.requests.append((self.command, self.path, form, headers))
            path = self.path.split("?")[0]
            if self.command == "POST" and path == "/v1/checkout/sessions":
                key = headers.get("idempotency-key", "")
                return self._reply(200, json.dumps(fake.create_session(form, key)).encode())
            if self.command == "GET" and path.startswith("/v1/checkout/sessions/"):
                session = fake.sessions.get(path.rsplit("/", 1)[1])
                if session is None:
                    return self._reply(404, b'{"error": {"type": "invalid_request_error"}}')
                return self._reply(200, json.dumps(session).encode())
            request = urllib.request.Request(  # noqa: S310 (localstripe on 127.0.0.1)
                fake.upstream + self.path,
                data=raw if self.command == "POST" else None,
                method=self.command,
                headers={
                    "Authorization": self.headers.get("Authorization", ""),
                    "Content-Type": self.headers.get(
                        "Content-Type", "application/x-www-form-urlencoded"
                    ),
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    return self._reply(response.status, response.read())
            except urllib.error.HTTPError as exc:
                return self._reply(exc.code, exc.read())

        do_GET = _handle
        do_POST = _handle
        do_DELETE = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_portal"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()
