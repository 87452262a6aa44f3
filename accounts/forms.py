from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import ratelimit
from .audit import security_event
from .models import Membership, User
from .network import client_ip

# Five wrong passwords for one account within 15 minutes lock it for 15 minutes.
ACCOUNT_LOGIN_LIMIT = ratelimit.Limit("login-account", max_failures=5, window=900, lockout=900)
# One address guessing across many accounts is stopped too, a little later.
IP_LOGIN_LIMIT = ratelimit.Limit("login-ip", max_failures=20, window=900, lockout=900)


def locked_message(decision: ratelimit.Decision) -> str:
    minutes = decision.retry_after_minutes
    return ngettext(
        "Po 5 nieudanych próbach logowanie jest zablokowane. Spróbuj ponownie za %(n)d minutę.",
        "Po 5 nieudanych próbach logowanie jest zablokowane. Spróbuj ponownie za %(n)d minut.",
        minutes,
    ) % {"n": minutes}


class PortalLoginForm(AuthenticationForm):
    """Username and password, with the shared lock-out rules around authenticate()."""

    error_messages = {
        "invalid_login": _("Nieprawidłowa nazwa użytkownika lub hasło."),
        "inactive": _("To konto jest nieaktywne."),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Nazwa użytkownika")
        self.fields["password"].label = _("Hasło")

    def _keys(self, username: str) -> tuple[str, str]:
        ip = client_ip(self.request) if self.request else "unknown"
        return f"user:{username.strip().lower()}", f"ip:{ip}"

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        account_key, ip_key = self._keys(username)
        # Counted before the password is hashed: a refused attempt costs no hash,
        # and guesses sent at once cannot pass the limit together.
        try:
            attempt = ratelimit.attempt(
                (ACCOUNT_LOGIN_LIMIT, account_key), (IP_LOGIN_LIMIT, ip_key)
            )
        except ratelimit.Unavailable:
            security_event("login.limiter_unavailable", request=self.request)
            raise forms.ValidationError(ratelimit.UNAVAILABLE_MESSAGE, code="unavailable") from None
        if attempt.refused:
            security_event("login.throttled", request=self.request)
            raise forms.ValidationError(locked_message(attempt.decision), code="locked")

        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            account, ip = attempt.failed()
            if account.locked or ip.locked:
                security_event("login.locked", request=self.request)
                decision = account if account.locked else ip
                raise forms.ValidationError(locked_message(decision), code="locked")
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        attempt.succeeded()
        ratelimit.clear(ACCOUNT_LOGIN_LIMIT, account_key)
        return self.cleaned_data


class InvitationForm(forms.Form):
    """An owner's invitation: whom, and as what."""

    email = forms.EmailField(label=_("Adres e-mail osoby zapraszanej"), max_length=254)
    role = forms.ChoiceField(
        label=_("Rola w organizacji"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
    )


class InvitationSignupForm(BaseUserCreationForm):
    """An invitee without an account sets one up; the e-mail comes from the invitation."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name")
        labels = {
            "username": _("Nazwa użytkownika"),
            "first_name": _("Imię"),
            "last_name": _("Nazwisko"),
        }

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.email = email
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["password1"].label = _("Hasło")
        self.fields["password2"].label = _("Hasło (powtórz)")
