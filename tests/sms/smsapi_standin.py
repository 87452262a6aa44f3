"""A local stand-in for SMSAPI.pl: POST /sms.do answers as SMSAPI does, errors with HTTP 200."""

import itertools
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# What SMSAPI answers to a send whose idx it already has (with check_idx=1).
DUPLICATE_IDX = 105


class SmsApiStandIn:
    def __init__(self, token: str = "test-token") -> None:  # noqa: S107 - a test stand-in
        self.token = token
        self.requests: list[dict[str, str]] = []
        self.by_idx: dict[str, dict[str, Any]] = {}
        self.status: dict[str, str] = {}
        self.errors: dict[str, int] = {}  # number -> error code
        self.next_error: int | None = None
        # Accept the next send, then close the connection without an answer: the
        # answer lost on the way back, while the message is on its way to the phone.
        self.drop_next_answer = False
        self.ids = itertools.count(1000)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "SmsApiStandIn":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def report_query(self, message_id: str, code: str, name: str) -> str:
        """The query string SMSAPI's delivery report carries to the notify_url."""
        sent = self.by_idx_for(message_id)
        return urllib.parse.urlencode(
            {
                "MsgId": message_id,
                "status": code,
                "status_name": name,
                "idx": sent["idx"],
                "donedate": "1764619200",
                "to": sent["number"],
            }
        )

    def by_idx_for(self, message_id: str) -> dict[str, Any]:
        return next(v for v in self.by_idx.values() if v["id"] == message_id)

    def _answer(self, params: dict[str, str], auth: str) -> dict[str, Any]:
        if auth != f"Bearer {self.token}":
            return {"error": 101, "message": "Authorization failed"}
        if "status" in params:
            ids = params["status"].split("|")
            return {
                "count": len(ids),
                "list": [{"id": i, "status": self.status.get(i, "NOT_FOUND")} for i in ids],
            }
        if self.next_error is not None:
            code, self.next_error = self.next_error, None
            return {"error": code, "message": "scripted"}
        number = params.get("to", "")
        if number in self.errors:
            return {"error": self.errors[number], "message": "Invalid phone number"}
        idx = params.get("idx", "")
        if params.get("check_idx") == "1" and idx in self.by_idx:
            # SMSAPI refuses a repeated idx, with an error as every error: HTTP 200.
            return {"error": DUPLICATE_IDX, "message": "Duplicated idx"}
        item = {
            "id": str(next(self.ids)),
            "points": 0.16,
            "number": number,
            "date_sent": 1764619200,
            "submitted_number": number,
            "status": "QUEUE",
            "parts": 1,
            "idx": idx,
        }
        self.by_idx[idx] = item
        self.status[item["id"]] = "QUEUE"
        return {"count": 1, "list": [item]}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def _reply(self, params: dict[str, str]) -> None:
                standin.requests.append(params)
                body = json.dumps(standin._answer(params, self.headers.get("Authorization", "")))
                if standin.drop_next_answer and "status" not in params:
                    standin.drop_next_answer = False
                    self.close_connection = True
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length).decode()
                self._reply(dict(urllib.parse.parse_qsl(raw)))

            def do_GET(self) -> None:  # noqa: N802
                query = urllib.parse.urlsplit(self.path).query
                self._reply(dict(urllib.parse.parse_qsl(query)))

        return Handler
