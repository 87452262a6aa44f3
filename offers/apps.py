from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = _("Oferty i sprzedaż zdalna")

    def ready(self) -> None:
        from . import payables

        payables.register()
