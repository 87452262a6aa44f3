from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Konta i bezpieczeństwo")

    def ready(self) -> None:
        from . import audit

        audit.connect_auth_signals()
        _second_factor_names_in_polish()


# django-otp names its apps and models in English, untranslated. Only the names
# shown change here (not the models' options, so no migration follows).
_APP_NAMES = {
    "otp_totp": _("Drugi składnik: aplikacje uwierzytelniające"),
    "otp_static": _("Drugi składnik: kody zapasowe"),
}
_MODEL_NAMES = {
    ("otp_totp", "totpdevice"): (
        _("aplikacja uwierzytelniająca (TOTP)"),
        _("aplikacje uwierzytelniające (TOTP)"),
    ),
    ("otp_static", "staticdevice"): (_("zestaw kodów zapasowych"), _("zestawy kodów zapasowych")),
    ("otp_static", "statictoken"): (_("kod zapasowy"), _("kody zapasowe")),
}


def _second_factor_names_in_polish() -> None:
    for label, name in _APP_NAMES.items():
        if apps.is_installed(f"django_otp.plugins.{label}"):
            apps.get_app_config(label).verbose_name = name
    for (label, model_name), (singular, plural) in _MODEL_NAMES.items():
        if apps.is_installed(f"django_otp.plugins.{label}"):
            opts = apps.get_model(label, model_name)._meta
            opts.verbose_name, opts.verbose_name_plural = singular, plural
