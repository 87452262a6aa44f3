"""Products, offers, DMS links and the offer timeline.

One row's rules live here (dates, codes, passwords); everything that changes an
offer goes through `offers.services`, which records each change in the timeline.
"""

import hashlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.fields import (
    BlindIndexField,
    CompanionsInStep,
    EncryptedTextField,
    MaskedField,
    normalise_identifier,
)

WARSAW = ZoneInfo("Europe/Warsaw")
# How payments names an offer it takes money for (see offers.payables).
PAYABLE_TYPE = "offers.offer"
DEADLINE_HOUR = time(21, 0)
LINK_LIFETIME = timedelta(days=14)
ACCESS_CODE_PREFIX = "INTER"
# Since 9 July 2024 an offer becomes a policy only by being paid through DMS.
DMS_ONLY_SINCE = date(2024, 7, 9)


def protection_end_for(start: date) -> date:
    """One year of protection: 1.05.2023 → 30.04.2024; 29.02.2024 → 28.02.2025."""
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:  # 29 February: the anniversary is 1 March
        anniversary = date(start.year + 1, 3, 1)
    return anniversary - timedelta(days=1)


def valid_until_for(start: date) -> date:
    return start - timedelta(days=1)


def payment_deadline_for(start: date) -> datetime:
    """21:00 Warsaw time on the day before protection starts (DST-aware)."""
    return datetime.combine(valid_until_for(start), DEADLINE_HOUR, tzinfo=WARSAW)


def earliest_protection_start(now: datetime) -> date:
    """The first day protection may start so that its payment deadline is still ahead."""
    start = now.astimezone(WARSAW).date() + timedelta(days=1)
    if payment_deadline_for(start) <= now:  # past 21:00: today's deadline has gone
        start += timedelta(days=1)
    return start


def hash_token(token: str) -> str:
    # The token carries 256 random bits, so a plain SHA-256 cannot be brute-forced.
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def last_four_digits(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits[-4:]


class Product(models.Model):
    """An insurance product (a series of offers), edited by staff in the admin."""

    class Portal(models.TextChoices):
        NEW = "new", _("nowy portal (logowanie numerem PESEL)")
        OLD = "old", _("stary portal (e-mail i kod dostępu)")

    code = models.CharField(_("seria"), max_length=10, unique=True)
    name = models.CharField(_("nazwa"), max_length=200)
    portal = models.CharField(_("portal"), max_length=3, choices=Portal.choices)
    description = models.TextField(_("zakres ubezpieczenia"), blank=True)
    # Bump to publish new OWU and regulations: documents are rendered once per version.
    documents_version = models.PositiveIntegerField(_("wersja dokumentów"), default=1)
    is_active = models.BooleanField(_("w sprzedaży"), default=True)
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("produkt")
        verbose_name_plural = _("produkty")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def is_new_portal(self) -> bool:
        return self.portal == self.Portal.NEW


class Package(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="packages", verbose_name=_("produkt")
    )
    name = models.CharField(_("nazwa pakietu"), max_length=200)
    premium = models.DecimalField(
        _("składka roczna (zł)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    sum_insured = models.DecimalField(
        _("suma gwarancyjna (zł)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("w sprzedaży"), default=True)
    position = models.PositiveSmallIntegerField(_("kolejność"), default=0)

    class Meta:
        verbose_name = _("pakiet")
        verbose_name_plural = _("pakiety")
        ordering = ["product", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="offers_package_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.product.code} {self.name} ({self.premium} zł)"


class ProductDocument(models.Model):
    """A rendered OWU or payment regulations PDF for one version of a product."""

    class Kind(models.TextChoices):
        OWU = "owu", _("Ogólne warunki ubezpieczenia")
        REGULATIONS = "regulations", _("Regulamin płatności")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("rodzaj"), max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField(_("wersja"))
    file = models.FileField(_("plik"), upload_to="offers/documents/")
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)

    class Meta:
        verbose_name = _("dokument produktu")
        verbose_name_plural = _("dokumenty produktów")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "kind", "version"], name="offers_document_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product.code} {self.get_kind_display()} v{self.version}"

    @property
    def filename(self) -> str:
        prefix = "OWU" if self.kind == self.Kind.OWU else "Regulamin_platnosci"
        return f"{prefix}_{self.product.code}_v{self.version}.pdf"


class Offer(CompanionsInStep, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("szkic")
        SENT = "sent", _("wysłana")
        PAID = "paid", _("opłacona")
        POLICY = "policy", _("polisa")
        CANCELLED = "cancelled", _("anulowana")
        EXPIRED = "expired", _("wygasła")

    class Channel(models.TextChoices):
        DMS = "dms", _("DMS")

    class PartyKind(models.TextChoices):
        PERSON = "person", _("osoba fizyczna")
        COMPANY = "company", _("firma")

    # States in which the agent may still edit, send and cancel.
    OPEN_STATES = (State.DRAFT, State.SENT)

    number = models.BigIntegerField(_("numer"), unique=True, editable=False)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("agent"),
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, verbose_name=_("produkt"))
    package = models.ForeignKey(Package, on_delete=models.PROTECT, verbose_name=_("pakiet"))
    state = models.CharField(
        _("stan"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    # Bumped on every edit: what the client accepted for an older version no longer counts.
    version = models.PositiveIntegerField(_("wersja"), default=1)
    channel = models.CharField(
        _("kanał sprzedaży"), max_length=10, choices=Channel.choices, default=Channel.DMS
    )
    premium = models.DecimalField(_("składka (zł)"), max_digits=10, decimal_places=2)
    issued_on = models.DateField(_("data wystawienia"))
    protection_start = models.DateField(_("początek ochrony"))
    protection_end = models.DateField(_("koniec ochrony"))
    # Stored (not only computed) so that lists sort and beat tasks filter on an index.
    payment_deadline = models.DateTimeField(_("termin płatności"), db_index=True)

    holder_kind = models.CharField(
        _("ubezpieczający jest"), max_length=10, choices=PartyKind.choices
    )
    holder_name = models.CharField(_("ubezpieczający"), max_length=200)
    holder_pesel = EncryptedTextField(_("PESEL ubezpieczającego"), blank=True)
    holder_pesel_index = BlindIndexField(source="holder_pesel")
    holder_nip = EncryptedTextField(_("NIP ubezpieczającego"), blank=True)
    holder_nip_index = BlindIndexField(source="holder_nip")
    holder_regon = EncryptedTextField(_("REGON ubezpieczającego"), blank=True)
    # PESEL or NIP (by holder_kind) as lists show it, so that they decrypt nothing.
    holder_identifier_masked = MaskedField(
        _("PESEL/NIP"),
        source="holder_identifier",
        depends_on=("holder_kind", "holder_pesel", "holder_nip"),
    )
    holder_address = models.CharField(_("adres ubezpieczającego"), max_length=300, blank=True)

    insured_same_as_holder = models.BooleanField(
        _("ubezpieczony jest ubezpieczającym"), default=True
    )
    insured_kind = models.CharField(
        _("ubezpieczony jest"), max_length=10, choices=PartyKind.choices, blank=True
    )
    insured_name = models.CharField(_("ubezpieczony"), max_length=200, blank=True)
    insured_pesel = EncryptedTextField(_("PESEL ubezpieczonego"), blank=True)
    insured_nip = EncryptedTextField(_("NIP ubezpieczonego"), blank=True)
    insured_regon = EncryptedTextField(_("REGON ubezpieczonego"), blank=True)

    email = models.EmailField(_("e-mail"), blank=True)
    mobile = models.CharField(_("telefon komórkowy"), max_length=20, blank=True)
    email_consent = models.BooleanField(_("zgoda na kontakt e-mailowy"), default=False)
    # Without e-mail consent: the day the client was told of the one-time consent.
    consent_informed_on = models.DateField(
        _("data poinformowania o zgodzie"), null=True, blank=True
    )
    access_code_enabled_at = models.DateTimeField(
        _("kod dostępu wygenerowano"), null=True, blank=True
    )

    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zmieniono"), auto_now=True)
    sent_at = models.DateTimeField(_("wysłano"), null=True, blank=True)
    paid_at = models.DateTimeField(_("opłacono"), null=True, blank=True)
    payment_reference = models.CharField(_("identyfikator płatności"), max_length=200, blank=True)
    policy_issued_at = models.DateTimeField(_("wystawiono polisę"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("anulowano"), null=True, blank=True)
    expired_at = models.DateTimeField(_("wygasła"), null=True, blank=True)
    reminder_72h_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_24h_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("oferta")
        verbose_name_plural = _("oferty")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agent", "-created_at", "-id"], name="offers_agent_created"),
            models.Index(fields=["agent", "state", "payment_deadline"], name="offers_agent_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=100_000_000, number__lte=999_999_999),
                name="offers_number_nine_digits",
            )
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        """`FM_T 248095725`: the series and the nine digits."""
        return f"{self.product.code} {self.number:09d}"

    @property
    def valid_until(self) -> date:
        return valid_until_for(self.protection_start)

    @property
    def access_code(self) -> str:
        """INTER + the last four digits of the offer number (POC_T 223451264 → INTER1264)."""
        return f"{ACCESS_CODE_PREFIX}{self.number % 10_000:04d}"

    @property
    def access_code_active(self) -> bool:
        """May the client enter with e-mail + access code? (old portal, or generated)."""
        if self.state != self.State.SENT:
            return False
        return self.access_code_enabled_at is not None or (
            not self.product.is_new_portal and self.sent_at is not None
        )

    @property
    def holder_identifier(self) -> str:
        if self.holder_kind == self.PartyKind.COMPANY:
            return self.holder_nip
        return self.holder_pesel

    @property
    def file_password(self) -> str:
        """The old portal's document password: last 4 digits of the holder's NIP or PESEL."""
        return last_four_digits(self.holder_identifier)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def deadline_passed(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.payment_deadline

    @property
    def payment_deadline_local(self) -> datetime:
        """The payment deadline in Warsaw time, as every page, e-mail and PDF shows it."""
        return self.payment_deadline.astimezone(WARSAW)

    def may_take_money(self, at: datetime | None = None) -> bool:
        """May this offer take money paid at `at` (default: now)?

        Sent, and paid before the deadline. EXPIRED counts as sent: the beat
        expires an offer only once its deadline has passed, so money paid
        before 21:00 whose confirmation arrives after the beat ran was paid
        in time; for a payment about to start, the deadline alone refuses it.
        """
        moment = at or timezone.now()
        waiting = self.state in (self.State.SENT, self.State.EXPIRED)
        return waiting and moment < self.payment_deadline

    @property
    def document_password(self) -> str:
        """The offer and policy PDFs open with the PESEL (new portal) or the 4 digits (old)."""
        if self.product.is_new_portal and self.holder_pesel:
            return normalise_identifier(self.holder_pesel)
        return self.file_password

    @property
    def insured_display_name(self) -> str:
        return self.holder_name if self.insured_same_as_holder else self.insured_name


class DmsLink(models.Model):
    """A client's link to one offer. Only a hash of the token is stored."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("utworzono"), default=timezone.now)
    expires_at = models.DateTimeField(_("ważny do"))
    revoked_at = models.DateTimeField(_("unieważniono"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    last_used_at = models.DateTimeField(_("ostatnio użyty"), null=True, blank=True)

    class Meta:
        verbose_name = _("link DMS")
        verbose_name_plural = _("linki DMS")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"link {self.pk} → {self.offer_id}"

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and now < self.expires_at


class OfferEvent(models.Model):
    """One line of the offer's timeline: append-only, written by every transition."""

    class Kind(models.TextChoices):
        CREATED = "created", _("utworzono ofertę")
        EDITED = "edited", _("zmieniono ofertę")
        SENT = "sent", _("wysłano link DMS")
        NO_CONSENT = "no_consent", _("brak zgody klienta")
        CONSENT_RECORDED = "consent_recorded", _("zapisano poinformowanie o zgodzie")
        ACCESS_CODE = "access_code", _("wygenerowano kod dostępu")
        LINK_REVOKED = "link_revoked", _("unieważniono link")
        REMINDER = "reminder", _("wysłano przypomnienie")
        CANCELLED = "cancelled", _("anulowano")
        EXPIRED = "expired", _("oferta wygasła")
        PAID = "paid", _("opłacono")
        POLICY = "policy", _("wystawiono polisę")
        # Written by the client's side of DMS:
        CLIENT_LOGIN = "client_login", _("klient otworzył ofertę")
        CLIENT_DOWNLOAD = "client_download", _("klient pobrał dokument")
        CLIENT_ACCEPTED = "client_accepted", _("klient zaakceptował zgody")
        PAYMENT_STARTED = "payment_started", _("klient rozpoczął płatność")
        PAYMENT_FAILED = "payment_failed", _("płatność nieudana")
        LATE_PAYMENT = "late_payment", _("płatność po terminie")
        # Added by the client side (offers.client_services, offers.policy):
        CLIENT_LOCKED = "client_locked", _("zablokowano wejście klienta")
        ACCESS_CODE_VOIDED = "access_code_voided", _("unieważniono kod dostępu")
        PAYMENT_REFUNDED = "payment_refunded", _("zwrócono płatność")
        POLICY_SENT = "policy_sent", _("wysłano polisę klientowi")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("czas"), default=timezone.now)
    kind = models.CharField(_("zdarzenie"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("kto"),
    )
    # Who, when it is not a user: "klient", "system", "płatności".
    actor_label = models.CharField(_("kto (opis)"), max_length=100, blank=True)
    offer_version = models.PositiveIntegerField(_("wersja oferty"))
    details = models.JSONField(_("szczegóły"), default=dict, blank=True)

    class Meta:
        verbose_name = _("zdarzenie oferty")
        verbose_name_plural = _("historia oferty")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["offer", "at"], name="offers_event_offer_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


# Remote-sale evidence and policies (the client side); imported so Django registers them.
from .evidence import ClientEntryFailure, ConsentAcceptance, DocumentDownload, Policy  # noqa: E402, F401
