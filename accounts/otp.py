"""The second factor: TOTP (enrolled by QR code on first login) and recovery codes.

A login with a second factor has two steps. The password step (PortalLoginForm,
with its lock-out) does not log the user in: it remembers, in the session, who
passed it and when. The code step then verifies a TOTP or recovery code and
only then calls Django's login() with the device, so a session is never
authenticated on a password alone. Pages behind `verified_role_required`
additionally demand that the session was verified by a device.
"""

import base64
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

import segno
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import ratelimit
from .audit import security_event
from .decorators import role_required
from .models import User
from .roles import Role

PENDING_KEY = "_portal_2fa_pending"
PENDING_AGE = 5 * 60  # seconds between the password and the code
RECOVERY_CODES_KEY = "_portal_2fa_new_codes"
RECOVERY_CODE_COUNT = 10
ISSUER = "Portal"
# What proves a second factor for the agents', staff's and partners' pages. A subscriber's
# SMS password verifies a session too (django-otp's is_verified()), but only for their own.
AUTHENTICATOR_MODELS: tuple[type[Device], ...] = (TOTPDevice, StaticDevice)
# Wrong one-time codes for one account: 5 within 15 minutes lock it for 15 minutes.
OTP_LIMIT = ratelimit.Limit("otp-account", max_failures=5, window=900, lockout=900)

View = Callable[..., HttpResponseBase]


class Locked(Exception):
    """Too many wrong codes for this account: refuse even a right one until the lock ends."""

    def __init__(self, decision: ratelimit.Decision) -> None:
        super().__init__("locked")
        self.decision = decision


def begin(request: HttpRequest, user: User, next_url: str = "") -> None:
    """The password was right: remember the user until the code step (not logged in yet)."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", ""),
        "at": time.time(),
        "next": next_url,
    }


def pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_AGE:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def pending_next(request: HttpRequest) -> str:
    pending = request.session.get(PENDING_KEY) or {}
    next_url = pending.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def has_confirmed_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device shown as a QR code until its first code is entered."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Aplikacja uwierzytelniająca", confirmed=False
        )
    return device


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code, inline (CSP allows data: images only)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _clean(code: str) -> str:
    return "".join(ch for ch in code if ch.isalnum()).lower()


def verify_code(request: HttpRequest, user: User, code: str) -> Device | None:
    """A TOTP code or an unused recovery code of the user; counts failures per account."""
    key = f"user:{user.pk}"
    attempt = ratelimit.attempt((OTP_LIMIT, key))  # counted first; may raise Unavailable
    if attempt.refused:
        security_event("otp.throttled", request=request, who=f"user:{user.pk}")
        raise Locked(attempt.decision)
    token = _clean(code)
    device: Device | None = None
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if token.isdigit() and len(token) == 6 and totp is not None:
        with transaction.atomic():
            totp = TOTPDevice.objects.select_for_update().get(pk=totp.pk)
            device = totp if totp.verify_token(token) else None
    if device is None and token:
        static = StaticDevice.objects.filter(user=user, confirmed=True).first()
        if static is not None and static.verify_token(token):
            device = static
            security_event("otp.recovery_code_used", request=request, who=f"user:{user.pk}")
    if device is None:
        attempt.failed()
        security_event("otp.failure", request=request, who=f"user:{user.pk}")
        return None
    attempt.succeeded()
    ratelimit.clear(OTP_LIMIT, key)
    return device


def confirm_enrolment(request: HttpRequest, user: User, code: str) -> Device | None:
    """First login: the code proves the app holds the secret; confirm it, issue recovery codes."""
    key = f"user:{user.pk}"
    attempt = ratelimit.attempt((OTP_LIMIT, key))  # counted first; may raise Unavailable
    if attempt.refused:
        security_event("otp.throttled", request=request, who=f"user:{user.pk}")
        raise Locked(attempt.decision)
    device = enrolment_device(user)
    token = _clean(code)
    if not (token.isdigit() and len(token) == 6 and device.verify_token(token)):
        attempt.failed()
        security_event("otp.enrol_failure", request=request, who=f"user:{user.pk}")
        return None
    attempt.succeeded()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    request.session[RECOVERY_CODES_KEY] = recovery_codes_issue(user)
    security_event("otp.enrolled", request=request, who=f"user:{user.pk}")
    return device


@transaction.atomic
def recovery_codes_issue(user: User) -> list[str]:
    """Ten new single-use recovery codes; the previous ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Kody zapasowe", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def complete_login(request: HttpRequest, user: User, device: Device) -> None:
    """Both factors passed: log in with the device (django-otp marks the session verified)."""
    request.session.pop(PENDING_KEY, None)
    user.otp_device = device  # type: ignore[attr-defined]  # django-otp's user_logged_in handler persists it
    codes = request.session.get(RECOVERY_CODES_KEY)
    auth_login(request, user)
    if codes:
        request.session[RECOVERY_CODES_KEY] = codes


def verified_by(request: HttpRequest, models: tuple[type[Device], ...]) -> bool:
    """The session was verified (django-otp) by a device of one of these kinds."""
    user = request.user
    is_verified = getattr(user, "is_verified", None)  # set by SecondFactorMiddleware
    if not user.is_authenticated or is_verified is None or not is_verified():
        return False
    device_id = str(request.session.get(DEVICE_ID_SESSION_KEY, ""))
    return any(device_id.startswith(f"{model.model_label()}/") for model in models)


def verified_by_authenticator(request: HttpRequest) -> bool:
    """The session was verified by an authenticator app's code or a recovery code."""
    return verified_by(request, AUTHENTICATOR_MODELS)


def verified_role_required(role: Role, *, login_url: str) -> Callable[[View], View]:
    """Role plus a session verified by a second factor; otherwise back to `login_url`."""

    def decorator(view: View) -> View:
        role_checked = role_required(role, login_url=login_url)(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if user.is_authenticated and not verified_by_authenticator(request):
                return redirect_to_login(request.get_full_path(), login_url)
            return role_checked(request, *args, **kwargs)

        return wrapped

    return decorator
