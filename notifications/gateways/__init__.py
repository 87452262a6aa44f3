"""SMS gateways behind one interface, chosen by the SMS_GATEWAY setting.

In the shape of `payments.providers`: a Protocol, implementations in modules of
their own, and `get_gateway()`. `send()` returns the gateway's message id, which
the outbox stores so that delivery reports can find their message.

- console: development; the text goes to the log (and the outbox page).
- memory: tests; keeps what was sent and lets a test script failures.
- http: a generic JSON gateway (SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN).
- smsapi: SMSAPI.pl (SMSAPI_URL, SMSAPI_TOKEN), with delivery reports to /sms/raport/.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class GatewayError(Exception):
    """The gateway could not take the message now; sending again later may work."""


class GatewayRejected(GatewayError):
    """The gateway refused the message for good (invalid number, sender, no credit)."""

    def __init__(self, reason: str, *, code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class DeliveryStatus:
    """What the gateway says of one message: one of the names in `STATUSES`."""

    message_id: str
    status: str
    at: datetime | None = None
    detail: str = ""


# The transport states a gateway may report, in the order a message moves through them.
STATUSES = ("queued", "sent", "delivered", "undelivered", "failed")


class SmsGateway(Protocol):
    name: str

    def send(self, *, sender: str, recipient: str, text: str, idempotency_key: str) -> str:
        """Hand one SMS over and return the gateway's id for it.

        `idempotency_key` is ours (e.g. "outbox:17"): a gateway that supports it
        must not deliver twice a message sent again under the same key. An empty
        id means the gateway had taken this key before without naming its id again.
        """
        ...

    def statuses(self, message_ids: list[str]) -> list[DeliveryStatus]:
        """Ask the gateway for the current status of these messages."""
        ...


GATEWAYS = {
    "console": "notifications.gateways.console.ConsoleGateway",
    "memory": "notifications.gateways.memory.MemoryGateway",
    "http": "notifications.gateways.http.HttpGateway",
    "smsapi": "notifications.gateways.smsapi.SmsApiGateway",
}

_instances: dict[str, SmsGateway] = {}


def get_gateway(name: str | None = None) -> SmsGateway:
    """The configured gateway (one instance per process and name)."""
    name = name or settings.SMS_GATEWAY
    if name not in _instances:
        path = GATEWAYS.get(name, name)  # a dotted path selects a gateway of one's own
        _instances[name] = import_string(path)()
    return _instances[name]
