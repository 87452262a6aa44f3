"""Use cases of the SMS module: registration, sender names, the ledger, sending, statuses."""

import logging
import secrets
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

import phonenumbers
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from accounts.queueing import queue, queue_after_commit
from accounts.roles import Role
from notifications.gateways import DeliveryStatus, GatewayError, GatewayRejected, get_gateway
from notifications.services import email_enqueue

from . import gsm7
from .fields import Target, fill
from .models import (
    TRANSACTIONAL,
    Activation,
    Agency,
    DeliveryEvent,
    Instalment,
    InsuredPerson,
    LedgerEntry,
    Message,
    MessageType,
    Policy,
    RefusedSenderName,
    ReminderRule,
    StatusRefresh,
    Template,
)

if TYPE_CHECKING:
    from django.forms import ModelForm

logger = logging.getLogger(__name__)
WARSAW = ZoneInfo("Europe/Warsaw")
ACTIVATION_VALID = timedelta(hours=24)
MAX_ATTEMPTS = 6
CLAIM_STALE = timedelta(minutes=5)
BATCH = 200


class SmsError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InsufficientBalance(SmsError):
    def __init__(self, *, needed: Decimal, available: Decimal) -> None:
        self.needed, self.available = needed, available
        self.missing = needed - available
        super().__init__(
            _(
                "Za mało środków: wysyłka kosztuje %(needed)s zł, na koncie jest %(available)s zł. "
                "Brakuje %(missing)s zł — doładuj konto."
            )
            % {"needed": _pl(needed), "available": _pl(available), "missing": _pl(self.missing)}
        )


def _pl(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def price_per_part() -> Decimal:
    return Decimal(settings.SMS_PRICE_PER_PART)


# Registration -----------------------------------------------------------------------


def _new_registration_code() -> str:
    alphabet = "".join(c for c in string.ascii_uppercase + string.digits if c not in "0O1IL")
    while True:
        code = "SMS" + "".join(secrets.choice(alphabet) for _ in range(6))
        if not Agency.objects.filter(registration_code=code).exists():
            return code


@dataclass(frozen=True)
class Registration:
    company: str
    nip: str
    address: str
    email: str
    phone: str
    first_name: str
    last_name: str


def _activation_issue(user: User) -> str:
    token = secrets.token_urlsafe(32)
    Activation.objects.create(
        user=user, token_hash=Activation.hash(token), expires_at=timezone.now() + ACTIVATION_VALID
    )
    return token


@transaction.atomic
def agency_register(*, data: Registration) -> Agency:
    """Create the agency, its first user (no password yet) and e-mail the code and link."""
    organisation = Organisation.objects.create(
        kind=Organisation.Kind.SMS_AGENCY,
        name=data.company,
        nip=data.nip,
        address=data.address,
        email=data.email,
        phone=data.phone,
    )
    user = User(
        username=data.email.lower(),
        email=data.email.lower(),
        first_name=data.first_name,
        last_name=data.last_name,
        phone=data.phone,
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=Role.SMS_USER))
    Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.OWNER)
    agency = Agency.objects.create(
        organisation=organisation,
        registration_code=_new_registration_code(),
        agent_phone=data.phone,
    )
    token = _activation_issue(user)
    email_enqueue(
        to=user.email,
        template="sms_registration",
        context={"agency": agency, "user": user, "token": token, "hours": 24},
        topic=f"sms-agency:{agency.pk}",
    )
    return agency


def activation_find(token: str) -> Activation | None:
    """The unused, unexpired activation of this token, or None."""
    return (
        Activation.objects.select_related("user")
        .filter(token_hash=Activation.hash(token), used_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def activation_complete(*, token: str, password: str) -> User:
    """Set the password through a single-use link; a second use finds nothing."""
    activation = (
        Activation.objects.select_for_update()
        .filter(token_hash=Activation.hash(token), used_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .first()
    )
    if activation is None:
        raise SmsError(_("Link aktywacyjny wygasł albo został już użyty."))
    activation.used_at = timezone.now()
    activation.save(update_fields=["used_at"])
    user = activation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def agency_grant_to_user(*, agency: Agency, user: User) -> Membership:
    """Give an existing account (an agent's) the module of this agency."""
    user.groups.add(Group.objects.get(name=Role.SMS_USER))
    membership, _created = Membership.objects.get_or_create(
        organisation=agency.organisation, user=user
    )
    return membership


# Sender names -----------------------------------------------------------------------


def sender_name_refusal(name: str, *, agency: Agency | None = None) -> RefusedSenderName | None:
    """The listed name this one imitates, except the insurers the agency itself represents."""
    own = list(agency.own_insurers.all()) if agency is not None else []
    for refused in RefusedSenderName.objects.all():
        if refused.matches(name) and not refused.is_among(own):
            return refused
    return None


@transaction.atomic
def sender_name_choose(*, agency: Agency, name: str) -> Agency:
    """Pick a listed name (in use at once) or propose one's own (awaits authorisation)."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    name = name.strip()
    if not name:
        agency.sender_name, agency.sender_state = "", Agency.SenderState.NONE
    elif name in settings.SMS_SENDER_PRESETS:
        agency.sender_name, agency.sender_state = name, Agency.SenderState.PRESET
    else:
        refused = sender_name_refusal(name, agency=agency)
        if refused is not None:
            raise SmsError(
                _("Nazwy „%(name)s” nie można używać: %(reason)s")
                % {"name": name, "reason": refused.reason}
            )
        agency.sender_name, agency.sender_state = name, Agency.SenderState.PENDING
        agency.sender_requested_at = timezone.now()
    agency.sender_note = ""
    agency.save(update_fields=["sender_name", "sender_state", "sender_requested_at", "sender_note"])
    return agency


@transaction.atomic
def sender_name_decide(*, agency: Agency, authorise: bool, note: str = "") -> Agency:
    """Staff's decision on a proposed name, after the agency proved its right to it."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency.sender_state != Agency.SenderState.PENDING:
        raise SmsError(_("Ta nazwa nie czeka na autoryzację."))
    agency.sender_state = Agency.SenderState.AUTHORISED if authorise else Agency.SenderState.REFUSED
    agency.sender_note = note
    agency.sender_decided_at = timezone.now()
    agency.save(update_fields=["sender_state", "sender_note", "sender_decided_at"])
    return agency


# Ledger -----------------------------------------------------------------------------


def agency_balance(agency: Agency) -> Decimal:
    total = LedgerEntry.objects.filter(agency=agency).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else Decimal("0.00")


def _locked(agency: Agency) -> Agency:
    # Every change of an agency's balance takes this row lock first, so two sends
    # cannot both spend the same money.
    return Agency.objects.select_for_update().get(pk=agency.pk)


@transaction.atomic
def sms_balance_credit(
    *, agency: Agency, amount: Decimal, reason: str, by: User | None = None
) -> LedgerEntry:
    if amount <= 0:
        raise SmsError(_("Kwota doładowania musi być dodatnia."))
    _locked(agency)
    return LedgerEntry.objects.create(
        agency=agency, kind=LedgerEntry.Kind.CREDIT, amount=amount, reason=reason, created_by=by
    )


@transaction.atomic
def sms_balance_correct(*, agency: Agency, amount: Decimal, reason: str, by: User) -> LedgerEntry:
    """Staff's correction with a reason; never below zero."""
    if not reason.strip():
        raise SmsError(_("Podaj powód korekty."))
    agency = _locked(agency)
    if agency_balance(agency) + amount < 0:
        raise SmsError(_("Po tej korekcie saldo byłoby ujemne."))
    return LedgerEntry.objects.create(
        agency=agency, kind=LedgerEntry.Kind.CORRECTION, amount=amount, reason=reason, created_by=by
    )


@transaction.atomic
def sms_balance_debit(
    *, agency: Agency, parts: int, reason: str, by: User | None = None
) -> LedgerEntry:
    """Take the price of `parts` SMS parts from the account, or refuse."""
    agency = _locked(agency)
    price = price_per_part()
    cost = (price * parts).quantize(Decimal("0.01"))
    available = agency_balance(agency)
    if available < cost:
        raise InsufficientBalance(needed=cost, available=available)
    return LedgerEntry.objects.create(
        agency=agency,
        kind=LedgerEntry.Kind.DEBIT,
        amount=-cost,
        parts=parts,
        price_per_part=price,
        reason=reason,
        created_by=by,
    )


def _message_refund(message: Message, reason: str) -> None:
    """Return a message's cost once (the refund is a one-to-one of the message)."""
    if message.refund_id is not None or message.cost <= 0:
        return
    entry = LedgerEntry.objects.create(
        agency_id=message.agency_id,
        kind=LedgerEntry.Kind.RETURN,
        amount=message.cost,
        parts=message.parts,
        price_per_part=message.debit.price_per_part if message.debit is not None else None,
        reason=_("Zwrot za SMS %(id)s: %(reason)s") % {"id": message.pk, "reason": reason},
    )
    message.refund = entry


# The insured base ---------------------------------------------------------------


def phone_normalise(raw: str) -> str | None:
    """A phone number in E.164 (Polish by default), or None when it is not a valid one."""
    try:
        number = phonenumbers.parse(raw, "PL")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@transaction.atomic
def agency_settings_update(*, agency: Agency, **values: object) -> Agency:
    allowed = {"agent_phone", "reminder_hour", "window_start", "window_end"}
    fields = [name for name in values if name in allowed]
    for name in fields:
        setattr(agency, name, values[name])
    agency.save(update_fields=fields)
    return agency


@transaction.atomic
def template_save(*, agency: Agency, form: "ModelForm") -> Template:
    template = form.save(commit=False)
    template.agency = agency
    template.save()
    return template


@transaction.atomic
def person_save(*, agency: Agency, form: "ModelForm") -> InsuredPerson:
    person = form.save(commit=False)
    person.agency = agency
    if person.marketing_consent and person.consent_at is None:
        person.consent_at = timezone.now()
    if not person.marketing_consent:
        person.consent_at, person.consent_source = None, ""
    person.save()
    return person


@transaction.atomic
def person_opt_out(*, person: InsuredPerson, opted_out: bool = True) -> InsuredPerson:
    """STOP: no send overrides it (staff record replies the same way in the admin)."""
    person.opted_out_at = timezone.now() if opted_out else None
    person.save(update_fields=["opted_out_at"])
    return person


def policy_add(*, policy: Policy) -> Policy:
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as exc:
        raise SmsError(_("Polisa o tym numerze jest już w bazie.")) from exc
    return policy


@transaction.atomic
def instalment_save(*, person: InsuredPerson, form: "ModelForm") -> Instalment:
    """Add or change a policy's instalment; the form offers only this person's policies."""
    instalment: Instalment = form.save(commit=False)
    if instalment.policy.person_id != person.pk or instalment.policy.agency_id != person.agency_id:
        raise SmsError(_("Wybierz jedną z polis tej osoby."))
    instalment.save()
    return instalment


@transaction.atomic
def instalment_delete(*, instalment: Instalment) -> None:
    instalment.delete()


@transaction.atomic
def rule_save(
    *, agency: Agency, template: Template, days_ahead: int, enabled: bool
) -> ReminderRule:
    rule, _created = ReminderRule.objects.update_or_create(
        agency=agency, template=template, defaults={"days_ahead": days_ahead, "enabled": enabled}
    )
    return rule


@transaction.atomic
def sms_insured_from_policy(
    *,
    agent: User,
    name: str,
    phone: str,
    policy_number: str,
    end_date: date,
    premium: Decimal | None = None,
    insurer: str = "",
) -> Policy | None:
    """A policy issued through DMS lands in the base of the agent's agency, without consent.

    None when the agent belongs to no SMS agency. Safe to call twice (the policy
    number is unique within an agency); a person with the same phone is reused.
    """
    agency = Agency.objects.filter(organisation__memberships__user=agent).order_by("pk").first()
    if agency is None:
        return None
    existing = Policy.objects.filter(agency=agency, number=policy_number).first()
    if existing is not None:
        return existing
    normalised = phone_normalise(phone) if phone else None
    person = (
        InsuredPerson.objects.filter(agency=agency, phone=normalised).first()
        if normalised
        else None
    )
    if person is None:
        first, _space, last = name.strip().partition(" ")
        person = InsuredPerson.objects.create(
            agency=agency,
            first_name=first[:100],
            last_name=(last or first)[:150],
            phone=normalised or "",
            consent_source="",
        )
    return Policy.objects.create(
        agency=agency,
        person=person,
        number=policy_number,
        insurer=insurer,
        end_date=end_date,
        premium=premium,
    )


# Preview and send -------------------------------------------------------------------


@dataclass
class Prepared:
    target: Target
    text: str
    parts: int
    cost: Decimal
    key: str | None


@dataclass
class Excluded:
    person_name: str
    reason: str


@dataclass
class Preview:
    template: Template
    messages: list[Prepared] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)

    @property
    def parts(self) -> int:
        return sum(m.parts for m in self.messages)

    @property
    def cost(self) -> Decimal:
        return (price_per_part() * self.parts).quantize(Decimal("0.01"))


NO_CONSENT = _("brak zgody marketingowej")


def send_prepare(
    *, agency: Agency, template: Template, targets: Iterable[Target], on: date | None = None
) -> Preview:
    """Fill the template for each target and say who is left out and why."""
    on = on or timezone.localdate()
    preview = Preview(template=template)
    price = price_per_part()
    targets = list(targets)
    keys = [t.subject_key(template.kind, on) for t in targets]
    taken = set(
        Message.objects.filter(agency=agency, reminder_key__in=[k for k in keys if k]).values_list(
            "reminder_key", flat=True
        )
    )
    seen: set[str] = set()
    marketing = template.kind not in TRANSACTIONAL
    for target, key in zip(targets, keys, strict=True):
        person = target.person
        name = f"{person.first_name} {person.last_name}"
        if person.opted_out_at is not None:
            preview.excluded.append(Excluded(name, _("zrezygnował(a) z SMS")))
        elif not person.phone:
            preview.excluded.append(Excluded(name, _("brak poprawnego numeru telefonu")))
        elif marketing and not person.marketing_consent:
            preview.excluded.append(Excluded(name, NO_CONSENT))
        elif key is not None and (key in taken or key in seen):
            preview.excluded.append(Excluded(name, _("już otrzymał(a) to przypomnienie")))
        else:
            if key is not None:
                seen.add(key)
            text = fill(template.text, target.values(agency))
            parts = gsm7.parts(text)
            preview.messages.append(
                Prepared(target, text, parts, (price * parts).quantize(Decimal("0.01")), key)
            )
    return preview


def sending_window_start(moment: datetime, agency: Agency) -> datetime | None:
    """None when `moment` is inside the agency's window, else when the next window opens."""
    local = moment.astimezone(WARSAW)
    if agency.window_start <= local.hour < agency.window_end:
        return None
    day = local.date() if local.hour < agency.window_start else local.date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, agency.window_start, tzinfo=WARSAW)


@transaction.atomic
def sms_send(
    *, agency: Agency, preview: Preview, by: User | None = None, now: datetime | None = None
) -> list[Message]:
    """Debit the whole preview at once and queue its messages, or refuse it whole."""
    if not preview.messages:
        raise SmsError(_("Nie ma do kogo wysłać: wszyscy odbiorcy zostali pominięci."))
    now = now or timezone.now()
    debit = sms_balance_debit(
        agency=agency,
        parts=preview.parts,
        reason=_("Wysyłka „%(name)s”: %(n)s SMS")
        % {"name": preview.template.name, "n": len(preview.messages)},
        by=by,
    )
    agency = Agency.objects.get(pk=agency.pk)
    sender = agency.effective_sender
    not_before = sending_window_start(now, agency)
    # Ids rather than objects for the relations: ten thousand rows are built here.
    rows = [
        Message(
            agency_id=agency.pk,
            template_id=preview.template.pk,
            person_id=p.target.person.pk,
            kind=preview.template.kind,
            recipient=p.target.person.phone,
            recipient_name=f"{p.target.person.first_name} {p.target.person.last_name}"[:250],
            sender=sender,
            text=p.text,
            parts=p.parts,
            cost=p.cost,
            debit_id=debit.pk,
            reminder_key=p.key,
            not_before=not_before,
            queued_at=now,
        )
        for p in preview.messages
    ]
    try:
        with transaction.atomic():
            messages = _messages_insert(rows)
    except IntegrityError as exc:  # a reminder sent meanwhile by another send
        raise SmsError(_("Część tych przypomnień została już wysłana. Odśwież podgląd.")) from exc
    ids = [m.pk for m in messages]
    if not_before is None:
        transaction.on_commit(lambda: _queue_delivery(ids))
    return messages


def _messages_insert(rows: list[Message]) -> list[Message]:
    """Write many messages at once: on PostgreSQL ids from the sequence, then one COPY.

    A reminder run writes thousands of rows; COPY takes a tenth of the time of
    INSERTs built by the ORM. Elsewhere (the embedded SQLite mode) bulk_create.
    """
    if connection.vendor != "postgresql" or not rows:
        return Message.objects.bulk_create(rows, batch_size=2000)
    fields = Message._meta.concrete_fields
    table = Message._meta.db_table
    # A concrete field always has its column (only a private, virtual one has None).
    columns = ", ".join(connection.ops.quote_name(cast(str, f.column)) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk
        statement = f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
        # Errors of COPY (a reminder key taken meanwhile) arrive as Django's IntegrityError.
        with connection.wrap_database_errors, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([getattr(row, f.attname) for f in fields])
    for row in rows:
        row._state.adding = False
    return rows


def _queue_delivery(ids: Sequence[int]) -> None:
    """Publish delivery in batches; a broker that is down leaves them to sms_release_due."""
    for start in range(0, len(ids), BATCH):
        queue(
            "notifications.sms.tasks.sms_messages_deliver",
            list(ids[start : start + BATCH]),
            sweeper="sms_release_due",
        )


# Delivery ---------------------------------------------------------------------------


def _claim(message_ids: Sequence[int], now: datetime) -> list[Message]:
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_STALE)
    due = Q(not_before__isnull=True) | Q(not_before__lte=now)
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk__in=message_ids, status=Message.Status.QUEUED, gateway_id="")
            .filter(claimable, due)
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=ids).update(claimed_at=now, attempts=F("attempts") + 1)
    return list(Message.objects.filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def _fail(message_id: int, reason: str, now: datetime) -> None:
    message = (
        Message.objects.select_for_update(of=("self",)).select_related("debit").get(pk=message_id)
    )
    if message.is_final or message.status != Message.Status.QUEUED:
        return
    message.status = Message.Status.FAILED
    message.final_at = now
    message.failure_reason = reason[:300]
    message.claimed_at = None
    _message_refund(message, reason)
    message.save(update_fields=["status", "final_at", "failure_reason", "claimed_at", "refund"])
    DeliveryEvent.objects.create(
        message=message,
        source=DeliveryEvent.Source.SEND,
        status="failed",
        detail=reason[:300],
        applied=True,
    )


def sms_messages_deliver(*, message_ids: Sequence[int]) -> list[int]:
    """Hand queued messages to the gateway; return the ids worth another try later."""
    gateway = get_gateway()
    now = timezone.now()
    retry: list[int] = []
    sent_rows: list[Message] = []
    events: list[DeliveryEvent] = []
    for message in _claim(message_ids, now):
        try:
            gateway_id = gateway.send(
                sender=message.sender,
                recipient=message.recipient,
                text=message.text,
                idempotency_key=message.idempotency_key,
            )
        except GatewayRejected as exc:
            _fail(message.pk, _("operator odrzucił wiadomość: %(r)s") % {"r": exc.reason}, now)
        except GatewayError as exc:
            if message.attempts >= MAX_ATTEMPTS:
                _fail(message.pk, _("bramka SMS niedostępna: %(r)s") % {"r": exc}, now)
            else:
                Message.objects.filter(pk=message.pk).update(
                    claimed_at=None, failure_reason=str(exc)[:300]
                )
                retry.append(message.pk)
        else:
            message.gateway_id, message.status, message.sent_at = gateway_id, "sent", now
            message.claimed_at, message.failure_reason = None, ""
            sent_rows.append(message)
            events.append(
                DeliveryEvent(
                    message=message,
                    source=DeliveryEvent.Source.SEND,
                    status="sent",
                    # No id: the gateway had this message under our key from an
                    # earlier try whose answer was lost; its reports come by the key.
                    detail=gateway_id or _("przyjęta już przy wcześniejszej próbie"),
                    applied=True,
                )
            )
    if sent_rows:
        with transaction.atomic():
            _mark_sent(sent_rows, now)
            DeliveryEvent.objects.bulk_create(events)
    return retry


def _mark_sent(rows: list[Message], now: datetime) -> None:
    """One UPDATE for a batch handed to the gateway, each row with its gateway id."""
    if connection.vendor != "postgresql":
        Message.objects.bulk_update(
            rows, ["gateway_id", "status", "sent_at", "claimed_at", "failure_reason"]
        )
        return
    values = ", ".join(["(%s::bigint, %s::varchar)"] * len(rows))
    params: list[str | int | datetime] = [Message.Status.SENT, now]
    for row in rows:
        params += [row.pk, row.gateway_id]
    with connection.cursor() as cursor:
        # Only a message still queued moves: a report that came first is not undone.
        cursor.execute(
            "UPDATE sms_message AS m SET status = %s, sent_at = %s, gateway_id = v.gid, "  # noqa: S608 - only placeholders are formatted in
            "claimed_at = NULL, failure_reason = '' "
            f"FROM (VALUES {values}) AS v(id, gid) WHERE m.id = v.id AND m.status = 'queued'",
            params,
        )


def retry_countdown(attempt: int) -> int:
    """Backoff between tries: 30 s, 1, 2, 4, 8 minutes…"""
    return min(30 * 2 ** max(attempt - 1, 0), 3600)


def sms_release_due(*, now: datetime | None = None) -> int:
    """Queue what waits: messages whose window has opened, or whose queueing was lost."""
    now = now or timezone.now()
    ids = list(
        Message.objects.filter(status=Message.Status.QUEUED, gateway_id="")
        .filter(
            Q(not_before__isnull=True, queued_at__lt=now - CLAIM_STALE) | Q(not_before__lte=now)
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_STALE))
        .values_list("pk", flat=True)[:5000]
    )
    _queue_delivery(ids)
    return len(ids)


# Statuses ---------------------------------------------------------------------------


@transaction.atomic
def message_status_apply(
    *,
    message: Message,
    status: str,
    source: str,
    detail: str = "",
    raw: dict | None = None,
    at: datetime | None = None,
) -> bool:
    """Record a report and move the status if it moves forward; True if it changed."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    applied = status in Message.Status.values and Message.may_move(message.status, status)
    if applied:
        message.status = status
        fields = ["status"]
        if status in Message.FINAL:
            message.final_at = at or timezone.now()
            fields.append("final_at")
        if status == Message.Status.SENT and message.sent_at is None:
            message.sent_at = at or timezone.now()
            fields.append("sent_at")
        message.save(update_fields=fields)
    DeliveryEvent.objects.create(
        message=message,
        source=source,
        status=status,
        detail=detail[:300],
        raw=raw or {},
        applied=applied,
        reported_at=at,
    )
    return applied


def message_for_report(*, gateway_id: str, idx: str = "") -> Message | None:
    """The message a gateway's report is about: by the gateway's id, else by our key.

    A message accepted on an earlier try whose answer was lost has no gateway id
    yet; its first report, carrying our key as `idx`, gives it the id.
    """
    message = Message.objects.filter(gateway_id=gateway_id).first() if gateway_id else None
    if message is not None:
        return message
    pk = Message.pk_of_idempotency_key(idx)
    if pk is None:
        return None
    message = Message.objects.filter(pk=pk).first()
    if message is None or (message.gateway_id and message.gateway_id != gateway_id):
        return None
    if gateway_id and not message.gateway_id:
        Message.objects.filter(pk=message.pk, gateway_id="").update(gateway_id=gateway_id)
        message.gateway_id = gateway_id
    return message


@transaction.atomic
def status_refresh_start(*, agency: Agency, messages: Sequence[Message]) -> StatusRefresh:
    ids = [m.pk for m in messages if m.gateway_id]
    refresh = StatusRefresh.objects.create(agency=agency, message_ids=ids, total=len(ids))
    queue_after_commit(
        "notifications.sms.tasks.sms_status_refresh", refresh.pk, sweeper="a new Odśwież status"
    )
    return refresh


def status_refresh_run(*, refresh_id: int, chunk: int = 50) -> StatusRefresh | None:
    """Ask the gateway about a refresh's messages, chunk by chunk, counting progress."""
    refresh = StatusRefresh.objects.filter(pk=refresh_id, finished_at__isnull=True).first()
    if refresh is None:
        return None
    gateway = get_gateway()
    ids = refresh.message_ids[refresh.done :]
    for start in range(0, len(ids), chunk):
        batch = list(
            Message.objects.filter(pk__in=ids[start : start + chunk], agency=refresh.agency)
        )
        by_gateway = {m.gateway_id: m for m in batch if m.gateway_id}
        statuses: list[DeliveryStatus] = gateway.statuses(list(by_gateway))
        for reported in statuses:
            message = by_gateway.get(reported.message_id)
            if message is not None:
                message_status_apply(
                    message=message,
                    status=reported.status,
                    source=DeliveryEvent.Source.REFRESH,
                    detail=reported.detail,
                    at=reported.at,
                )
        done = len(ids[start : start + chunk])
        StatusRefresh.objects.filter(pk=refresh.pk).update(done=F("done") + done)
    StatusRefresh.objects.filter(pk=refresh.pk).update(finished_at=timezone.now())
    refresh.refresh_from_db()
    return refresh


def message_types_for_marketing() -> list[str]:
    return [k for k in MessageType.values if k not in TRANSACTIONAL]
