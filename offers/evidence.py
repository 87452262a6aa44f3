"""What the portal keeps as evidence of a remote sale, and the policy it ends in.

When a client disputes a sale, the insurer must show what the client received
(the exact bytes of each document, by SHA-256), what the client agreed to
(the consent's wording, by version), from where (IP, user agent) and when.
Rows here are only ever added. They are imported at the end of
`offers.models` so that Django registers them with the offers app.
"""

import hashlib
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """An evidence row was about to be changed or deleted."""


class _Evidence(models.Model):
    # What the client saw was this version of the offer; an edit asks again.
    offer_version = models.PositiveIntegerField(_("wersja oferty"))
    at = models.DateTimeField(_("czas"), default=timezone.now)
    ip = models.GenericIPAddressField(_("adres IP"), null=True, blank=True)
    user_agent = models.CharField(_("przeglądarka"), max_length=500, blank=True)

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnly("evidence is never changed")
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # Model.save's own arguments, passed through

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnly("evidence is never deleted")


class DocumentDownload(_Evidence):
    """One document served to the client, with the hash of the exact bytes sent."""

    class Kind(models.TextChoices):
        OFFER = "offer", _("oferta")
        OWU = "owu", _("Ogólne warunki ubezpieczenia")
        REGULATIONS = "regulations", _("Regulamin płatności")

    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="downloads")
    kind = models.CharField(_("dokument"), max_length=20, choices=Kind.choices)
    filename = models.CharField(_("nazwa pliku"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("rozmiar (bajty)"))

    class Meta:
        verbose_name = _("pobranie dokumentu")
        verbose_name_plural = _("pobrania dokumentów")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["offer", "offer_version"], name="offers_download_version")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.sha256[:12]}"

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


class ConsentAcceptance(_Evidence):
    """One consent ticked by the client, with the version and hash of its wording."""

    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="consents")
    code = models.CharField(_("zgoda"), max_length=40)
    text_version = models.CharField(_("wersja treści"), max_length=20)
    text = models.TextField(_("treść"))
    text_sha256 = models.CharField(_("SHA-256 treści"), max_length=64)

    class Meta:
        verbose_name = _("zgoda klienta")
        verbose_name_plural = _("zgody klienta")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["offer", "offer_version"], name="offers_consent_version")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.code} v{self.text_version}"


class ClientEntryFailure(models.Model):
    """A wrong PESEL, access code or file password for one offer.

    The short-term locks live in Redis (accounts.ratelimit); these rows count
    the wrong answers since the agent last issued the code, which void it at
    ten, and show the agent what happened.
    """

    class Kind(models.TextChoices):
        PESEL = "pesel", _("PESEL")
        ACCESS_CODE = "access_code", _("kod dostępu")
        FILE_PASSWORD = "file_password", _("hasło do pliku")

    offer = models.ForeignKey(
        "offers.Offer", on_delete=models.CASCADE, related_name="entry_failures"
    )
    kind = models.CharField(_("co podano"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("czas"), default=timezone.now)
    ip = models.GenericIPAddressField(_("adres IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("błędne wejście klienta")
        verbose_name_plural = _("błędne wejścia klienta")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["offer", "at"], name="offers_entry_failure_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind}"


class Policy(models.Model):
    """The policy a paid offer became. One payment, one policy; one offer, one policy."""

    offer = models.OneToOneField("offers.Offer", on_delete=models.PROTECT, related_name="policy")
    # UNIQUE: however many workers or deliveries, a payment cannot make two policies.
    payment = models.OneToOneField("payments.Payment", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("numer polisy"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("wystawiono"), default=timezone.now)
    # The e-mail to the client is claimed once, by whoever sets this first.
    sent_at = models.DateTimeField(_("wysłano klientowi"), null=True, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 wysłanego PDF"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("polisa")
        verbose_name_plural = _("polisy")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(number=""), name="offers_policy_has_number")
        ]

    def __str__(self) -> str:
        return self.number


# What the client must download and agree to before paying --------------------------

DOCUMENT_KINDS = (
    DocumentDownload.Kind.OFFER,
    DocumentDownload.Kind.OWU,
    DocumentDownload.Kind.REGULATIONS,
)


@dataclass(frozen=True)
class Consent:
    code: str
    version: str
    text: str
    required: bool = True


# The wording is evidence: change a text only together with its version.
CONSENTS = (
    Consent(
        "documents",
        "2024-07-09",
        "Oświadczam, że przed zawarciem umowy otrzymałem(-am) i zapoznałem(-am) się z ofertą, "
        "Ogólnymi warunkami ubezpieczenia oraz Regulaminem płatności, i akceptuję ich treść.",
    ),
    Consent(
        "distance",
        "2024-07-09",
        "Wyrażam zgodę na zawarcie umowy ubezpieczenia na odległość, w Dualnym Modelu "
        "Sprzedaży (DMS), przez opłacenie składki za pośrednictwem portalu.",
    ),
    Consent(
        "electronic",
        "2024-07-09",
        "Wyrażam zgodę na doręczenie polisy i dokumentów umowy w postaci elektronicznej "
        "na adres e-mail podany w ofercie.",
    ),
)
