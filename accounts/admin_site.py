"""The admin behind the portal's own two-step login.

Staff see every client's link and personal data, so the admin opens only to a
session verified by a second factor (TOTP, enrolled like the agents'), and the
password is checked by the portal's login form, with its limiter and lock-out.
The admin's own password form is never shown: `/admin/login/` sends staff to
the two-step login of `accounts.staff_urls`.
"""

from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .otp import verified_by_authenticator


class PortalAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and verified_by_authenticator(request)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = ""
        return redirect_to_login(next_url or reverse("admin:index"), reverse("staff:login"))
