"""The staff's two-step login, in front of the admin (see accounts.admin_site)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .roles import Role

app_name = "staff"

_otp = {
    "namespace": "staff",
    "role": Role.STAFF,
    "success_url": "admin:index",
    "heading": _("Logowanie obsługi portalu"),
}

urlpatterns = [
    path("logowanie/", views.staff_login, name="login"),
    path("logowanie/kod/", views.otp_verify, _otp, name="login-otp"),
    path("logowanie/konfiguracja/", views.otp_setup, _otp, name="login-setup"),
    path("logowanie/kody-zapasowe/", views.otp_recovery_codes, _otp, name="login-codes"),
]
