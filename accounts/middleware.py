from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .audit import security_event
from .sessions import session_expired


class SessionLifetimeMiddleware:
    """End sessions older than SESSION_ABSOLUTE_AGE, however active they were.

    The idle limit needs no code: SESSION_SAVE_EVERY_REQUEST pushes the cookie's
    30-minute expiry forward on each request, and the session store drops it after.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if session_expired(request):
            security_event("session.expired", request=request)
            request.session.flush()
        return self.get_response(request)
