"""VAT invoices: a gap-free number per year, the parties as they were, lines and KSeF state.

An invoice is a legal document: once issued its content never changes, so it
keeps its own copy of the seller's and buyer's data rather than pointing at
rows that may be edited later. Only its delivery (e-mail, KSeF) moves on.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from num2words import num2words

from accounts.models import AppendOnlyModel

from .amounts import Basis, RateTotal, rate_totals


class InvoiceCounter(models.Model):
    """The last number given in a year; locked while an invoice is issued."""

    year = models.PositiveSmallIntegerField(_("rok"), unique=True)
    last_number = models.PositiveIntegerField(_("ostatni numer"), default=0)

    class Meta:
        verbose_name = _("licznik faktur")
        verbose_name_plural = _("liczniki faktur")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class KsefState(models.TextChoices):
    NOT_SENT = "not_sent", _("nie wysłano")
    SENT = "sent", _("wysłano, czeka na KSeF")
    ACCEPTED = "accepted", _("przyjęta w KSeF")
    REJECTED = "rejected", _("odrzucona przez KSeF")


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("przelew")
    CARD = "card", _("karta płatnicza")
    MOBILE = "mobile", _("płatność mobilna (BLIK)")


class Invoice(models.Model):
    KsefState = KsefState
    PaymentMethod = PaymentMethod

    class Basis(models.TextChoices):
        NET = Basis.NET, _("od cen netto")
        GROSS = Basis.GROSS, _("od cen brutto")

    number = models.CharField(_("numer"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("rok"))
    sequence = models.PositiveIntegerField(_("kolejny numer w roku"))
    # What the invoice is for, e.g. "sms-topup:17": issuing twice for it gives the same invoice.
    topic = models.CharField(_("dotyczy"), max_length=100, unique=True)
    issued_at = models.DateTimeField(_("wystawiono"))
    issue_date = models.DateField(_("data wystawienia"))
    sale_date = models.DateField(_("data sprzedaży"))
    paid_at = models.DateTimeField(_("zapłacono"))
    payment_method = models.CharField(
        _("forma płatności"),
        max_length=10,
        choices=PaymentMethod.choices,
        default=PaymentMethod.TRANSFER,
    )
    place = models.CharField(_("miejsce wystawienia"), max_length=100, blank=True)
    basis = models.CharField(_("sposób liczenia"), max_length=5, choices=Basis.choices)
    currency = models.CharField(_("waluta"), max_length=3, default="PLN")

    seller_name = models.CharField(_("sprzedawca"), max_length=255)
    seller_nip = models.CharField(_("NIP sprzedawcy"), max_length=10)
    seller_address = models.CharField(_("adres sprzedawcy"), max_length=255)
    seller_iban = models.CharField(_("rachunek sprzedawcy"), max_length=34)
    seller_bank = models.CharField(_("bank sprzedawcy"), max_length=100, blank=True)
    seller_email = models.EmailField(_("e-mail sprzedawcy"), blank=True)

    buyer_name = models.CharField(_("nabywca"), max_length=255)
    # Blank for a buyer without a NIP (a consumer); KSeF then gets "BrakID".
    buyer_nip = models.CharField(_("NIP nabywcy"), max_length=10, blank=True)
    buyer_address = models.CharField(_("adres nabywcy"), max_length=255)
    buyer_email = models.EmailField(_("e-mail nabywcy"), blank=True)

    net_total = models.DecimalField(_("razem netto"), max_digits=12, decimal_places=2)
    vat_total = models.DecimalField(_("razem VAT"), max_digits=12, decimal_places=2)
    gross_total = models.DecimalField(_("razem brutto"), max_digits=12, decimal_places=2)

    # The FA(3) document as written at issue: KSeF gets these bytes, and the
    # verification link on the PDF carries their hash, whatever later code writes.
    fa3_xml = models.TextField(_("faktura FA(3) (XML)"), blank=True)

    # Delivery by e-mail: asked for at issue, done once by a task after commit.
    send_to = models.EmailField(_("wysłać na adres"), blank=True)
    emailed_at = models.DateTimeField(_("wysłano e-mailem"), null=True, blank=True)

    ksef_state = models.CharField(
        _("stan w KSeF"), max_length=10, choices=KsefState.choices, default=KsefState.NOT_SENT
    )
    # Set by the worker that submits, so that a second run of the task does nothing.
    ksef_claimed_at = models.DateTimeField(_("pobrano do wysyłki"), null=True, blank=True)
    ksef_reference = models.CharField(_("numer referencyjny KSeF"), max_length=100, blank=True)
    ksef_number = models.CharField(_("numer KSeF"), max_length=40, blank=True)
    ksef_error = models.TextField(_("powód odrzucenia"), blank=True)
    ksef_sent_at = models.DateTimeField(_("wysłano do KSeF"), null=True, blank=True)
    ksef_decided_at = models.DateTimeField(_("decyzja KSeF"), null=True, blank=True)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)

    class Meta:
        verbose_name = _("faktura")
        verbose_name_plural = _("faktury")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_year_sequence"),
        ]
        indexes = [models.Index(fields=["ksef_state", "ksef_claimed_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def gross_in_words(self) -> str:
        """The gross total in Polish words, e.g. "sto złotych, zero groszy"."""
        return num2words(self.gross_total, lang="pl", to="currency", currency=self.currency)

    @property
    def ksef_reason(self) -> str:
        """Why KSeF rejected the invoice (blank unless rejected)."""
        return self.ksef_error

    def totals_by_rate(self) -> list[RateTotal]:
        """Net, tax and gross per VAT rate, as the summary of the invoice shows them."""
        return rate_totals(((item.vat_rate, item) for item in self.items.all()), basis=self.basis)

    @property
    def filename_stem(self) -> str:
        return "Faktura_" + self.number.replace("/", "_")


class VatRate(models.IntegerChoices):
    BASIC = 23, "23%"
    REDUCED = 8, "8%"
    SUPER_REDUCED = 5, "5%"
    ZERO = 0, "0%"


class InvoiceItem(models.Model):
    """One line of an invoice (art. 106e ust. 1 pkt 7–12 ustawy o VAT)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField(_("lp."))
    description = models.CharField(_("nazwa towaru lub usługi"), max_length=512)
    unit = models.CharField(_("jednostka"), max_length=20, default="szt.")
    quantity = models.DecimalField(_("ilość"), max_digits=12, decimal_places=3)
    unit_net = models.DecimalField(
        _("cena jednostkowa netto"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    unit_gross = models.DecimalField(
        _("cena jednostkowa brutto"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    vat_rate = models.PositiveSmallIntegerField(_("stawka VAT"), choices=VatRate.choices)
    net = models.DecimalField(_("wartość netto"), max_digits=12, decimal_places=2)
    vat = models.DecimalField(_("kwota VAT"), max_digits=12, decimal_places=2)
    gross = models.DecimalField(_("wartość brutto"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("pozycja faktury")
        verbose_name_plural = _("pozycje faktury")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_item_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"

    @property
    def unit_price(self) -> Decimal:
        """The unit price as given: net, or gross on an invoice counted from gross."""
        if self.unit_net is not None:
            return self.unit_net
        return self.unit_gross or Decimal("0.00")  # invoice_issue requires one of the two

    @property
    def unit_price_places(self) -> int:
        """Decimals to print: grosze always, finer digits only when the price has them."""
        return max(2, -int(self.unit_price.normalize().as_tuple().exponent))


class InvoiceEvent(AppendOnlyModel):
    """One thing that happened to an invoice after it was issued. Rows are only ever added."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("wystawiono")
        EMAILED = "emailed", _("wysłano e-mailem")
        KSEF_SENT = "ksef_sent", _("wysłano do KSeF")
        KSEF_ACCEPTED = "ksef_accepted", _("przyjęta w KSeF")
        KSEF_REJECTED = "ksef_rejected", _("odrzucona przez KSeF")
        KSEF_ERROR = "ksef_error", _("błąd połączenia z KSeF")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("rodzaj"), max_length=16, choices=Kind.choices)
    note = models.TextField(_("uwagi"), blank=True)
    created_at = models.DateTimeField(_("czas"), auto_now_add=True)

    class Meta:
        verbose_name = _("zdarzenie faktury")
        verbose_name_plural = _("zdarzenia faktury")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return str(self.get_kind_display())
