"""Partner companies, their levels and the rights each level holds.

The matrix of rights is data (Level, Right, LevelGrant), loaded by a data
migration from the seed's wording. Code asks `partners.rights.has_right`,
never "is the level at least N".
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class Level(models.Model):
    """One partner level (0–5) as the seed names it, and what it needs."""

    number = models.PositiveSmallIntegerField(_("poziom"), primary_key=True)
    name = models.CharField(_("nazwa"), max_length=120)
    description = models.TextField(_("opis"), blank=True)
    # How the seed builds this level's list ("Uprawnienia z poziomu 1 plus"), for explanations.
    builds_on = models.ForeignKey(
        "self",
        verbose_name=_("buduje na poziomie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The next level a company may apply for from this one.
    next_level = models.ForeignKey(
        "self",
        verbose_name=_("następny poziom"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A technician's level whose status has expired counts as this one.
    on_expiry = models.ForeignKey(
        "self",
        verbose_name=_("po wygaśnięciu uprawnień"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requires_grounds = models.BooleanField(
        _("wymaga spełnienia warunków dostępu"),
        default=True,
        help_text=_(
            "Lista dystrybutorów, 3 rekomendacje użytkowników albo rekomendacja dystrybutora."
        ),
    )
    requires_second_factor = models.BooleanField(
        _("wymaga logowania dwuskładnikowego"), default=False
    )

    class Meta:
        verbose_name = _("poziom partnerski")
        verbose_name_plural = _("poziomy partnerskie")
        ordering = ["number"]

    def __str__(self) -> str:
        return _("Poziom %(n)d – %(name)s") % {"n": self.number, "name": self.name}


class Right(models.Model):
    """One thing a partner may do or see, e.g. the distributors' forum."""

    class Condition(models.TextChoices):
        NONE = "", _("brak")
        SUBSCRIPTION_SALES = "subscription_sales", _("udział w systemie sprzedaży Abonamentów")

    code = models.SlugField(_("kod"), max_length=60, unique=True)
    name = models.CharField(_("nazwa"), max_length=200)
    description = models.TextField(_("opis"), blank=True)
    # The page where the right leads (a URL name of partners), shown in navigation.
    url_name = models.CharField(_("strona"), max_length=100, blank=True)
    condition = models.CharField(
        _("dodatkowy warunek"), max_length=40, choices=Condition.choices, blank=True, default=""
    )
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("uprawnienie")
        verbose_name_plural = _("uprawnienia")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class LevelGrant(models.Model):
    """Level `level` holds right `right`; `note` quotes how the seed gives it."""

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="grants")
    right = models.ForeignKey(Right, on_delete=models.CASCADE, related_name="grants")
    note = models.CharField(_("podstawa"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("uprawnienie poziomu")
        verbose_name_plural = _("uprawnienia poziomów")
        constraints = [models.UniqueConstraint(fields=["level", "right"], name="grant_once")]

    def __str__(self) -> str:
        return f"{self.level_id}: {self.right.code}"


class PartnerProfile(models.Model):
    """What makes an organisation of kind PARTNER a partner company."""

    class Ground(models.TextChoices):
        NONE = "", _("brak (poziom 0 nie wymaga)")
        DISTRIBUTOR_LIST = "distributor_list", _("firma na liście dystrybutorów")
        SERVICED_USERS = "serviced_users", _("serwis co najmniej 3 zarejestrowanych użytkowników")
        DISTRIBUTOR_RECOMMENDATION = "distributor_recommendation", _("rekomendacja dystrybutora")
        STAFF = "staff", _("decyzja obsługi")

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("firma"),
        on_delete=models.CASCADE,
        related_name="partner_profile",
        limit_choices_to={"kind": Organisation.Kind.PARTNER},
    )
    level = models.ForeignKey(Level, verbose_name=_("poziom"), on_delete=models.PROTECT)
    ground = models.CharField(
        _("podstawa poziomu"), max_length=40, choices=Ground.choices, blank=True, default=""
    )
    subscription_sales = models.BooleanField(
        _("uczestniczy w systemie sprzedaży Abonamentów"), default=False
    )
    on_distributor_list = models.BooleanField(_("na liście dystrybutorów"), default=False)
    technician_until = models.DateField(
        _("uprawnienia serwisanta ważne do"),
        null=True,
        blank=True,
        help_text=_("Po tej dacie firma serwisanta ma uprawnienia poziomu 3."),
    )
    technician_notices = models.JSONField(
        _("wysłane przypomnienia o wygaśnięciu"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("profil partnera")
        verbose_name_plural = _("profile partnerów")

    def __str__(self) -> str:
        return str(self.organisation)

    def effective_level(self, today: date) -> Level:
        """The level whose rights apply today: an expired technician counts as the fallback."""
        level = self.level
        if (
            level.on_expiry_id is not None
            and self.technician_until is not None
            and today > self.technician_until
        ):
            return level.on_expiry  # type: ignore[return-value]
        return level

    def technician_expired(self, today: date) -> bool:
        return self.effective_level(today).pk != self.level_id


class LevelChange(models.Model):
    """A change of a company's level: who, when, why, from and to. Never edited."""

    profile = models.ForeignKey(PartnerProfile, on_delete=models.CASCADE, related_name="changes")
    from_level = models.ForeignKey(
        Level, verbose_name=_("z poziomu"), on_delete=models.PROTECT, related_name="+", null=True
    )
    to_level = models.ForeignKey(
        Level, verbose_name=_("na poziom"), on_delete=models.PROTECT, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("zmienił"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    reason = models.TextField(_("powód"))
    changed_at = models.DateTimeField(_("kiedy"), auto_now_add=True)

    class Meta:
        verbose_name = _("zmiana poziomu")
        verbose_name_plural = _("zmiany poziomu")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.profile}: {self.from_level_id} → {self.to_level_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("A level change is history: it is never edited.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("A level change is history: it is never deleted.")
