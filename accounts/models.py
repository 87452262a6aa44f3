from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .roles import Role
from .validators import validate_nip


class User(AbstractUser):
    """A person who logs in. What they may do comes from their groups (roles)."""

    phone = models.CharField(_("telefon komórkowy"), max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        # django-stubs types the inherited Meta's names as str; Django takes lazy text.
        verbose_name = _("użytkownik")  # type: ignore[assignment]  # lazy text, which Django takes
        verbose_name_plural = _("użytkownicy")  # type: ignore[assignment]  # lazy text, which Django takes

    def has_role(self, role: Role) -> bool:
        if not self.is_active:
            return False
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = set(self.groups.values_list("name", flat=True))
            self._role_names = cached
        return str(role) in cached


class Organisation(models.Model):
    """A company whose users share what it owns: an SMS agency's balance, a partner's level.

    Pages reach an organisation's rows through the membership of the user
    asking (`accounts.organisations`), never by trusting an id from the URL.
    """

    class Kind(models.TextChoices):
        SMS_AGENCY = "sms_agency", _("agencja (moduł SMS)")
        PARTNER = "partner", _("firma partnerska")

    kind = models.CharField(_("rodzaj"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("nazwa"), max_length=200)
    # A company's tax number is public business data, not a person's identifier.
    nip = models.CharField(_("NIP"), max_length=10, db_index=True, validators=[validate_nip])
    address = models.CharField(_("adres"), max_length=300)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    members = models.ManyToManyField(
        User, through="Membership", related_name="organisations", verbose_name=_("członkowie")
    )

    class Meta:
        verbose_name = _("organizacja")
        verbose_name_plural = _("organizacje")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("właściciel")
        MEMBER = "member", _("członek")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rola"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("od"), auto_now_add=True)

    class Meta:
        verbose_name = _("członkostwo")
        verbose_name_plural = _("członkostwa")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


class Invitation(models.Model):
    """An owner's invitation to join an organisation: a single-use link, valid 72 hours.

    Only the SHA-256 of the link's token is stored, so the table alone opens nothing.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"), max_length=254)
    role = models.CharField(
        _("rola"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("zaprasza"),
    )
    created_at = models.DateTimeField(_("wysłano"), auto_now_add=True)
    expires_at = models.DateTimeField(_("ważne do"))
    accepted_at = models.DateTimeField(_("przyjęto"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("przyjął"),
    )
    revoked_at = models.DateTimeField(_("unieważniono"), null=True, blank=True)

    class Meta:
        verbose_name = _("zaproszenie")
        verbose_name_plural = _("zaproszenia")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    def is_usable(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class AuthenticatedRequest(HttpRequest):
    """The request of a view whose decorator let in only logged-in users (for type checking)."""

    user: User


class AppendOnlyError(ValueError):
    """A history row was about to be changed or deleted."""


class AppendOnlyModel(models.Model):
    """History that must not change: rows are written once, never updated or deleted.

    Every area's event rows (payment events, invoice events, delivery reports,
    level changes) take this one rule instead of a copy of it.
    """

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only: never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only: never deleted.")
