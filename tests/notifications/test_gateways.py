"""SMS gateways behind one interface: the outbox stores the gateway's id; refusals end at once."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifications import services
from notifications.gateways import GatewayError, GatewayRejected, get_gateway
from notifications.models import OutboxMessage


@pytest.mark.django_db
def test_it_stores_the_gateway_message_id(sms_gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.sms_enqueue(to="+48600100200", text="Przypomnienie", topic="t:1")

    message.refresh_from_db()
    [sent] = sms_gateway.sent
    assert message.status == OutboxMessage.Status.SENT
    assert message.gateway_message_id == sent.message_id
    assert sent.idempotency_key == f"outbox:{message.pk}"
    assert sent.sender == "Bramka SMS"


@pytest.mark.django_db
def test_a_passing_failure_keeps_the_message_pending(sms_gateway):
    sms_gateway.fail_next(GatewayError("timeout"))
    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.SMS, recipient="+48600100200", body_text="x"
    )

    with pytest.raises(services.DeliveryError):
        services.outbox_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert "timeout" in message.last_error
    assert services.outbox_deliver(message_id=message.pk) is True


@pytest.mark.django_db
def test_a_refusal_for_good_fails_the_message_without_retrying(sms_gateway):
    sms_gateway.reject_number("+48500000000", "nieprawidłowy numer")
    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.SMS, recipient="+48500000000", body_text="x"
    )

    assert services.outbox_deliver(message_id=message.pk) is False

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert "nieprawidłowy numer" in message.last_error
    assert sms_gateway.sent == []


def test_the_memory_gateway_delivers_a_key_once(sms_gateway):
    first = sms_gateway.send(sender="S", recipient="+48600100200", text="a", idempotency_key="k")
    again = sms_gateway.send(sender="S", recipient="+48600100200", text="a", idempotency_key="k")

    assert first == again
    assert len(sms_gateway.sent) == 1
    sms_gateway.set_status(first, "delivered")
    assert [s.status for s in sms_gateway.statuses([first])] == ["delivered"]


class _Gateway(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append({"path": self.path, "auth": self.headers["Authorization"], **body})
        if body.get("to") == "+48500000000":
            self.send_response(400)
            self.end_headers()
            return
        answer = {"id": "gw-1"} if self.path == "/send" else {"statuses": []}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_gateway(settings):  # type: ignore[no-untyped-def]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_TOKEN = "token-1"
    _Gateway.received = []
    yield get_gateway("http")
    server.shutdown()
    server.server_close()


def test_the_http_gateway_posts_json_with_the_token(http_gateway):
    message_id = http_gateway.send(
        sender="Agencja", recipient="+48600100200", text="Dzien dobry", idempotency_key="outbox:7"
    )

    assert message_id == "gw-1"
    [call] = _Gateway.received
    assert call["auth"] == "Bearer token-1"
    assert call["to"] == "+48600100200"
    assert call["idempotency_key"] == "outbox:7"


def test_the_http_gateway_reports_a_client_error_as_a_refusal(http_gateway):
    with pytest.raises(GatewayRejected):
        http_gateway.send(sender="A", recipient="+48500000000", text="x", idempotency_key="k")
