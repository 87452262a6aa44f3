from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partnerzy")

    def ready(self) -> None:
        # The order is payable; importing tasks registers the beat task.
        from . import payables, tasks  # noqa: F401

        payables.register()
        # Data migrations load and change the rights matrix: pages must not keep the old one.
        post_migrate.connect(_forget_cached_pages, sender=self)


def _forget_cached_pages(**kwargs: object) -> None:
    from . import caching

    caching.rights_matrix_changed()
    caching.documents_changed()
