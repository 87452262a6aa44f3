from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Konta i bezpieczeństwo")

    def ready(self) -> None:
        from . import audit

        audit.connect_auth_signals()
