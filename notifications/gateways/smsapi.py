"""SMSAPI.pl over plain HTTP: POST /sms.do with an OAuth token, JSON answers.

Errors come as {"error": 13, "message": "…"} with HTTP 200. Our message id goes
as `idx` with `check_idx=1`, so the same message sent again is refused by
SMSAPI instead of reaching the phone twice. That refusal means an earlier try
went through (its answer was lost on the way back): `send` returns an empty id
for it, the message counts as sent, and its delivery reports, which carry the
`idx`, find it by our id.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

from . import DeliveryStatus, GatewayError, GatewayRejected

# Refusals for good: invalid number, invalid sender, no points, message too long.
REJECTING = {8, 11, 13, 14, 103}
# The answer to a send whose idx SMSAPI already has (with check_idx=1): "idx
# already used". Not a failure: the earlier send with this idx was accepted. The
# code is taken from SMSAPI's list of error codes as we know it and could not be
# checked against the live service here; it lives in this one name.
DUPLICATE_IDX = 105

# Delivery-report codes (callback `status`) and status names (status query).
REPORT_CODES = {
    "401": "failed",  # NOT_FOUND
    "402": "undelivered",  # EXPIRED
    "403": "sent",
    "404": "delivered",
    "405": "undelivered",
    "406": "failed",
    "407": "undelivered",  # REJECTED
    "408": "sent",  # UNKNOWN: nothing final yet
    "409": "queued",
    "410": "sent",  # ACCEPTED by the operator
}
STATUS_NAMES = {
    "QUEUE": "queued",
    "ACCEPTED": "sent",
    "SENT": "sent",
    "DELIVERED": "delivered",
    "UNDELIVERED": "undelivered",
    "EXPIRED": "undelivered",
    "REJECTED": "undelivered",
    "FAILED": "failed",
    "NOT_FOUND": "failed",
    "UNKNOWN": "sent",
}


def report_status(code: str) -> str:
    return REPORT_CODES.get(code.strip(), "unknown")


def _error_code(body: dict[str, Any]) -> int | None:
    """SMSAPI's error code in an answer, or None when the answer is no error."""
    if "error" not in body:
        return None
    try:
        return int(body.get("error") or 0)
    except (TypeError, ValueError):
        return 0


class SmsApiGateway:
    name = "smsapi"

    def _call(self, method: str, params: dict[str, str]) -> dict[str, Any]:
        url = settings.SMSAPI_URL.rstrip("/") + "/sms.do"
        data = urllib.parse.urlencode({**params, "format": "json"})
        headers = {"Authorization": f"Bearer {settings.SMSAPI_TOKEN}"}
        if method == "GET":
            request = urllib.request.Request(f"{url}?{data}", headers=headers)  # noqa: S310
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            request = urllib.request.Request(  # noqa: S310 - the URL is our configuration
                url, data=data.encode(), headers=headers, method="POST"
            )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise GatewayError(f"SMSAPI HTTP {exc.code}") from exc
        except (OSError, ValueError) as exc:
            raise GatewayError(f"SMSAPI: {exc}") from exc

    @staticmethod
    def _raise_for(body: dict[str, Any]) -> None:
        code = _error_code(body)
        if code is None:
            return
        message = str(body.get("message", ""))
        if code in REJECTING:
            raise GatewayRejected(f"SMSAPI {code}: {message}", code=str(code))
        raise GatewayError(f"SMSAPI {code}: {message}")

    def send(self, *, sender: str, recipient: str, text: str, idempotency_key: str) -> str:
        params = {
            "to": recipient.lstrip("+"),
            "from": sender,
            "message": text,
            "encoding": "utf-8",
            "idx": idempotency_key,
            "check_idx": "1",
        }
        if settings.SMS_REPORT_SECRET:
            params["notify_url"] = (
                f"{settings.PORTAL_BASE_URL}/sms/raport/{settings.SMS_REPORT_SECRET}/"
            )
        body = self._call("POST", params)
        if _error_code(body) == DUPLICATE_IDX:
            return ""  # accepted before, under this idx; SMSAPI does not repeat its id
        self._raise_for(body)
        items = body.get("list") or []
        if not items:
            raise GatewayError("SMSAPI: no message in the answer")
        return str(items[0]["id"])

    def statuses(self, message_ids: list[str]) -> list[DeliveryStatus]:
        if not message_ids:
            return []
        body = self._call("GET", {"status": "|".join(message_ids)})
        self._raise_for(body)
        return [
            DeliveryStatus(
                message_id=str(item["id"]),
                status=STATUS_NAMES.get(str(item.get("status", "")).upper(), "unknown"),
                detail=str(item.get("status", "")),
            )
            for item in body.get("list", [])
        ]
