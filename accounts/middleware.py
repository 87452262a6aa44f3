from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
