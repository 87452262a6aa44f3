from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = _("Oferty i sprzedaż zdalna")

    def ready(self) -> None:
        # The offer is payable; importing policy also registers its Celery task.
        from . import payables, policy  # noqa: F401

        payables.register()
