"""The partner's pages. Every page states the right it needs; rows are found through the company."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.audit import security_event
from accounts.forms import PortalLoginForm
from accounts.roles import Role
from accounts.views import TwoFactorLoginView

from . import selectors
from .access import partner_required
from .models import Level, PartnerProfile, Right
from .rights import explain, next_level_of, profile_of


class PartnerLoginView(TwoFactorLoginView):
    """User name and password; companies whose level needs it go on to the TOTP step."""

    namespace = "partners"
    role = Role.PARTNER
    template_name = "partners/login.html"

    def form_valid(self, form: PortalLoginForm) -> HttpResponse:
        user = form.get_user()
        profile = profile_of(user) if user.has_role(Role.PARTNER) else None
        if profile is None:
            security_event("access.refused", request=self.request, who=f"user:{user.pk}")
            form.add_error(None, _("To konto nie należy do firmy partnerskiej."))
            return self.form_invalid(form)
        today = timezone.localdate()
        if (
            profile.level.requires_second_factor
            or profile.effective_level(today).requires_second_factor
        ):
            return super().form_valid(form)
        auth_login(self.request, user)
        return redirect(self.get_redirect_url() or "partners:home")


login = PartnerLoginView.as_view(extra_context={"heading": gettext_lazy("Logowanie partnera")})


@partner_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    partner = request.partner  # type: ignore[attr-defined]
    profile = partner.profile
    context = {
        "partner": partner,
        "profile": profile,
        "expired": partner.level.pk != profile.level_id,
        "held": selectors.rights_held(partner),
        "next": next_level_of(profile, partner.today),
        "readiness": selectors.application_readiness(profile),
    }
    return render(request, "partners/home.html", context)


@staff_member_required
@require_GET
def view_as(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: every right of a company as it stands, or as it would be at level N."""
    profile = get_object_or_404(
        PartnerProfile.objects.select_related("organisation", "level"), pk=pk
    )
    level = None
    number = request.GET.get("poziom", "")
    if number.isdigit():
        level = Level.objects.filter(pk=int(number)).first()
        if level is None:
            messages.error(request, _("Nie ma takiego poziomu."))
    today = timezone.localdate()
    rows = [explain(profile, right, today=today, level=level) for right in Right.objects.all()]
    context = {
        "profile": profile,
        "rows": rows,
        "levels": Level.objects.all(),
        "viewed": level or profile.effective_level(today),
    }
    return render(request, "partners/view_as.html", context)
