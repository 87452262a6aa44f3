from collections.abc import Callable
from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified
from django_otp.models import Device

from .audit import security_event
from .sessions import session_expired, session_touch


class SessionLifetimeMiddleware:
    """End sessions older than SESSION_ABSOLUTE_AGE; keep active ones from idling out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if session_expired(request):
            security_event("session.expired", request=request)
            request.session.flush()
        else:
            session_touch(request)
        return self.get_response(request)


class SecondFactorMiddleware:
    """django-otp's OTPMiddleware, without a query of its own on each request.

    Like django-otp's, it sets `request.user.otp_device` to the device that
    verified the session (or None) and `request.user.is_verified()`. The session
    names the device by its persistent id; `PortalModelBackend` loaded the ids of
    the user's confirmed devices together with the user, so the check is a set
    lookup, and the device itself is read only if a page asks for it. A device
    deleted or unconfirmed since the login no longer verifies the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None:
            # Lazy, as Django's own AuthenticationMiddleware sets it.
            request.user = SimpleLazyObject(partial(self._verify, request, user))  # type: ignore[assignment]  # lazy, like Django's own
        return self.get_response(request)

    @staticmethod
    def _verify(request: HttpRequest, user: Any) -> Any:
        user.otp_device = None
        user.is_verified = partial(is_verified, user)
        if not user.is_authenticated:
            return user
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if not persistent_id:
            return user
        known = getattr(user, "_otp_device_ids", None)
        if known is None:  # loaded by another backend: ask the database
            device = Device.from_persistent_id(persistent_id)
            if device is not None and device.user_id == user.pk and device.confirmed:
                user.otp_device = device
        elif persistent_id in known:
            user.otp_device = SimpleLazyObject(partial(Device.from_persistent_id, persistent_id))
        if user.otp_device is None:
            del request.session[DEVICE_ID_SESSION_KEY]
        return user
