"""Security events: logins, failures, refusals and throttling.

One line per event on the `portal.security` logger: UTC time (from the
formatter), the event, who, and the client's IP. Never a PESEL, code,
password or one-time code: callers pass who they are about (a user id, an
offer number), not what was typed.
"""

import logging
from typing import Any

from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from .network import client_ip
from .sessions import session_stamp

logger = logging.getLogger("portal.security")


def security_event(
    event: str, *, request: HttpRequest | None = None, who: str = "-", **details: Any
) -> None:
    ip = client_ip(request) if request is not None else "-"
    extra = " ".join(f"{key}={value}" for key, value in sorted(details.items()))
    logger.info("event=%s who=%s ip=%s %s", event, who, ip, extra)


def _on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    # Django's login() has just rotated the session key; start the 12-hour clock.
    session_stamp(request)
    security_event("login.success", request=request, who=f"user:{user.pk}")


def _on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    security_event("logout", request=request, who=f"user:{getattr(user, 'pk', '-')}")


def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The username is what was typed; it may be anything, so it is not logged.
    security_event("login.failure", request=request)


def connect_auth_signals() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="portal.audit.login")
    user_logged_out.connect(_on_logout, dispatch_uid="portal.audit.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="portal.audit.failed")
