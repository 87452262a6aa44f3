"""Development SMS gateway: the message goes to the log (and stays on the outbox page)."""

import logging
import uuid

from . import DeliveryStatus

logger = logging.getLogger("portal.sms")


class ConsoleGateway:
    name = "console"

    def send(self, *, sender: str, recipient: str, text: str, idempotency_key: str) -> str:
        logger.info("SMS from %s to %s [%s]: %s", sender, recipient, idempotency_key, text)
        return f"console-{uuid.uuid4().hex[:16]}"

    def statuses(self, message_ids: list[str]) -> list[DeliveryStatus]:
        # Nothing leaves the machine, so every message counts as delivered.
        return [DeliveryStatus(message_id=mid, status="delivered") for mid in message_ids]
