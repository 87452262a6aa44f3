"""Development SMS gateway: the message goes to the log (and stays on the outbox page)."""

import logging

logger = logging.getLogger("portal.sms")


def send(*, sender: str, recipient: str, text: str) -> str:
    logger.info("SMS from %s to %s: %s", sender, recipient, text)
    return "console"
