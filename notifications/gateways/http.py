"""SMS gateway reached over HTTP: POST JSON, bearer token, answer {"id": "..."}."""

import json
import urllib.request

from django.conf import settings


class GatewayError(Exception):
    pass


def send(*, sender: str, recipient: str, text: str) -> str:
    payload = json.dumps({"from": sender, "to": recipient, "text": text}).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is our own configuration
        settings.SMS_GATEWAY_URL,
        data=payload,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            body = json.loads(response.read() or b"{}")
    except (OSError, ValueError) as exc:
        raise GatewayError(str(exc)) from exc
    return str(body.get("id", ""))
