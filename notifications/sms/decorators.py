from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase

from accounts.models import Organisation, User
from accounts.organisations import owned_by_user

from .models import Agency

View = Callable[..., HttpResponseBase]
SESSION_KEY = f"organisation:{Organisation.Kind.SMS_AGENCY}"


def request_user(request: HttpRequest) -> User:
    """The logged-in user of a view that let only logged-in users in (ours or the admin's)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied  # a view without its login check: never serve it anonymously
    return user


def agency_for(request: HttpRequest) -> Agency | None:
    """The agency the user acts for, through their membership (the session may pick one)."""
    mine = owned_by_user(
        Agency.objects.select_related("organisation"), request_user(request), via="organisation"
    ).order_by("pk")
    chosen = request.session.get(SESSION_KEY)
    if chosen:
        agency = mine.filter(organisation_id=chosen).first()
        if agency is not None:
            return agency
    return mine.first()


def agency_required(view: View) -> View:
    """Let in members of an SMS agency; `request.agency` is theirs (found via membership)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "sms:login")
        agency = agency_for(request)
        if agency is None:
            raise Http404("no SMS agency")
        request.agency = agency  # type: ignore[attr-defined]  # the views read it
        return view(request, *args, **kwargs)

    return wrapped
