"""In-memory SMS gateway for tests: what was sent can be read, failures can be scripted.

    gateway = get_gateway("memory")
    gateway.fail_next(GatewayError("timeout"))      # the next send raises this
    gateway.reject_number("+48500000000", "invalid") # every send to it is refused
    gateway.sent[-1].text
    gateway.set_status(message_id, "delivered")      # what statuses() answers

A key sent twice is delivered once: the second send returns the first id, as a
gateway with idempotency keys does.
"""

import itertools
import threading
from dataclasses import dataclass

from . import DeliveryStatus, GatewayError, GatewayRejected


@dataclass(frozen=True)
class SentSms:
    message_id: str
    sender: str
    recipient: str
    text: str
    idempotency_key: str


class MemoryGateway:
    name = "memory"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.sent: list[SentSms] = []
            self._by_key: dict[str, str] = {}
            self._failures: list[GatewayError] = []
            self._rejected: dict[str, str] = {}
            self._status: dict[str, str] = {}
            self._ids = itertools.count(1)

    def fail_next(self, *errors: GatewayError) -> None:
        with self._lock:
            self._failures.extend(errors)

    def reject_number(self, recipient: str, reason: str) -> None:
        with self._lock:
            self._rejected[recipient] = reason

    def set_status(self, message_id: str, status: str) -> None:
        with self._lock:
            self._status[message_id] = status

    def send(self, *, sender: str, recipient: str, text: str, idempotency_key: str) -> str:
        with self._lock:
            if self._failures:
                raise self._failures.pop(0)
            if recipient in self._rejected:
                raise GatewayRejected(self._rejected[recipient], code="rejected")
            if idempotency_key and idempotency_key in self._by_key:
                return self._by_key[idempotency_key]
            message_id = f"mem-{next(self._ids)}"
            self.sent.append(SentSms(message_id, sender, recipient, text, idempotency_key))
            self._status[message_id] = "sent"
            if idempotency_key:
                self._by_key[idempotency_key] = message_id
            return message_id

    def statuses(self, message_ids: list[str]) -> list[DeliveryStatus]:
        with self._lock:
            return [
                DeliveryStatus(message_id=mid, status=self._status[mid])
                for mid in message_ids
                if mid in self._status
            ]
