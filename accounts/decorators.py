from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from .audit import security_event
from .roles import Role

View = Callable[..., HttpResponseBase]


def role_required(role: Role, *, login_url: str | None = None) -> Callable[[View], View]:
    """Let in only logged-in users holding `role`; others go to login or get 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url)
            if not user.has_role(role):
                security_event(
                    "access.refused", request=request, who=f"user:{user.pk}", role=str(role)
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def no_referrer(view: View) -> View:
    """For pages reached by a token link: the URL must not leak in a Referer header."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped
