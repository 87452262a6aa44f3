from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscribersConfig(AppConfig):
    name = "subscribers"
    verbose_name = _("Abonenci")

    def ready(self) -> None:
        from . import payables

        payables.register()
