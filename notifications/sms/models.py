"""The SMS module: agencies, templates, the insured base, the prepaid ledger, messages."""

import hashlib
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import AppendOnlyModel, Organisation, User

from . import gsm7

# Agencies ---------------------------------------------------------------------------

SENDER_NAME_RE = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 .\-]{1,11}$")
sender_name_validator = RegexValidator(
    SENDER_NAME_RE,
    _(
        "Nazwa nadawcy: najwyżej 11 znaków — litery bez polskich znaków, cyfry, spacja, "
        "kropka lub myślnik — i co najmniej jedna litera."
    ),
)


def default_window_start() -> int:
    return int(settings.SMS_WINDOW_START)


def default_window_end() -> int:
    return int(settings.SMS_WINDOW_END)


def normalise_sender(name: str) -> str:
    """A sender name as operators compare them: no case, spaces or look-alike characters."""
    plain = gsm7.transliterate(name).upper()
    plain = re.sub(r"[^A-Z0-9]", "", plain)
    return plain.translate(str.maketrans("0158", "OISB"))


class RefusedSenderName(models.Model):
    """A sender name operators block (public bodies, banks, couriers, insurers), with why."""

    class Category(models.TextChoices):
        PUBLIC = "public", _("instytucja publiczna")
        BANK = "bank", _("bank")
        COURIER = "courier", _("firma kurierska lub poczta")
        INSURER = "insurer", _("zakład ubezpieczeń")
        OTHER = "other", _("inna")

    name = models.CharField(_("nazwa"), max_length=40, unique=True)
    category = models.CharField(
        _("rodzaj"), max_length=10, choices=Category.choices, default=Category.OTHER
    )
    reason = models.CharField(_("powód"), max_length=300)

    class Meta:
        verbose_name = _("zakazana nazwa nadawcy")
        verbose_name_plural = _("zakazane nazwy nadawców")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def matches(self, candidate: str) -> bool:
        own, other = normalise_sender(self.name), normalise_sender(candidate)
        if not own:
            return False
        # Short names (ING, ZUS) only as the whole name, or words like "WINGS" would fall.
        return other == own if len(own) < 4 else own in other

    def is_among(self, insurers: Iterable["RefusedSenderName"]) -> bool:
        """Whether this insurer's name is one of these (or part of one: Hestia in Ergo Hestia)."""
        if self.category != self.Category.INSURER:
            return False
        own = normalise_sender(self.name)
        for insurer in insurers:
            theirs = normalise_sender(insurer.name)
            if own and (own == theirs if len(own) < 4 else own in theirs):
                return True
        return False


class Agency(models.Model):
    """An organisation of kind SMS_AGENCY as a user of the module; its row is the balance lock."""

    class SenderState(models.TextChoices):
        NONE = "none", _("brak (Bramka SMS)")
        PRESET = "preset", _("z listy")
        PENDING = "pending", _("oczekuje na autoryzację")
        AUTHORISED = "authorised", _("autoryzowana")
        REFUSED = "refused", _("odrzucona")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="sms_agency"
    )
    registration_code = models.CharField(_("kod rejestracyjny"), max_length=12, unique=True)
    sender_name = models.CharField(
        _("nazwa nadawcy"), max_length=11, blank=True, validators=[sender_name_validator]
    )
    sender_state = models.CharField(
        _("stan nazwy nadawcy"),
        max_length=12,
        choices=SenderState.choices,
        default=SenderState.NONE,
    )
    sender_note = models.CharField(_("uwagi do nazwy nadawcy"), max_length=300, blank=True)
    sender_requested_at = models.DateTimeField(_("zgłoszono nazwę"), null=True, blank=True)
    sender_decided_at = models.DateTimeField(_("rozpatrzono nazwę"), null=True, blank=True)
    agent_phone = models.CharField(_("telefon agenta w SMS"), max_length=20, blank=True)
    # Set by staff once the agency has shown its agency agreement: the names of these
    # insurers are no imitation when this agency uses them.
    own_insurers = models.ManyToManyField(
        RefusedSenderName,
        verbose_name=_("ubezpieczyciele, których agencja reprezentuje"),
        blank=True,
        related_name="represented_by",
        limit_choices_to={"category": "insurer"},
    )
    reminder_hour = models.PositiveSmallIntegerField(_("godzina przypomnień"), default=9)
    window_start = models.PositiveSmallIntegerField(
        _("wysyłka od godziny"), default=default_window_start
    )
    window_end = models.PositiveSmallIntegerField(
        _("wysyłka do godziny"), default=default_window_end
    )
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)

    class Meta:
        verbose_name = _("agencja SMS")
        verbose_name_plural = _("agencje SMS")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation.name} ({self.registration_code})"

    @property
    def effective_sender(self) -> str:
        """What recipients see: an authorised or listed name, else the gateway's default."""
        if self.sender_name and self.sender_state in (
            self.SenderState.AUTHORISED,
            self.SenderState.PRESET,
        ):
            return self.sender_name
        return settings.SMS_DEFAULT_SENDER


class Activation(models.Model):
    """A single-use link (24 h) where a new agency user sets a password; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sms_activations")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("link aktywacyjny")
        verbose_name_plural = _("linki aktywacyjne")

    def __str__(self) -> str:
        return f"{self.user} ({self.expires_at:%Y-%m-%d %H:%M})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


# Templates --------------------------------------------------------------------------


class MessageType(models.TextChoices):
    INSPECTION = "inspection", _("przypomnienie o badaniu technicznym")
    RENEWAL = "renewal", _("przypomnienie o odnowieniu polisy")
    POLICY_END = "policy_end", _("informacja o końcu polisy")
    INSTALMENT = "instalment", _("przypomnienie o racie / płatności")
    BIRTHDAY = "birthday", _("życzenia urodzinowe")
    FREE = "free", _("dowolny tekst")


# A fact about the person's own contract may go to anyone who has not opted out;
# anything else is marketing and needs consent.
TRANSACTIONAL = frozenset({MessageType.POLICY_END, MessageType.INSTALMENT})


class Template(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="templates")
    kind = models.CharField(_("typ wiadomości"), max_length=20, choices=MessageType.choices)
    name = models.CharField(_("nazwa"), max_length=100)
    text = models.TextField(_("treść"), max_length=1000)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zmieniono"), auto_now=True)

    class Meta:
        verbose_name = _("wzór SMS")
        verbose_name_plural = _("wzory SMS")
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_marketing(self) -> bool:
        return self.kind not in TRANSACTIONAL


# The insured base -------------------------------------------------------------------


class InsuredPerson(models.Model):
    class ConsentSource(models.TextChoices):
        FORM = "form", _("formularz / oświadczenie na piśmie")
        PHONE = "phone", _("rozmowa telefoniczna")
        IMPORT = "import", _("import z pliku")
        DMS = "dms", _("polisa zawarta przez DMS")
        OTHER = "other", _("inne")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="persons")
    first_name = models.CharField(_("imię"), max_length=100)
    last_name = models.CharField(_("nazwisko"), max_length=150)
    phone = models.CharField(_("telefon (E.164)"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    birth_date = models.DateField(_("data urodzenia"), null=True, blank=True)
    marketing_consent = models.BooleanField(_("zgoda marketingowa"), default=False)
    consent_at = models.DateTimeField(_("data zgody"), null=True, blank=True)
    consent_source = models.CharField(
        _("źródło zgody"), max_length=10, choices=ConsentSource.choices, blank=True
    )
    opted_out_at = models.DateTimeField(_("rezygnacja z SMS"), null=True, blank=True)
    created_at = models.DateTimeField(_("dodano"), auto_now_add=True)

    class Meta:
        verbose_name = _("ubezpieczony")
        verbose_name_plural = _("ubezpieczeni")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [models.Index(fields=["agency", "last_name"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Policy(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="policies")
    person = models.ForeignKey(InsuredPerson, on_delete=models.CASCADE, related_name="policies")
    number = models.CharField(_("numer polisy"), max_length=50)
    insurer = models.CharField(_("ubezpieczyciel"), max_length=100, blank=True)
    end_date = models.DateField(_("koniec ochrony"), db_index=True)
    premium = models.DecimalField(
        _("składka"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("polisa")
        verbose_name_plural = _("polisy")
        ordering = ["end_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="sms_policy_number_once")
        ]

    def __str__(self) -> str:
        return self.number


class Instalment(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="instalments")
    due_date = models.DateField(_("termin raty"), db_index=True)
    amount = models.DecimalField(_("kwota raty"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("rata")
        verbose_name_plural = _("raty")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.policy} {self.due_date}"


class Vehicle(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="vehicles")
    person = models.ForeignKey(InsuredPerson, on_delete=models.CASCADE, related_name="vehicles")
    registration = models.CharField(_("numer rejestracyjny"), max_length=12)
    inspection_date = models.DateField(
        _("termin badania technicznego"), null=True, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("pojazd")
        verbose_name_plural = _("pojazdy")
        ordering = ["registration", "pk"]

    def __str__(self) -> str:
        return self.registration


# Money ------------------------------------------------------------------------------


class LedgerEntry(AppendOnlyModel):
    """One movement of an agency's prepaid balance; the balance is their sum."""

    class Kind(models.TextChoices):
        CREDIT = "credit", _("doładowanie")
        DEBIT = "debit", _("wysyłka")
        RETURN = "return", _("zwrot za niewysłane")
        CORRECTION = "correction", _("korekta obsługi")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(_("rodzaj"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("kwota"), max_digits=12, decimal_places=2)
    parts = models.PositiveIntegerField(_("części SMS"), default=0)
    # The price in force when the entry was made, so a later change rewrites nothing.
    price_per_part = models.DecimalField(
        _("cena za część"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    reason = models.CharField(_("opis"), max_length=300)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("data"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("operacja na koncie")
        verbose_name_plural = _("operacje na koncie")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} zł"


# Messages ---------------------------------------------------------------------------


class Message(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("w kolejce")
        SENT = "sent", _("wysłana")
        DELIVERED = "delivered", _("dostarczona")
        UNDELIVERED = "undelivered", _("nie dostarczona")
        FAILED = "failed", _("błąd wysyłki")

    FINAL: frozenset[str] = frozenset({Status.DELIVERED, Status.UNDELIVERED, Status.FAILED})
    RANK: dict[str, int] = {Status.QUEUED: 0, Status.SENT: 1}

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="messages")
    template = models.ForeignKey(
        Template, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    person = models.ForeignKey(
        InsuredPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    kind = models.CharField(_("typ"), max_length=20, choices=MessageType.choices)
    recipient = models.CharField(_("numer"), max_length=20)
    recipient_name = models.CharField(_("odbiorca"), max_length=250, blank=True)
    sender = models.CharField(_("nadawca"), max_length=11)
    text = models.TextField(_("treść"))
    parts = models.PositiveSmallIntegerField(_("części"))
    cost = models.DecimalField(_("koszt"), max_digits=8, decimal_places=2)
    status = models.CharField(
        _("stan"), max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    debit = models.ForeignKey(
        LedgerEntry, on_delete=models.PROTECT, related_name="messages", null=True, blank=True
    )
    refund = models.OneToOneField(
        LedgerEntry,
        on_delete=models.PROTECT,
        related_name="refunded_message",
        null=True,
        blank=True,
    )
    # A scheduled reminder's key ("inspection:vehicle:17:2026-12-10"): a unique
    # constraint, not a check before inserting, keeps it from going out twice.
    reminder_key = models.CharField(max_length=100, null=True, blank=True)
    gateway_id = models.CharField(_("identyfikator u operatora"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("próby"), default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(_("przyczyna błędu"), max_length=300, blank=True)
    not_before = models.DateTimeField(_("nie wcześniej niż"), null=True, blank=True)
    queued_at = models.DateTimeField(_("zlecono"), db_index=True)
    sent_at = models.DateTimeField(_("wysłano"), null=True, blank=True)
    final_at = models.DateTimeField(_("stan końcowy"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS")
        verbose_name_plural = _("SMS-y")
        ordering = ["-queued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "reminder_key"], name="sms_reminder_once")
        ]
        indexes = [
            # The list's order, for seeking to a page (selectors.KeysetPage), and the
            # same under the status filter.
            models.Index(fields=["agency", "-queued_at", "-id"]),
            models.Index(fields=["agency", "status", "-queued_at", "-id"]),
            models.Index(fields=["gateway_id"]),
        ]

    def __str__(self) -> str:
        return f"SMS {self.pk} → {self.recipient}"

    @property
    def idempotency_key(self) -> str:
        return f"sms:{self.pk}"

    @staticmethod
    def pk_of_idempotency_key(key: str) -> int | None:
        """The message an `idempotency_key` names (the gateway hands it back as `idx`)."""
        prefix, _colon, pk = key.partition(":")
        return int(pk) if prefix == "sms" and pk.isdigit() else None

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL

    @classmethod
    def may_move(cls, current: str, new: str) -> bool:
        """A status never moves back: from a final state not at all, otherwise only forward."""
        if current in cls.FINAL or current == new:
            return False
        if new in cls.FINAL:
            return True
        return cls.RANK.get(new, 0) > cls.RANK.get(current, 0)


class DeliveryEvent(AppendOnlyModel):
    """Every report about a message, as received (callback, refresh, the gateway's answer)."""

    class Source(models.TextChoices):
        SEND = "send", _("wysyłka")
        CALLBACK = "callback", _("raport operatora")
        REFRESH = "refresh", _("odświeżenie stanu")
        SYSTEM = "system", _("system")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    source = models.CharField(_("źródło"), max_length=10, choices=Source.choices)
    status = models.CharField(_("stan"), max_length=12)
    detail = models.CharField(_("szczegóły"), max_length=300, blank=True)
    raw = models.JSONField(_("dane"), default=dict, blank=True)
    applied = models.BooleanField(_("zmienił stan"), default=False)
    reported_at = models.DateTimeField(_("czas u operatora"), null=True, blank=True)
    created_at = models.DateTimeField(_("otrzymano"), auto_now_add=True)

    class Meta:
        verbose_name = _("zdarzenie doręczenia")
        verbose_name_plural = _("zdarzenia doręczenia")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.status}"


class StatusRefresh(models.Model):
    """One "Odśwież status" request: a batch the worker asks the gateway about."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="refreshes")
    message_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("odświeżenie stanu")
        verbose_name_plural = _("odświeżenia stanu")

    def __str__(self) -> str:
        return f"{self.done}/{self.total}"


# Scheduled reminders ----------------------------------------------------------------


class ReminderRule(models.Model):
    """A template's type turned into a daily send, at the agency's hour."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="rules")
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="rules")
    days_ahead = models.PositiveSmallIntegerField(_("ile dni przed terminem"), default=14)
    enabled = models.BooleanField(_("włączona"), default=True)
    last_run_on = models.DateField(_("ostatnio uruchomiona"), null=True, blank=True)

    class Meta:
        verbose_name = _("reguła przypomnień")
        verbose_name_plural = _("reguły przypomnień")
        constraints = [models.UniqueConstraint(fields=["agency", "template"], name="sms_rule_once")]

    def __str__(self) -> str:
        return f"{self.template} ({self.days_ahead} dni)"


# Top-ups ----------------------------------------------------------------------------


class BankStatement(models.Model):
    filename = models.CharField(_("plik"), max_length=200)
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("wczytano"), auto_now_add=True)

    class Meta:
        verbose_name = _("wyciąg bankowy")
        verbose_name_plural = _("wyciągi bankowe")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename


class StatementLine(models.Model):
    """One incoming transfer of a statement; its key makes a re-upload change nothing."""

    class State(models.TextChoices):
        CREDITED = "credited", _("zaksięgowano")
        UNMATCHED = "unmatched", _("nie przypisano")
        IGNORED = "ignored", _("pominięto")

    statement = models.ForeignKey(BankStatement, on_delete=models.CASCADE, related_name="lines")
    line_key = models.CharField(max_length=64, unique=True)
    booked_on = models.DateField(_("data księgowania"))
    amount = models.DecimalField(_("kwota"), max_digits=12, decimal_places=2)
    title = models.CharField(_("tytuł"), max_length=500)
    counterparty = models.CharField(_("nadawca przelewu"), max_length=300, blank=True)
    state = models.CharField(_("stan"), max_length=10, choices=State.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="statement_lines"
    )

    class Meta:
        verbose_name = _("pozycja wyciągu")
        verbose_name_plural = _("pozycje wyciągu")
        ordering = ["-booked_on", "pk"]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} {self.title[:40]}"

    @staticmethod
    def key_for(*, booked_on: date, amount: Decimal, title: str, reference: str) -> str:
        raw = f"{booked_on.isoformat()}|{amount}|{title.strip()}|{reference.strip()}"
        return hashlib.sha256(raw.encode()).hexdigest()


class TopUp(models.Model):
    class Source(models.TextChoices):
        ONLINE = "online", _("płatność online")
        TRANSFER = "transfer", _("przelew")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="topups")
    source = models.CharField(_("źródło"), max_length=10, choices=Source.choices)
    amount = models.DecimalField(_("kwota brutto"), max_digits=12, decimal_places=2)
    payment = models.OneToOneField(
        "payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    statement_line = models.OneToOneField(
        StatementLine, on_delete=models.PROTECT, null=True, blank=True, related_name="topup"
    )
    credit = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="topup"
    )
    credited_at = models.DateTimeField(_("zaksięgowano"), null=True, blank=True)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)

    class Meta:
        verbose_name = _("doładowanie")
        verbose_name_plural = _("doładowania")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.amount} zł ({self.get_source_display()})"

    @property
    def invoice_topic(self) -> str:
        return f"sms-topup:{self.pk}"


class ImportBatch(models.Model):
    """A CSV file read but not imported: good rows wait for the user's confirmation.

    Once confirmed, a worker imports every good row in one transaction: either all
    of them land in the base or none does, and the batch says which (and why not).
    """

    class State(models.TextChoices):
        PREVIEW = "preview", _("czeka na potwierdzenie")
        QUEUED = "queued", _("w kolejce")
        RUNNING = "running", _("importujemy")
        DONE = "done", _("zaimportowano")
        FAILED = "failed", _("nie zaimportowano")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=200)
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    good = models.PositiveIntegerField(_("poprawnych wierszy"), default=0)
    state = models.CharField(_("stan"), max_length=10, choices=State.choices, default=State.PREVIEW)
    imported = models.PositiveIntegerField(_("zaimportowano osób"), default=0)
    failure = models.CharField(_("przyczyna niepowodzenia"), max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("import CSV")
        verbose_name_plural = _("importy CSV")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_working(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
