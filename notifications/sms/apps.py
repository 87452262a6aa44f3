from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsConfig(AppConfig):
    name = "notifications.sms"
    label = "sms"
    verbose_name = _("Moduł SMS")

    def ready(self) -> None:
        from . import payables

        payables.register()
