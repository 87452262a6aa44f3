"""SMS gateway reached over HTTP: POST JSON, bearer token, answer {"id": "..."}."""

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from . import DeliveryStatus, GatewayError, GatewayRejected


class HttpGateway:
    name = "http"

    def _call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - the URL is our own configuration
            settings.SMS_GATEWAY_URL.rstrip("/") + path,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500:
                raise GatewayRejected(f"HTTP {exc.code}", code=str(exc.code)) from exc
            raise GatewayError(f"HTTP {exc.code}") from exc
        except (OSError, ValueError) as exc:
            raise GatewayError(str(exc)) from exc

    def send(self, *, sender: str, recipient: str, text: str, idempotency_key: str) -> str:
        body = self._call(
            "", {"from": sender, "to": recipient, "text": text, "idempotency_key": idempotency_key}
        )
        return str(body.get("id", ""))

    def statuses(self, message_ids: list[str]) -> list[DeliveryStatus]:
        body = self._call("/status", {"ids": message_ids})
        return [
            DeliveryStatus(message_id=str(item["id"]), status=str(item["status"]))
            for item in body.get("statuses", [])
        ]
