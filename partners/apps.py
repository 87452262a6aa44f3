from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partnerzy")

    def ready(self) -> None:
        # The order is payable; importing tasks registers the beat task.
        from . import payables, tasks  # noqa: F401

        payables.register()
