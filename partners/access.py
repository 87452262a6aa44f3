"""The entrance of every partner page: a partner user, their company, the right the page needs."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts.audit import security_event
from accounts.models import Organisation, User
from accounts.otp import verified_by_authenticator
from accounts.roles import Role

from .models import Level, PartnerProfile, Right
from .rights import explain, held_rights, profile_of, rights_of

View = Callable[..., HttpResponseBase]
LOGIN_URL = "partners:login"


@dataclass
class PartnerContext:
    """The company the request acts for, read once per request."""

    user: User
    profile: PartnerProfile
    level: Level  # the level whose rights apply today
    rights: frozenset[str]
    today: date

    @property
    def company(self) -> Organisation:
        return self.profile.organisation

    def has(self, code: str) -> bool:
        return code in self.rights

    @property
    def held(self) -> list[Right]:
        """The rights' rows, read with the codes (navigation and pages share them)."""
        return held_rights(self.profile, self.today)


def partner_context(request: HttpRequest) -> PartnerContext | None:
    cached = getattr(request, "partner", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]  # only this function stores it
    user = request.user
    if not isinstance(user, User) or not user.has_role(Role.PARTNER):  # anonymous, or no partner
        return None
    profile = profile_of(user)
    if profile is None:
        return None
    today = timezone.localdate()
    context = PartnerContext(
        user=user,
        profile=profile,
        level=profile.effective_level(today),
        rights=rights_of(profile, today),
        today=today,
    )
    request.partner = context  # type: ignore[attr-defined]  # per-request cache, read above
    return context


def current_partner(request: HttpRequest) -> PartnerContext:
    """The context `partner_required` established for this request."""
    partner = partner_context(request)
    if partner is None:  # only reachable without partner_required in front
        raise PermissionDenied
    return partner


def _needs_second_factor(request: HttpRequest, partner: PartnerContext) -> bool:
    # The company's own level decides (an expired technician keeps the stricter login).
    strict = partner.profile.level.requires_second_factor or partner.level.requires_second_factor
    return strict and not verified_by_authenticator(request)


def partner_required(view: View) -> View:
    """A logged-in user of a partner company (with a verified second factor where required)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(LOGIN_URL))
        partner = partner_context(request)
        if partner is None:
            security_event("access.refused", request=request, who=f"user:{request.user.pk}")
            return render(request, "partners/not_partner.html", status=403)
        if _needs_second_factor(request, partner):
            return redirect_to_login(request.get_full_path(), reverse(LOGIN_URL))
        return view(request, *args, **kwargs)

    return wrapped


def forbidden(request: HttpRequest, partner: PartnerContext, code: str) -> HttpResponse:
    """The 403 page: which level gives the right and how to apply for it."""
    right = Right.objects.get(code=code)
    explanation = explain(partner.profile, right, today=partner.today)
    security_event(
        "access.refused", request=request, who=f"user:{request.user.pk}", role=f"right:{code}"
    )
    context = {"partner": partner, "explanation": explanation, "right": right}
    return render(request, "partners/forbidden.html", context, status=403)


def right_required(code: str) -> Callable[[View], View]:
    """Let in only users whose company holds right `code` today; others get the 403 page."""

    def decorator(view: View) -> View:
        @partner_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            partner = current_partner(request)
            if not partner.has(code):
                return forbidden(request, partner, code)
            return view(request, *args, **kwargs)

        wrapped.required_right = code  # type: ignore[attr-defined]  # read by the navigation
        return wrapped

    return decorator
