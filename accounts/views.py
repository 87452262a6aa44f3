from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import otp, ratelimit
from .audit import security_event
from .forms import PortalLoginForm, locked_message
from .roles import Role


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = PortalLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


login = LoginView.as_view()
logout = auth_views.LogoutView.as_view()


# Two-factor login (agents, staff; partners may reuse it) ------------------------
#
# The URLs pass `namespace` (where the steps' URL names live: "<ns>:login",
# "<ns>:login-otp", "<ns>:login-setup", "<ns>:login-codes"), the `role` the
# area needs and `success_url` (a URL name). accounts imports no other app.


def may_enter(user: Any, role: Role) -> bool:
    """The staff's area is the admin: Django's `is_staff` opens it; other areas need the role."""
    if role == Role.STAFF:
        return bool(user.is_active and user.is_staff)
    return bool(user.has_role(role))


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kod z aplikacji lub kod zapasowy"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class TwoFactorLoginView(auth_views.LoginView):
    """Password step: checks password, lock-out and role, then hands over to the code step."""

    form_class = PortalLoginForm
    template_name = "accounts/login.html"
    namespace = ""
    role: Role | None = None

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if self.role is not None and not may_enter(user, self.role):
            security_event(
                "access.refused", request=self.request, who=f"user:{user.pk}", role=str(self.role)
            )
            form.add_error(None, _("To konto nie ma dostępu do tej części portalu."))
            return self.form_invalid(form)
        otp.begin(self.request, user, self.get_redirect_url())
        step = "login-otp" if otp.has_confirmed_totp(user) else "login-setup"
        return redirect(f"{self.namespace}:{step}")


def _code_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def otp_verify(
    request: HttpRequest, *, namespace: str, role: Role, success_url: str, heading: str = ""
) -> HttpResponse:
    """Code step: a TOTP code (or a recovery code) completes the login."""
    user = otp.pending_user(request)
    if user is None:
        return redirect(f"{namespace}:login")
    if not otp.has_confirmed_totp(user):
        return redirect(f"{namespace}:login-setup")
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = otp.verify_code(request, user, form.cleaned_data["code"])
        except otp.Locked as locked:
            form.add_error(None, locked_message(locked.decision))
        except ratelimit.Unavailable:
            form.add_error(None, ratelimit.UNAVAILABLE_MESSAGE)
        else:
            if device is not None:
                next_url = otp.pending_next(request)
                otp.complete_login(request, user, device)
                return redirect(next_url or success_url)
            form.add_error(
                "code", _("Nieprawidłowy kod. Sprawdź czas w telefonie i spróbuj ponownie.")
            )
    return _code_page(request, "accounts/otp_verify.html", {"form": form, "heading": heading})


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def otp_setup(
    request: HttpRequest, *, namespace: str, role: Role, success_url: str, heading: str = ""
) -> HttpResponse:
    """First login: show the QR code of a new TOTP secret and confirm it with one code."""
    user = otp.pending_user(request)
    if user is None:
        return redirect(f"{namespace}:login")
    if otp.has_confirmed_totp(user):
        return redirect(f"{namespace}:login-otp")
    device = otp.enrolment_device(user)
    form = OtpCodeForm(request.POST or None)
    form.fields["code"].label = _("Kod z aplikacji (6 cyfr)")
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = otp.confirm_enrolment(request, user, form.cleaned_data["code"])
        except otp.Locked as locked:
            form.add_error(None, locked_message(locked.decision))
        except ratelimit.Unavailable:
            form.add_error(None, ratelimit.UNAVAILABLE_MESSAGE)
        else:
            if confirmed is not None:
                otp.complete_login(request, user, confirmed)
                return redirect(f"{namespace}:login-codes")
            form.add_error(
                "code", _("Nieprawidłowy kod. Zeskanuj kod QR ponownie i wpisz nowy kod.")
            )
    context = {
        "form": form,
        "heading": heading,
        "qr": otp.qr_data_uri(device),
        "secret": otp.base32_secret(device),
    }
    return _code_page(request, "accounts/otp_setup.html", context)


@require_http_methods(["GET", "POST"])
def otp_recovery_codes(
    request: HttpRequest, *, namespace: str, role: Role, success_url: str, heading: str = ""
) -> HttpResponse:
    """Show the new recovery codes once (GET); POST issues a fresh set for a verified user."""
    user = request.user
    verified = otp.verified_by_authenticator(request)
    if not user.is_authenticated or not verified or not may_enter(user, role):
        return redirect(f"{namespace}:login")
    if request.method == "POST":
        request.session[otp.RECOVERY_CODES_KEY] = otp.recovery_codes_issue(user)
        security_event("otp.recovery_codes_reissued", request=request, who=f"user:{user.pk}")
        return redirect(f"{namespace}:login-codes")
    codes = request.session.pop(otp.RECOVERY_CODES_KEY, None)
    return _code_page(
        request,
        "accounts/otp_codes.html",
        {"codes": codes, "heading": heading, "success_url": success_url, "namespace": namespace},
    )


# The admin opens only after this login (accounts.admin_site, accounts.staff_urls).
staff_login = TwoFactorLoginView.as_view(
    namespace="staff", role=Role.STAFF, extra_context={"heading": _("Logowanie obsługi portalu")}
)
