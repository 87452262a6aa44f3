from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts import views as accounts_views
from accounts.roles import Role

from . import views

app_name = "partners"

# The two-factor steps of the partner's login, for companies whose level needs it.
_otp = {
    "namespace": "partners",
    "role": Role.PARTNER,
    "success_url": "partners:home",
    "heading": _("Logowanie partnera"),
}

urlpatterns = [
    path("logowanie/", views.login, name="login"),
    path("logowanie/kod/", accounts_views.otp_verify, _otp, name="login-otp"),
    path("logowanie/konfiguracja/", accounts_views.otp_setup, _otp, name="login-setup"),
    path("logowanie/kody-zapasowe/", accounts_views.otp_recovery_codes, _otp, name="login-codes"),
    path("", views.home, name="home"),
    path("obsluga/firma/<int:pk>/jako-poziom/", views.view_as, name="view-as"),
]
