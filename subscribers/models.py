"""A mobile operator's billing data as the self-service sees it.

An account (individual "Idea dla Ciebie" or business "Idea dla Firm") has one
or more numbers (contracts). Each number has a tariff plan with its package,
the use of it per billing period and the services active on it. Invoices are
the account's, with items per number. Every change the subscriber asks for is
an `Order` that staff process; letters to customer service are `Case` rows.
"""

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypedDict

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import SideChannelDevice

from accounts.models import AppendOnlyModel
from accounts.validators import validate_nip


class _MoneyDigits(TypedDict):
    max_digits: int
    decimal_places: int


# Typed, so that `**MONEY` tells the checker which DecimalField arguments it fills.
MONEY: _MoneyDigits = {"max_digits": 12, "decimal_places": 2}
VAT_RATE = Decimal("23")


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class TariffPlan(models.Model):
    class Segment(models.TextChoices):
        INDIVIDUAL = "individual", _("Idea dla Ciebie")
        BUSINESS = "business", _("Idea dla Firm")

    code = models.SlugField(_("kod"), max_length=30, unique=True)
    name = models.CharField(_("nazwa"), max_length=100)
    segment = models.CharField(_("oferta"), max_length=12, choices=Segment.choices)
    monthly_fee = models.DecimalField(_("abonament miesięczny (brutto)"), **MONEY)
    minutes = models.PositiveIntegerField(_("minuty w pakiecie"))
    sms = models.PositiveIntegerField(_("SMS-y w pakiecie"))
    data_mb = models.PositiveIntegerField(_("dane w pakiecie (MB)"))
    minute_price = models.DecimalField(_("minuta poza pakietem (brutto)"), **MONEY)
    sms_price = models.DecimalField(_("SMS poza pakietem (brutto)"), **MONEY)
    description = models.TextField(_("opis"), blank=True)
    available = models.BooleanField(_("dostępny do zmiany"), default=True)

    class Meta:
        verbose_name = _("plan taryfowy")
        verbose_name_plural = _("plany taryfowe")
        ordering = ["segment", "monthly_fee", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def data_gb(self) -> Decimal:
        return (Decimal(self.data_mb) / 1024).quantize(Decimal("0.1"))


class SubscriberAccount(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("indywidualne (Idea dla Ciebie)")
        BUSINESS = "business", _("firmowe (Idea dla Firm)")

    class PaymentForm(models.TextChoices):
        PAPER = "paper", _("faktura papierowa")
        E_INVOICE = "e_invoice", _("e-faktura na e-mail")
        DIRECT_DEBIT = "direct_debit", _("polecenie zapłaty")

    number = models.CharField(_("numer konta"), max_length=20, unique=True)
    kind = models.CharField(_("rodzaj"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("abonent (imię i nazwisko lub firma)"), max_length=200)
    # A company's tax number is public business data; individuals have none here.
    nip = models.CharField(_("NIP"), max_length=10, blank=True, validators=[validate_nip])
    email = models.EmailField(_("e-mail"), blank=True)
    street = models.CharField(_("ulica i numer"), max_length=200)
    postal_code = models.CharField(_("kod pocztowy"), max_length=6)
    city = models.CharField(_("miejscowość"), max_length=100)
    payment_form = models.CharField(
        _("forma płatności"), max_length=14, choices=PaymentForm.choices, default="paper"
    )
    e_invoice_consent_at = models.DateTimeField(_("zgoda na e-fakturę"), null=True, blank=True)
    billing_day = models.PositiveSmallIntegerField(
        _("dzień rozpoczęcia okresu rozliczeniowego"), default=1
    )
    code_hash = models.CharField(_("kod abonencki dla konta (skrót)"), max_length=128, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subscriber_account",
        verbose_name=_("użytkownik portalu"),
    )
    profit_joined_at = models.DateTimeField(_("w Programie Profit od"), null=True, blank=True)
    profit_consent = models.TextField(_("treść zgody na Program Profit"), blank=True)
    created_at = models.DateTimeField(_("konto od"), default=timezone.now)

    # Not a column: the side panel's figures, set by selectors.contracts_with_panel.
    summary: dict[str, Any]

    class Meta:
        verbose_name = _("konto abonenckie")
        verbose_name_plural = _("konta abonenckie")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(billing_day__gte=1, billing_day__lte=28), name="sub_billing_day_1_28"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def offer_name(self) -> str:
        return str(TariffPlan.Segment(self.kind).label)

    @property
    def is_business(self) -> bool:
        return self.kind == self.Kind.BUSINESS

    @property
    def address_lines(self) -> list[str]:
        return [self.name, self.street, f"{self.postal_code} {self.city}"]

    @property
    def is_profit_member(self) -> bool:
        return self.profit_joined_at is not None

    def set_code(self, raw: str) -> None:
        self.code_hash = make_password(raw)

    def check_code(self, raw: str) -> bool:
        return bool(self.code_hash) and check_password(raw, self.code_hash)

    def period_containing(self, day: date) -> tuple[date, date]:
        """The billing period (first and last day) that contains `day`."""
        start = date(day.year, day.month, self.billing_day)
        if start > day:
            start = add_months(start, -1)
        return start, add_months(start, 1) - timedelta(days=1)


class Contract(models.Model):
    """One phone number of an account, with its tariff plan."""

    account = models.ForeignKey(
        SubscriberAccount, on_delete=models.CASCADE, related_name="contracts"
    )
    msisdn = models.CharField(_("numer telefonu"), max_length=15, unique=True)
    label = models.CharField(_("opis (np. użytkownik)"), max_length=100, blank=True)
    tariff = models.ForeignKey(TariffPlan, on_delete=models.PROTECT, verbose_name=_("taryfa"))
    # A tariff change takes effect at the start of the next billing period.
    next_tariff = models.ForeignKey(
        TariffPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taryfa od następnego okresu"),
    )
    next_tariff_from = models.DateField(_("nowa taryfa od"), null=True, blank=True)
    signed_on = models.DateField(_("umowa od"))
    code_hash = models.CharField(_("kod abonencki (skrót)"), max_length=128, blank=True)
    active = models.BooleanField(_("aktywny"), default=True)

    class Meta:
        verbose_name = _("numer (umowa)")
        verbose_name_plural = _("numery (umowy)")
        ordering = ["account", "msisdn"]

    def __str__(self) -> str:
        return self.display_msisdn

    @property
    def display_msisdn(self) -> str:
        local = self.msisdn[-9:]
        return f"{local[:3]} {local[3:6]} {local[6:]}"

    def set_code(self, raw: str) -> None:
        self.code_hash = make_password(raw)

    def check_code(self, raw: str) -> bool:
        return bool(self.code_hash) and check_password(raw, self.code_hash)


class PeriodUsage(models.Model):
    """What a number used of its package in one billing period."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="usages")
    period_start = models.DateField(_("początek okresu"))
    minutes_used = models.PositiveIntegerField(_("minuty"), default=0)
    sms_used = models.PositiveIntegerField(_("SMS-y"), default=0)
    data_mb_used = models.PositiveIntegerField(_("dane (MB)"), default=0)

    class Meta:
        verbose_name = _("wykorzystanie pakietu")
        verbose_name_plural = _("wykorzystanie pakietów")
        constraints = [
            models.UniqueConstraint(fields=["contract", "period_start"], name="sub_usage_once")
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.period_start}"


class Service(models.Model):
    class Settings(models.TextChoices):
        NONE = "", _("bez ustawień")
        THREE = "three", _("trzy ulubione numery")
        ONE = "one", _("jeden ulubiony numer")

    slug = models.SlugField(_("adres strony"), max_length=50, unique=True)
    name = models.CharField(_("nazwa"), max_length=100)
    summary = models.CharField(_("krótki opis"), max_length=200)
    description = models.TextField(_("opis"))
    monthly_fee = models.DecimalField(_("opłata miesięczna (brutto)"), **MONEY)
    activation_fee = models.DecimalField(_("opłata za aktywację (brutto)"), **MONEY)
    change_fee = models.DecimalField(_("opłata za zmianę ustawień (brutto)"), **MONEY)
    settings_kind = models.CharField(
        _("ustawienia"), max_length=5, choices=Settings.choices, blank=True, default=""
    )
    available = models.BooleanField(_("dostępna"), default=True)

    class Meta:
        verbose_name = _("usługa")
        verbose_name_plural = _("usługi (katalog)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def number_slots(self) -> int:
        slots: dict[str, int] = {self.Settings.THREE: 3, self.Settings.ONE: 1}
        return slots.get(self.settings_kind, 0)


class ActiveService(models.Model):
    """A service on a number, from a day to a day (open-ended while active)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="services")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, verbose_name=_("usługa"))
    active_from = models.DateField(_("od"))
    active_until = models.DateField(_("do (ostatni dzień)"), null=True, blank=True)
    numbers = models.JSONField(_("ulubione numery"), default=list, blank=True)

    class Meta:
        verbose_name = _("usługa na numerze")
        verbose_name_plural = _("usługi na numerach")
        ordering = ["contract", "service__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "service"],
                condition=Q(active_until__isnull=True),
                name="sub_service_active_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.contract}"


class Invoice(models.Model):
    account = models.ForeignKey(
        SubscriberAccount, on_delete=models.PROTECT, related_name="invoices"
    )
    number = models.CharField(_("numer"), max_length=30, unique=True)
    period_start = models.DateField(_("okres od"))
    period_end = models.DateField(_("okres do"))
    issued_on = models.DateField(_("wystawiona"))
    due_on = models.DateField(_("termin płatności"))
    net_total = models.DecimalField(_("netto"), **MONEY)
    vat_total = models.DecimalField(_("VAT"), **MONEY)
    gross_total = models.DecimalField(_("brutto"), **MONEY)
    # Where it was sent: the correspondence address on the day it was issued.
    address = models.TextField(_("adres korespondencyjny"))
    paid_at = models.DateTimeField(_("zapłacona"), null=True, blank=True)
    paid_payment_id = models.BigIntegerField(
        _("płatność on-line"), null=True, blank=True, unique=True
    )

    class Meta:
        verbose_name = _("faktura abonenta")
        verbose_name_plural = _("faktury abonentów")
        ordering = ["-period_start", "-pk"]
        indexes = [models.Index(fields=["account", "-period_start"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


class InvoiceItem(models.Model):
    class Kind(models.TextChoices):
        SUBSCRIPTION = "subscription", _("abonament")
        SERVICE = "service", _("usługa")
        PRORATION = "proration", _("opłata za część okresu")
        ONE_OFF = "one_off", _("opłata jednorazowa")
        USAGE = "usage", _("ponad pakiet")
        DISCOUNT = "discount", _("rabat")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="items")
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("numer")
    )
    kind = models.CharField(_("rodzaj"), max_length=12, choices=Kind.choices)
    # What the line is about ("tariff:ciebie-50", "service:trzy-i-ja", "usage:minutes"),
    # so that two invoices can be compared line by line.
    key = models.CharField(_("klucz pozycji"), max_length=60)
    description = models.CharField(_("opis"), max_length=200)
    quantity = models.DecimalField(_("ilość"), max_digits=10, decimal_places=2, default=1)
    net = models.DecimalField(_("netto"), **MONEY)
    vat = models.DecimalField(_("VAT"), **MONEY)
    gross = models.DecimalField(_("brutto"), **MONEY)

    class Meta:
        verbose_name = _("pozycja faktury")
        verbose_name_plural = _("pozycje faktury")
        ordering = ["contract_id", "pk"]

    def __str__(self) -> str:
        return self.description


class ProfitTransaction(models.Model):
    """Points earned (positive) or spent and expired (negative); never changed afterwards."""

    class Kind(models.TextChoices):
        EARNED = "earned", _("naliczenie")
        SPENT = "spent", _("wymiana na nagrodę")
        EXPIRED = "expired", _("wygaśnięcie")
        BONUS = "bonus", _("premia")

    account = models.ForeignKey(
        SubscriberAccount, on_delete=models.CASCADE, related_name="profit_transactions"
    )
    occurred_at = models.DateTimeField(_("kiedy"))
    kind = models.CharField(_("rodzaj"), max_length=8, choices=Kind.choices)
    points = models.IntegerField(_("punkty"))
    description = models.CharField(_("opis"), max_length=200)
    # Earned points expire on this day unless spent before.
    expires_on = models.DateField(_("wygasają"), null=True, blank=True)
    # For an expiry row: the earning it closes (once).
    expires_earning = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="expiry"
    )

    class Meta:
        verbose_name = _("transakcja Profit")
        verbose_name_plural = _("transakcje Profit")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.description}"


class ProfitReminder(models.Model):
    """That a reminder of expiring points went out, so it goes out once."""

    earning = models.ForeignKey(ProfitTransaction, on_delete=models.CASCADE)
    days_ahead = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("przypomnienie Profit")
        verbose_name_plural = _("przypomnienia Profit")
        constraints = [
            models.UniqueConstraint(fields=["earning", "days_ahead"], name="sub_profit_remind_once")
        ]

    def __str__(self) -> str:
        return f"{self.earning_id} −{self.days_ahead}"


class Order(models.Model):
    """Every change a subscriber asks for, saved before anything is sent."""

    class Kind(models.TextChoices):
        ADDRESS = "address", _("zmiana adresu korespondencyjnego")
        PAYMENT_FORM = "payment_form", _("zmiana formy płatności")
        TARIFF = "tariff", _("zmiana taryfy")
        SERVICE_ON = "service_on", _("aktywacja usługi")
        SERVICE_OFF = "service_off", _("dezaktywacja usługi")
        SERVICE_NUMBERS = "service_numbers", _("zmiana ulubionych numerów")
        LETTER = "letter", _("pismo do BOK")
        PROFIT_JOIN = "profit_join", _("przystąpienie do Programu Profit")

    class State(models.TextChoices):
        NEW = "new", _("przyjęte")
        WAITING = "waiting", _("czeka na dokumenty")
        IN_PROGRESS = "in_progress", _("w realizacji")
        DONE = "done", _("zrealizowane")
        REJECTED = "rejected", _("odrzucone")

    account = models.ForeignKey(SubscriberAccount, on_delete=models.CASCADE, related_name="orders")
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("numer")
    )
    kind = models.CharField(_("rodzaj"), max_length=16, choices=Kind.choices)
    state = models.CharField(_("stan"), max_length=12, choices=State.choices, default="new")
    summary = models.CharField(_("opis"), max_length=300)
    details = models.JSONField(_("szczegóły"), default=dict, blank=True)
    fee = models.DecimalField(_("opłata (brutto)"), default=Decimal("0"), **MONEY)
    effective_on = models.DateField(_("obowiązuje od"), null=True, blank=True)
    created_at = models.DateTimeField(_("złożone"), auto_now_add=True)
    processed_at = models.DateTimeField(_("obsłużone"), null=True, blank=True)
    staff_note = models.TextField(_("uwagi obsługi"), blank=True)

    class Meta:
        verbose_name = _("zlecenie abonenta")
        verbose_name_plural = _("zlecenia abonentów")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.account.number}"


class CaseQuerySet(models.QuerySet["Case"]):
    def with_next_deadline(self) -> "CaseQuerySet":
        """Annotate `next_deadline`: when the operator must next send something, if ever.

        An open case must be answered by its answer day; an answer or a repeated
        answer waiting in the letter queue is due when the letter must be posted
        (the answer counts as given on the day it is sent).
        """
        unposted = CaseLetter.objects.filter(case=OuterRef("pk"), posted_on__isnull=True)
        return self.annotate(
            next_deadline=Coalesce(
                Subquery(unposted.order_by("due_on").values("due_on")[:1]),
                models.Case(
                    When(state__in=Case.OPEN_STATES, then=F("answer_due_on")),
                    default=Value(None),
                    output_field=models.DateField(),
                ),
            )
        )


class Case(models.Model):
    """A letter to customer service: an order ("Zlecenie") or a complaint ("Reklamacja")."""

    class Category(models.TextChoices):
        ORDER = "zlecenie", _("Zlecenie")
        COMPLAINT = "reklamacja", _("Reklamacja")

    class State(models.TextChoices):
        RECEIVED = "received", _("przyjęta")
        INCOMPLETE = "incomplete", _("zwrócona do uzupełnienia")
        IN_PROGRESS = "in_progress", _("rozpatrywana")
        TO_POST = "to_post", _("rozpatrzona — odpowiedź czeka na wysłanie listem")
        ANSWERED = "answered", _("rozpatrzona — odpowiedź wysłana")
        REFUSED = "refused", _("pozostawiona bez rozpatrzenia")
        EXPIRED = "expired", _("nieuzupełniona w terminie")

    class Delivery(models.TextChoices):
        EMAIL = "email", _("e-mailem")
        LETTER = "letter", _("listem na adres korespondencyjny")

    # Until the answer is sent the 30 days keep running, even when it is written.
    OPEN_STATES = (State.RECEIVED, State.INCOMPLETE, State.IN_PROGRESS, State.TO_POST)

    account = models.ForeignKey(SubscriberAccount, on_delete=models.CASCADE, related_name="cases")
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("numer")
    )
    order = models.OneToOneField(Order, on_delete=models.PROTECT, null=True, blank=True)
    number = models.CharField(_("numer sprawy"), max_length=20, unique=True)
    category = models.CharField(_("rodzaj pisma"), max_length=10, choices=Category.choices)
    type_code = models.CharField(_("typ"), max_length=30)
    type_label = models.CharField(_("typ (nazwa)"), max_length=100)
    fields = models.JSONField(_("dane z formularza"), default=dict, blank=True)
    description = models.TextField(_("opis"))
    state = models.CharField(_("stan"), max_length=12, choices=State.choices, default="received")
    delivery = models.CharField(
        _("odpowiedź"), max_length=6, choices=Delivery.choices, default="email"
    )
    # The first date of filing: a complaint completed in time keeps it.
    filed_at = models.DateTimeField(_("złożona"))
    answer_due_on = models.DateField(_("termin odpowiedzi"), null=True, blank=True)
    # Concerned billing period (complaints about an invoice).
    invoice = models.ForeignKey(
        Invoice, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("faktura")
    )
    missing = models.TextField(_("czego brakuje"), blank=True)
    completion_due_on = models.DateField(_("uzupełnić do"), null=True, blank=True)
    refusal_reason = models.TextField(_("powód pozostawienia bez rozpatrzenia"), blank=True)
    answer = models.TextField(_("odpowiedź"), blank=True)
    answered_at = models.DateTimeField(_("odpowiedziano"), null=True, blank=True)
    # The day the answer was sent: e-mailed, or posted (a letter counts when posted).
    answer_sent_on = models.DateField(_("odpowiedź wysłana"), null=True, blank=True)
    resend_requested_at = models.DateTimeField(
        _("prośba o ponowne doręczenie"), null=True, blank=True
    )
    resend_due_on = models.DateField(_("ponowne doręczenie do"), null=True, blank=True)
    receipt_pdf = models.BinaryField(_("potwierdzenie przyjęcia (PDF)"), blank=True, default=b"")

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("pismo do BOK")
        verbose_name_plural = _("pisma do BOK")
        ordering = ["-filed_at", "-pk"]
        indexes = [models.Index(fields=["state", "answer_due_on"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_complaint(self) -> bool:
        return self.category == self.Category.COMPLAINT

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def days_left(self, today: date) -> int | None:
        """Days until the answer is due (negative when late); None when not counting."""
        if not self.is_open or self.answer_due_on is None:
            return None
        return (self.answer_due_on - today).days

    @property
    def answered_in_time(self) -> bool | None:
        """Whether the answer went out by its day; None until it went out."""
        if self.answer_sent_on is None or self.answer_due_on is None:
            return None
        return self.answer_sent_on <= self.answer_due_on


class CaseLetter(models.Model):
    """An answer to post: the PDF as printed, addressed as the account stood that day."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("odpowiedź na reklamację")
        REPEAT = "repeat", _("ponowne doręczenie odpowiedzi")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(_("rodzaj"), max_length=6, choices=Kind.choices)
    address = models.TextField(_("adresat"))
    due_on = models.DateField(_("wysłać najpóźniej"))
    pdf = models.BinaryField(_("list (PDF)"))
    created_at = models.DateTimeField(_("przygotowany"), default=timezone.now)
    posted_on = models.DateField(_("nadany"), null=True, blank=True)
    registered_number = models.CharField(
        _("numer nadania listu poleconego"), max_length=40, blank=True
    )
    posted_by = models.CharField(_("nadał"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("list do abonenta")
        verbose_name_plural = _("listy do abonentów")
        ordering = [F("posted_on").desc(nulls_first=True), "due_on", "pk"]
        constraints = [
            # One letter waits for the post at a time: a repeat is asked for only after.
            models.UniqueConstraint(
                fields=["case"], condition=Q(posted_on__isnull=True), name="sub_letter_one_unposted"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.number} — {self.get_kind_display()}"

    @property
    def is_posted(self) -> bool:
        return self.posted_on is not None

    @property
    def addressee(self) -> str:
        return self.address.split("\n", 1)[0]

    @property
    def filename(self) -> str:
        return f"list-{self.case.number.replace('/', '-')}-{self.pk}.pdf"


class CaseEvent(AppendOnlyModel):
    """One step of a case, as it happened; never changed afterwards."""

    class Kind(models.TextChoices):
        FILED = "filed", _("złożona")
        REFUSED = "refused", _("pozostawiona bez rozpatrzenia")
        RETURNED = "returned", _("zwrócona do uzupełnienia")
        COMPLETED = "completed", _("uzupełniona")
        EXPIRED = "expired", _("nieuzupełniona w terminie")
        ANSWERED = "answered", _("odpowiedź wysłana e-mailem")
        LETTER_READY = "letter_ready", _("list z odpowiedzią przygotowany do wysłania")
        LETTER_POSTED = "letter_posted", _("list z odpowiedzią nadany")
        RESEND = "resend", _("prośba o ponowne doręczenie")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("kiedy"), default=timezone.now)
    kind = models.CharField(_("zdarzenie"), max_length=14, choices=Kind.choices)
    who = models.CharField(_("kto"), max_length=40, blank=True)
    note = models.CharField(_("szczegóły"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("zdarzenie sprawy")
        verbose_name_plural = _("historia sprawy")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class SmsDevice(SideChannelDevice):
    """The temporary SMS password of one phone number (django-otp side channel)."""

    msisdn = models.CharField(_("numer telefonu"), max_length=15, unique=True)
    failures = models.PositiveSmallIntegerField(_("nieudane próby"), default=0)

    class Meta:
        verbose_name = _("hasło SMS")
        verbose_name_plural = _("hasła SMS")
