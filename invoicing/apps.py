from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "invoicing"
    verbose_name = _("Faktury")

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the seller-data check)
