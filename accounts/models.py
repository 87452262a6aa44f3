from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    """A person who logs in. What they may do comes from their groups (roles)."""

    phone = models.CharField(_("telefon komórkowy"), max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("użytkownik")
        verbose_name_plural = _("użytkownicy")

    def has_role(self, role: Role) -> bool:
        if not self.is_active:
            return False
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = set(self.groups.values_list("name", flat=True))
            self._role_names = cached
        return str(role) in cached
