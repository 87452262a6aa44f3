"""Payments of anything payable, their append-only history and the provider's webhooks.

A payment belongs to a *payable* named by a string type ("offers.offer") and
the payable's primary key as text, so that this app never imports the apps
that own payables (see `payments.registry`).
"""

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import AppendOnlyModel


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("utworzona")
    PENDING = "pending", _("oczekuje")
    SUCCEEDED = "succeeded", _("opłacona")
    FAILED = "failed", _("nieudana")
    EXPIRED = "expired", _("wygasła")
    # Money arrived but we did not accept it (amount or currency mismatch):
    # staff decide, usually by refunding from the admin.
    HELD = "held", _("wstrzymana do wyjaśnienia")
    REFUND_PENDING = "refund_pending", _("zwrot w toku")
    REFUNDED = "refunded", _("zwrócona")


class Payment(models.Model):
    Status = PaymentStatus

    class Method(models.TextChoices):
        BLIK = "blik", _("BLIK")
        # The one source of these labels: forms, pages, e-mails and PDFs show them.
        P24 = "p24", _("Przelew (Przelewy24)")
        CARD = "card", _("Karta płatnicza")

    class Provider(models.TextChoices):
        SANDBOX = "sandbox", _("sandbox (testowy)")
        STRIPE = "stripe", _("Stripe")

    # States in which the provider may still report money coming in; the
    # reconciliation task asks about these.
    OPEN_STATUSES = (Status.CREATED, Status.PENDING, Status.FAILED)
    # States that mean money is (or was) with us: a later "failed" or
    # "expired" report must never move a payment out of these.
    MONEY_STATUSES = (Status.SUCCEEDED, Status.HELD, Status.REFUND_PENDING, Status.REFUNDED)

    public_id = models.UUIDField(_("identyfikator publiczny"), default=uuid.uuid4, unique=True)
    payable_type = models.CharField(_("typ należności"), max_length=64)
    payable_id = models.CharField(_("identyfikator należności"), max_length=64)
    description = models.CharField(_("opis"), max_length=200)
    customer_email = models.EmailField(_("e-mail płacącego"), blank=True)
    amount = models.DecimalField(_("kwota"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("waluta"), max_length=3, default="PLN")
    # What the provider reported as paid, which is what a refund returns;
    # it differs from `amount` only on a held (mismatched) payment.
    amount_received = models.DecimalField(
        _("kwota otrzymana"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency_received = models.CharField(_("waluta otrzymana"), max_length=3, blank=True)
    method = models.CharField(_("metoda"), max_length=8, choices=Method.choices, blank=True)
    provider = models.CharField(_("operator"), max_length=16, choices=Provider.choices)
    checkout_id = models.CharField(_("sesja płatności u operatora"), max_length=255, blank=True)
    intent_id = models.CharField(_("płatność u operatora"), max_length=255, blank=True)
    refund_id = models.CharField(_("zwrot u operatora"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CREATED
    )
    # Why a payment failed, was held or was refunded, as a stable code that
    # pages translate into what the person should do next.
    failure_code = models.CharField(_("kod przyczyny"), max_length=64, blank=True)
    failure_message = models.CharField(_("opis przyczyny"), max_length=255, blank=True)
    flagged = models.BooleanField(_("do wyjaśnienia"), default=False)
    success_url = models.CharField(_("adres po opłaceniu"), max_length=500)
    cancel_url = models.CharField(_("adres po rezygnacji"), max_length=500)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zmieniono"), auto_now=True)
    succeeded_at = models.DateTimeField(_("opłacono"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("zwrócono"), null=True, blank=True)
    checked_at = models.DateTimeField(_("ostatnio sprawdzono u operatora"), null=True, blank=True)

    class Meta:
        verbose_name = _("płatność")
        verbose_name_plural = _("płatności")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["payable_type", "payable_id"]),
            models.Index(fields=["status", "updated_at"]),
            models.Index(fields=["provider", "intent_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payments_status_valid"
            ),
            # Backstop for the lock in services: a payable is paid at most once.
            models.UniqueConstraint(
                fields=["payable_type", "payable_id"],
                condition=Q(status="succeeded"),
                name="payments_one_success_per_payable",
            ),
            models.UniqueConstraint(
                fields=["provider", "checkout_id"],
                condition=~Q(checkout_id=""),
                name="payments_unique_checkout",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.payable_type}:{self.payable_id} {self.amount} {self.currency} ({self.status})"
        )

    @property
    def amount_minor(self) -> int:
        """The amount in grosze, as providers count it."""
        return to_minor(self.amount)

    @property
    def is_final(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.REFUNDED)


def to_minor(amount: Decimal) -> int:
    minor = amount * 100
    if minor != minor.to_integral_value():
        raise ValueError(f"{amount} has more than two decimal places")
    return int(minor)


def from_minor(minor: int) -> Decimal:
    return (Decimal(minor) / 100).quantize(Decimal("0.01"))


class PaymentEvent(AppendOnlyModel):
    """One thing that happened to a payment. Rows are only ever added."""

    class Kind(models.TextChoices):
        CREATED = "created", _("utworzono")
        CHECKOUT = "checkout", _("przekierowano do operatora")
        STATUS = "status", _("zmiana statusu")
        IGNORED = "ignored", _("zgłoszenie bez skutku")
        MISMATCH = "mismatch", _("niezgodna kwota lub waluta")
        REFUSED = "refused", _("odmowa przyjęcia")
        DUPLICATE = "duplicate", _("druga płatność za tę samą należność")
        REFUND_REQUESTED = "refund_requested", _("zlecono zwrot")
        REFUNDED = "refunded", _("zwrócono")
        ERROR = "error", _("błąd operatora")

    class Source(models.TextChoices):
        SYSTEM = "system", _("portal")
        WEBHOOK = "webhook", _("powiadomienie operatora")
        RECONCILE = "reconcile", _("uzgodnienie z operatorem")
        STAFF = "staff", _("obsługa")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("rodzaj"), max_length=24, choices=Kind.choices)
    source = models.CharField(_("źródło"), max_length=16, choices=Source.choices)
    status_before = models.CharField(_("status przed"), max_length=16, blank=True)
    status_after = models.CharField(_("status po"), max_length=16, blank=True)
    provider_event_id = models.CharField(_("zdarzenie operatora"), max_length=255, blank=True)
    note = models.CharField(_("uwagi"), max_length=255, blank=True)
    payload = models.JSONField(_("dane od operatora"), default=dict, blank=True)
    created_at = models.DateTimeField(_("czas"), auto_now_add=True)

    class Meta:
        verbose_name = _("zdarzenie płatności")
        verbose_name_plural = _("zdarzenia płatności")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.status_after}"


class WebhookEvent(models.Model):
    """A verified notification from a provider, stored once by the provider's id."""

    class Outcome(models.TextChoices):
        PENDING = "", _("do przetworzenia")
        APPLIED = "applied", _("zastosowano")
        IGNORED = "ignored", _("pominięto (typ bez znaczenia)")
        UNMATCHED = "unmatched", _("nie pasuje do żadnej płatności")

    provider = models.CharField(_("operator"), max_length=16, choices=Payment.Provider.choices)
    event_id = models.CharField(_("identyfikator zdarzenia"), max_length=255)
    type = models.CharField(_("typ"), max_length=100)
    # The exact bytes that were signed, kept as evidence.
    body = models.TextField(_("treść"))
    received_at = models.DateTimeField(_("odebrano"), auto_now_add=True)
    processed_at = models.DateTimeField(_("przetworzono"), null=True, blank=True)
    outcome = models.CharField(
        _("wynik"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING, blank=True
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="webhook_events"
    )

    class Meta:
        verbose_name = _("powiadomienie operatora")
        verbose_name_plural = _("powiadomienia operatora")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payments_webhook_once_per_event"
            ),
        ]
        indexes = [models.Index(fields=["processed_at", "received_at"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} {self.type}"


class SandboxCheckout(models.Model):
    """The sandbox provider's own books: what it would know as an outside operator.

    Kept apart from `Payment` so that reconciliation asks the sandbox the same
    question it asks Stripe, instead of reading our own answer back.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("otwarta")
        PAID = "paid", _("opłacona")
        FAILED = "failed", _("nieudana")
        EXPIRED = "expired", _("wygasła")

    checkout_id = models.CharField(max_length=64, unique=True)
    intent_id = models.CharField(max_length=64, unique=True)
    payment_ref = models.CharField(max_length=64)
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    method = models.CharField(max_length=8, blank=True)
    failure_code = models.CharField(max_length=64, blank=True)
    refunded_minor = models.PositiveIntegerField(default=0)
    success_url = models.CharField(max_length=500)
    cancel_url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sesja sandboxa")
        verbose_name_plural = _("sesje sandboxa")

    def __str__(self) -> str:
        return self.checkout_id
