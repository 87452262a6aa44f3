"""Use cases of the subscriber self-service.

Every change a subscriber asks for is saved as an `Order` in the same
transaction as the change itself, before anything is sent: mail and SMS go
through the outbox, which retries them.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import holidays
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from accounts.audit import security_event
from notifications.pdf import render_pdf
from notifications.services import Attachment, email_enqueue, sms_enqueue

from . import billing
from .models import (
    ActiveService,
    Case,
    CaseEvent,
    CaseLetter,
    Contract,
    Invoice,
    Order,
    ProfitReminder,
    ProfitTransaction,
    Service,
    SubscriberAccount,
    TariffPlan,
    add_months,
)

COMPLAINT_ANSWER_DAYS = 30
COMPLETION_DAYS = 7
RESEND_WORKING_DAYS = 3
COMPLAINT_LIMIT_MONTHS = 12
PROFIT_REMINDER_DAYS = (30, 7)
PROFIT_CONSENT = (
    "Przystępuję do Programu Profit i akceptuję jego regulamin. Zgadzam się na naliczanie "
    "punktów za opłacone faktury oraz na informowanie mnie o punktach i ich wygasaniu "
    "SMS-em lub e-mailem."
)


class SubscriberError(Exception):
    """A change that cannot be made; `message` says why, in Polish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def next_period_start(account: SubscriberAccount, today: date) -> date:
    start, _end = account.period_containing(today)
    return add_months(start, 1)


def working_days_after(day: date, count: int) -> date:
    """The `count`-th working day after `day` (Polish public holidays and weekends off)."""
    calendar = holidays.country_holidays("PL", years=range(day.year, day.year + 2))
    current = day
    while count:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in calendar:
            count -= 1
    return current


def _order(
    *,
    account: SubscriberAccount,
    contract: Contract | None,
    kind: str,
    summary: str,
    details: dict | None = None,
    fee: Decimal = Decimal("0"),
    effective_on: date | None = None,
    state: str = Order.State.NEW,
) -> Order:
    return Order.objects.create(
        account=account,
        contract=contract,
        kind=kind,
        summary=summary[:300],
        details=details or {},
        fee=fee,
        effective_on=effective_on,
        state=state,
    )


# Subscriber data ------------------------------------------------------------------


@transaction.atomic
def address_change(
    *, account: SubscriberAccount, street: str, postal_code: str, city: str, who: str
) -> Order:
    """Change the correspondence address now; the next invoice goes there."""
    account = SubscriberAccount.objects.select_for_update().get(pk=account.pk)
    before = {"street": account.street, "postal_code": account.postal_code, "city": account.city}
    after = {"street": street, "postal_code": postal_code, "city": city}
    account.street, account.postal_code, account.city = street, postal_code, city
    account.save(update_fields=["street", "postal_code", "city"])
    order = _order(
        account=account,
        contract=None,
        kind=Order.Kind.ADDRESS,
        summary=f"{street}, {postal_code} {city}",
        details={"before": before, "after": after},
        effective_on=timezone.localdate(),
        state=Order.State.DONE,
    )
    security_event(
        "subscriber.address_changed",
        who=who,
        account=account.number,
        before="|".join(before.values()).replace(" ", "_"),
        after="|".join(after.values()).replace(" ", "_"),
    )
    return order


# Payments -------------------------------------------------------------------------


@transaction.atomic
def payment_form_request(
    *, account: SubscriberAccount, payment_form: str, email: str = "", bank_account: str = ""
) -> Order:
    """Record a request to change the payment form; it takes effect once the signed form arrives."""
    account = SubscriberAccount.objects.select_for_update().get(pk=account.pk)
    if payment_form == account.payment_form:
        raise SubscriberError(_("Ta forma płatności jest już ustawiona na Twoim koncie."))
    details: dict[str, str] = {"from": account.payment_form, "to": payment_form}
    if payment_form == SubscriberAccount.PaymentForm.E_INVOICE:
        now = timezone.now()
        details["email"] = email
        details["consent_at"] = now.isoformat()
        account.e_invoice_consent_at = now
        account.save(update_fields=["e_invoice_consent_at"])
    if payment_form == SubscriberAccount.PaymentForm.DIRECT_DEBIT:
        details["bank_account"] = bank_account
    label = SubscriberAccount.PaymentForm(payment_form).label
    return _order(
        account=account,
        contract=None,
        kind=Order.Kind.PAYMENT_FORM,
        summary=_("Nowa forma płatności: %(form)s") % {"form": label},
        details=details,
        effective_on=next_period_start(account, timezone.localdate()),
        state=Order.State.WAITING,
    )


@transaction.atomic
def order_process(*, order: Order, state: str) -> Order:
    """Staff move an order on; a completed payment-form request takes effect on the account."""
    order = Order.objects.select_for_update().select_related("account").get(pk=order.pk)
    if order.state in (Order.State.DONE, Order.State.REJECTED):
        return order
    order.state = state
    order.processed_at = timezone.now()
    order.save(update_fields=["state", "processed_at"])
    if state == Order.State.DONE and order.kind == Order.Kind.PAYMENT_FORM:
        account = SubscriberAccount.objects.select_for_update().get(pk=order.account_id)
        account.payment_form = order.details["to"]
        if order.details.get("email"):
            account.email = order.details["email"]
        account.save(update_fields=["payment_form", "email"])
    return order


@transaction.atomic
def invoice_mark_paid(*, invoice_id: int, payment_id: int, paid_at: datetime) -> Invoice:
    """The provider confirmed the payment: the invoice is paid (once)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    if invoice.paid_at is None:
        invoice.paid_at = paid_at
        invoice.paid_payment_id = payment_id
        invoice.save(update_fields=["paid_at", "paid_payment_id"])
    return invoice


@transaction.atomic
def tariff_change(*, contract: Contract, tariff: TariffPlan) -> Order:
    """Ask for a new tariff plan from the start of the next billing period."""
    contract = Contract.objects.select_for_update().select_related("account").get(pk=contract.pk)
    if tariff.pk == contract.tariff_id:
        raise SubscriberError(_("To jest Twoja obecna taryfa."))
    if not tariff.available or tariff.segment != contract.account.kind:
        raise SubscriberError(_("Ta taryfa nie jest dostępna dla Twojego konta."))
    effective = next_period_start(contract.account, timezone.localdate())
    contract.next_tariff, contract.next_tariff_from = tariff, effective
    contract.save(update_fields=["next_tariff", "next_tariff_from"])
    return _order(
        account=contract.account,
        contract=contract,
        kind=Order.Kind.TARIFF,
        summary=_("Zmiana taryfy na %(name)s") % {"name": tariff.name},
        details={"from": contract.tariff.code, "to": tariff.code},
        effective_on=effective,
    )


def tariffs_apply_due(*, today: date) -> int:
    """Switch the numbers whose new tariff starts today or earlier; return how many."""
    count = 0
    for contract_id in Contract.objects.filter(next_tariff_from__lte=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            contract = Contract.objects.select_for_update().get(pk=contract_id)
            due = contract.next_tariff_from
            if contract.next_tariff_id is None or due is None or due > today:
                continue
            contract.tariff_id = contract.next_tariff_id
            contract.next_tariff, contract.next_tariff_from = None, None
            contract.save(update_fields=["tariff", "next_tariff", "next_tariff_from"])
            Order.objects.filter(
                contract=contract, kind=Order.Kind.TARIFF, state=Order.State.NEW
            ).update(state=Order.State.DONE, processed_at=timezone.now())
            count += 1
    return count


# Services -------------------------------------------------------------------------


def _active(contract: Contract, service: Service) -> ActiveService | None:
    return (
        ActiveService.objects.select_for_update()
        .filter(contract=contract, service=service, active_until__isnull=True)
        .first()
    )


@transaction.atomic
def service_activate(*, contract: Contract, service: Service, numbers: list[str]) -> Order:
    """Switch a service on from today; the activation fee goes on the next invoice."""
    contract = Contract.objects.select_for_update().select_related("account").get(pk=contract.pk)
    if not service.available:
        raise SubscriberError(_("Tej usługi nie można teraz włączyć."))
    if _active(contract, service) is not None:
        raise SubscriberError(_("Ta usługa jest już aktywna na tym numerze."))
    today = timezone.localdate()
    ActiveService.objects.create(
        contract=contract, service=service, active_from=today, numbers=numbers
    )
    return _order(
        account=contract.account,
        contract=contract,
        kind=Order.Kind.SERVICE_ON,
        summary=_("Włączenie usługi %(name)s") % {"name": service.name},
        details={"service": service.slug, "numbers": numbers},
        fee=service.activation_fee,
        effective_on=today,
        state=Order.State.DONE,
    )


@transaction.atomic
def service_deactivate(*, contract: Contract, service: Service) -> Order:
    """Switch a service off at the end of the current billing period."""
    contract = Contract.objects.select_for_update().select_related("account").get(pk=contract.pk)
    active = _active(contract, service)
    if active is None:
        raise SubscriberError(_("Ta usługa nie jest aktywna na tym numerze."))
    _start, end = contract.account.period_containing(timezone.localdate())
    active.active_until = end
    active.save(update_fields=["active_until"])
    return _order(
        account=contract.account,
        contract=contract,
        kind=Order.Kind.SERVICE_OFF,
        summary=_("Wyłączenie usługi %(name)s") % {"name": service.name},
        details={"service": service.slug},
        effective_on=end + timedelta(days=1),
        state=Order.State.DONE,
    )


@transaction.atomic
def service_numbers_change(*, contract: Contract, service: Service, numbers: list[str]) -> Order:
    """New favourite numbers of an active service, from today, for the change fee."""
    contract = Contract.objects.select_for_update().select_related("account").get(pk=contract.pk)
    active = _active(contract, service)
    if active is None:
        raise SubscriberError(_("Najpierw włącz usługę."))
    if sorted(active.numbers) == sorted(numbers):
        raise SubscriberError(_("Te numery są już ustawione."))
    before = list(active.numbers)
    active.numbers = numbers
    active.save(update_fields=["numbers"])
    return _order(
        account=contract.account,
        contract=contract,
        kind=Order.Kind.SERVICE_NUMBERS,
        summary=_("Nowe numery w usłudze %(name)s") % {"name": service.name},
        details={"service": service.slug, "before": before, "after": numbers},
        fee=service.change_fee,
        effective_on=timezone.localdate(),
        state=Order.State.DONE,
    )


# Letters to customer service ------------------------------------------------------


@dataclass(frozen=True)
class CaseType:
    code: str
    label: str
    fields: tuple[str, ...]  # names of the extra form fields (see forms.CASE_FIELDS)


CASE_TYPES: dict[str, tuple[CaseType, ...]] = {
    Case.Category.ORDER: (
        CaseType("duplikat-faktury", "Duplikat faktury", ("invoice",)),
        CaseType("biling", "Biling szczegółowy", ("period_from", "period_to")),
        CaseType("blokada-sim", "Zastrzeżenie karty SIM", ("lost_on",)),
    ),
    Case.Category.COMPLAINT: (
        CaseType("faktura", "Reklamacja faktury", ("invoice", "amount")),
        CaseType("jakosc", "Jakość usług (zasięg, przerwy)", ("place", "since")),
        CaseType("usluga", "Usługa niezgodna z zamówieniem", ("service_name", "since")),
    ),
}


def case_type(category: str, code: str) -> CaseType | None:
    return next((t for t in CASE_TYPES.get(category, ()) if t.code == code), None)


def complaint_too_late(invoice: Invoice | None, filed: date) -> bool:
    """Filed more than 12 months after the end of the billing period it concerns."""
    return invoice is not None and filed > add_months(invoice.period_end, COMPLAINT_LIMIT_MONTHS)


def _case_receipt_pdf(case: Case) -> bytes:
    return render_pdf("subscriber_case_receipt", {"case": case, "account": case.account})


def _case_email(case: Case, template: str, **extra: object) -> None:
    if not case.account.email:
        return
    attachments = []
    if extra.pop("with_receipt", False):
        attachments.append(
            Attachment(
                filename=f"potwierdzenie-{case.number.replace('/', '-')}.pdf",
                content=bytes(case.receipt_pdf),
            )
        )
    email_enqueue(
        to=case.account.email,
        template=template,
        context={"case": case, **extra},
        topic=f"subscriber-case:{case.pk}",
        attachments=attachments,
    )


def _case_event(case: Case, kind: str, *, who: str = "", note: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, who=who[:40], note=note[:300])


@transaction.atomic
def case_file(
    *,
    account: SubscriberAccount,
    contract: Contract,
    category: str,
    kind: CaseType,
    fields: dict[str, str],
    description: str,
    delivery: str,
    invoice: Invoice | None = None,
) -> Case:
    """File a letter: saved with its order first, then confirmed by e-mail (PDF for complaints)."""
    now = timezone.now()
    today = timezone.localdate()
    order = _order(
        account=account,
        contract=contract,
        kind=Order.Kind.LETTER,
        summary=f"{Case.Category(category).label}: {kind.label}",
        details={"type": kind.code},
    )
    case = Case.objects.create(
        account=account,
        contract=contract,
        order=order,
        number=f"tmp-{order.pk}",
        category=category,
        type_code=kind.code,
        type_label=kind.label,
        fields=fields,
        description=description,
        delivery=delivery,
        filed_at=now,
        invoice=invoice,
        answer_due_on=today + timedelta(days=COMPLAINT_ANSWER_DAYS),
    )
    prefix = "RK" if category == Case.Category.COMPLAINT else "ZL"
    case.number = f"{prefix}/{today.year}/{case.pk:06d}"
    _case_event(case, CaseEvent.Kind.FILED, who=f"account:{account.number}")
    if category == Case.Category.COMPLAINT and invoice is not None:
        if complaint_too_late(invoice, today):
            _case_refuse_too_late(case, order, invoice)
    if category == Case.Category.COMPLAINT:
        case.receipt_pdf = _case_receipt_pdf(case)
    case.save(update_fields=["number", "state", "answer_due_on", "refusal_reason", "receipt_pdf"])
    _case_email(case, "subscriber_case_filed", with_receipt=case.is_complaint)
    return case


def _case_refuse_too_late(case: Case, order: Order, invoice: Invoice) -> None:
    case.state = Case.State.REFUSED
    case.answer_due_on = None
    case.refusal_reason = _(
        "Reklamacja dotyczy okresu rozliczeniowego zakończonego %(end)s, a reklamację "
        "można złożyć w terminie 12 miesięcy od zakończenia okresu rozliczeniowego, "
        "którego dotyczy. Pozostawiamy ją bez rozpatrzenia."
    ) % {"end": invoice.period_end.strftime("%d.%m.%Y")}
    order.state = Order.State.REJECTED
    order.save(update_fields=["state"])
    _case_event(case, CaseEvent.Kind.REFUSED, note=case.refusal_reason)


@transaction.atomic
def case_return_for_completion(*, case: Case, missing: str, who: str = "") -> Case:
    """Staff: the complaint lacks something; the subscriber has 7 days to complete it."""
    case = Case.objects.select_for_update().select_related("account").get(pk=case.pk)
    if case.state not in (Case.State.RECEIVED, Case.State.IN_PROGRESS):
        return case
    case.state = Case.State.INCOMPLETE
    case.missing = missing
    case.completion_due_on = timezone.localdate() + timedelta(days=COMPLETION_DAYS)
    case.save(update_fields=["state", "missing", "completion_due_on"])
    _case_event(case, CaseEvent.Kind.RETURNED, who=who, note=missing)
    _case_email(case, "subscriber_case_returned")
    return case


@transaction.atomic
def case_complete(*, case: Case, addition: str) -> Case:
    """The subscriber completes a returned complaint; in time, it keeps its first date."""
    case = Case.objects.select_for_update().select_related("account").get(pk=case.pk)
    if case.state != Case.State.INCOMPLETE or case.completion_due_on is None:
        raise SubscriberError(_("Ta sprawa nie czeka na uzupełnienie."))
    if timezone.localdate() > case.completion_due_on:
        raise SubscriberError(_("Termin na uzupełnienie minął."))
    stamp = timezone.localtime().strftime("%d.%m.%Y %H:%M")
    case.description = f"{case.description}\n\n[{_('Uzupełnienie')} {stamp}]\n{addition}"
    case.state = Case.State.IN_PROGRESS
    case.save(update_fields=["description", "state"])
    _case_event(case, CaseEvent.Kind.COMPLETED, who=f"account:{case.account.number}")
    return case


def cases_expire_incomplete(*, today: date) -> int:
    """Complaints not completed within 7 days are left without consideration."""
    count = 0
    due = Case.objects.filter(state=Case.State.INCOMPLETE, completion_due_on__lt=today)
    for case in due.only("pk"):
        with transaction.atomic():
            # Claimed by the conditional update, so two runs record the expiry once.
            claimed = Case.objects.filter(pk=case.pk, state=Case.State.INCOMPLETE).update(
                state=Case.State.EXPIRED, answer_due_on=None
            )
            if claimed:
                _case_event(case, CaseEvent.Kind.EXPIRED)
                count += 1
    return count


def _case_letter_pdf(case: Case, *, kind: str, address: list[str], today: date) -> bytes:
    context = {
        "case": case,
        "account": case.account,
        "kind": kind,
        "address": address,
        "today": today,
        "operator": billing.operator(),
    }
    return render_pdf("subscriber_case_letter", context)


def _case_letter_make(case: Case, *, kind: str, due_on: date, who: str) -> CaseLetter:
    """The letter to print, addressed to the correspondence address as it is now."""
    address = case.account.address_lines
    letter = CaseLetter.objects.create(
        case=case,
        kind=kind,
        address="\n".join(address),
        due_on=due_on,
        pdf=_case_letter_pdf(case, kind=kind, address=address, today=timezone.localdate()),
    )
    _case_event(
        case,
        CaseEvent.Kind.LETTER_READY,
        who=who,
        note=f"{letter.get_kind_display()}, {address[-1]}",
    )
    return letter


@transaction.atomic
def case_answer(*, case: Case, answer: str, who: str = "") -> Case:
    """Staff answer; e-mailed now, or made a letter that counts as given once posted."""
    case = Case.objects.select_for_update().select_related("account").get(pk=case.pk)
    if case.answered_at is not None:
        raise SubscriberError(_("Na tę sprawę już odpowiedziano."))
    now = timezone.now()
    case.answer = answer
    case.answered_at = now
    if case.delivery == Case.Delivery.LETTER:
        case.state = Case.State.TO_POST
        case.save(update_fields=["answer", "answered_at", "state"])
        _case_letter_make(
            case,
            kind=CaseLetter.Kind.ANSWER,
            due_on=case.answer_due_on or timezone.localdate(),
            who=who,
        )
        return case
    case.state = Case.State.ANSWERED
    case.answer_sent_on = timezone.localdate(now)
    case.save(update_fields=["answer", "answered_at", "state", "answer_sent_on"])
    Order.objects.filter(case=case).update(state=Order.State.DONE, processed_at=now)
    _case_event(case, CaseEvent.Kind.ANSWERED, who=who)
    _case_email(case, "subscriber_case_answered")
    return case


@transaction.atomic
def case_letter_posted(
    *, letter: CaseLetter, posted_on: date, registered_number: str = "", who: str = ""
) -> CaseLetter:
    """Staff posted the letter: an answer letter gives the answer on that day (once)."""
    letter = CaseLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.posted_on is not None:
        return letter
    if posted_on > timezone.localdate():
        raise SubscriberError(_("Data nadania nie może być z przyszłości."))
    if posted_on < timezone.localdate(letter.created_at):
        raise SubscriberError(_("Data nadania nie może być wcześniejsza niż przygotowanie listu."))
    letter.posted_on = posted_on
    letter.registered_number = registered_number.strip()
    letter.posted_by = who[:40]
    letter.save(update_fields=["posted_on", "registered_number", "posted_by"])
    case = Case.objects.select_for_update().select_related("account").get(pk=letter.case_id)
    if letter.kind == CaseLetter.Kind.ANSWER and case.state == Case.State.TO_POST:
        case.state = Case.State.ANSWERED
        case.answer_sent_on = posted_on
        case.save(update_fields=["state", "answer_sent_on"])
        Order.objects.filter(case=case).update(state=Order.State.DONE, processed_at=timezone.now())
    note = f"{letter.get_kind_display()}, {posted_on:%d.%m.%Y}"
    if letter.registered_number:
        note += f", {_('list polecony')} {letter.registered_number}"
    _case_event(case, CaseEvent.Kind.LETTER_POSTED, who=who, note=note)
    security_event(
        "subscriber.case_letter_posted", who=who or "-", case=case.number, letter=letter.pk
    )
    _case_email(case, "subscriber_case_letter_posted", letter=letter)
    return letter


def case_letters_print(letters: list[CaseLetter]) -> bytes:
    """The given letters as one PDF, in the given order, to print in one go."""
    writer = PdfWriter()
    for letter in letters:
        writer.append(PdfReader(io.BytesIO(bytes(letter.pdf))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@transaction.atomic
def case_resend_request(*, case: Case) -> Case:
    """The subscriber asks for the answer again: due within 3 working days."""
    case = Case.objects.select_for_update().select_related("account").get(pk=case.pk)
    if case.state != Case.State.ANSWERED:
        raise SubscriberError(_("Na tę sprawę nie ma jeszcze odpowiedzi."))
    if case.letters.filter(posted_on__isnull=True).exists():
        raise SubscriberError(
            _("List z odpowiedzią czeka już na wysłanie: nadamy go najpóźniej %(day)s.")
            % {"day": case.resend_due_on.strftime("%d.%m.%Y") if case.resend_due_on else "—"}
        )
    resend_due_on = working_days_after(timezone.localdate(), RESEND_WORKING_DAYS)
    case.resend_requested_at = timezone.now()
    case.resend_due_on = resend_due_on
    case.save(update_fields=["resend_requested_at", "resend_due_on"])
    who = f"account:{case.account.number}"
    _case_event(case, CaseEvent.Kind.RESEND, who=who, note=case.get_delivery_display())
    if case.delivery == Case.Delivery.LETTER:
        _case_letter_make(case, kind=CaseLetter.Kind.REPEAT, due_on=resend_due_on, who=who)
    else:
        _case_email(case, "subscriber_case_answered")
    return case


# Profit ---------------------------------------------------------------------------


@transaction.atomic
def profit_join(*, account: SubscriberAccount, consent: bool) -> Order:
    account = SubscriberAccount.objects.select_for_update().get(pk=account.pk)
    if not consent:
        raise SubscriberError(_("Aby przystąpić do Programu Profit, zaznacz zgodę."))
    if account.is_profit_member:
        raise SubscriberError(_("Konto już uczestniczy w Programie Profit."))
    account.profit_joined_at = timezone.now()
    account.profit_consent = PROFIT_CONSENT
    account.save(update_fields=["profit_joined_at", "profit_consent"])
    return _order(
        account=account,
        contract=None,
        kind=Order.Kind.PROFIT_JOIN,
        summary=_("Przystąpienie do Programu Profit"),
        details={"consent": PROFIT_CONSENT, "at": account.profit_joined_at.isoformat()},
        state=Order.State.DONE,
    )


def profit_balance(account: SubscriberAccount) -> int:
    return account.profit_transactions.aggregate(total=Sum("points"))["total"] or 0


def profit_remainders(transactions: list[ProfitTransaction]) -> dict[int, int]:
    """Points of each earning still unspent: spending takes the earliest-expiring first."""
    earnings = sorted(
        (t for t in transactions if t.points > 0 and t.expires_on is not None),
        key=lambda t: (t.expires_on, t.pk),
    )
    left = {t.pk: t.points for t in earnings}
    for t in transactions:
        if t.kind == ProfitTransaction.Kind.EXPIRED and t.expires_earning_id in left:
            left[t.expires_earning_id] = 0
    spent = -sum(t.points for t in transactions if t.kind == ProfitTransaction.Kind.SPENT)
    for earning in earnings:
        if spent <= 0:
            break
        taken = min(left[earning.pk], spent)
        left[earning.pk] -= taken
        spent -= taken
    return left


def profit_expire_due(*, today: date) -> int:
    """Expire what is left of earnings whose day has come; once per earning."""
    count = 0
    due = ProfitTransaction.objects.filter(
        points__gt=0, expires_on__lte=today, expiry__isnull=True
    ).values_list("account_id", flat=True)
    for account_id in set(due):
        with transaction.atomic():
            account = SubscriberAccount.objects.select_for_update().get(pk=account_id)
            transactions = list(account.profit_transactions.all())
            left = profit_remainders(transactions)
            for earning in transactions:
                expires_on = earning.expires_on
                if earning.pk in left and expires_on is not None and expires_on <= today:
                    if ProfitTransaction.objects.filter(expires_earning=earning).exists():
                        continue
                    ProfitTransaction.objects.create(
                        account=account,
                        occurred_at=timezone.now(),
                        kind=ProfitTransaction.Kind.EXPIRED,
                        points=-left[earning.pk],
                        description=_("Wygaśnięcie punktów z %(day)s")
                        % {"day": earning.occurred_at.strftime("%d.%m.%Y")},
                        expires_earning=earning,
                    )
                    count += 1
    return count


def profit_send_reminders(*, today: date) -> int:
    """Remind 30 and 7 days ahead of expiry, once each, by e-mail (or SMS without one)."""
    sent = 0
    horizon = today + timedelta(days=max(PROFIT_REMINDER_DAYS))
    earnings = ProfitTransaction.objects.filter(
        points__gt=0, expires_on__gt=today, expires_on__lte=horizon, expiry__isnull=True
    ).select_related("account")
    for earning in earnings:
        expires_on = earning.expires_on
        if expires_on is None:  # excluded by the filter; tells the checker
            continue
        days_left = (expires_on - today).days
        ahead = min(d for d in PROFIT_REMINDER_DAYS if d >= days_left)
        with transaction.atomic():
            account = SubscriberAccount.objects.select_for_update().get(pk=earning.account_id)
            _reminder, created = ProfitReminder.objects.get_or_create(
                earning=earning, days_ahead=ahead
            )
            if not created:
                continue
            left = profit_remainders(list(account.profit_transactions.all())).get(earning.pk, 0)
            if left <= 0:
                continue
            _profit_remind(account, points=left, expires_on=expires_on)
            sent += 1
    return sent


def _profit_remind(account: SubscriberAccount, *, points: int, expires_on: date) -> None:
    context = {"account": account, "points": points, "expires_on": expires_on}
    if account.email:
        email_enqueue(
            to=account.email,
            template="subscriber_profit_expiry",
            context=context,
            topic=f"subscriber-profit:{account.pk}",
        )
        return
    contract = account.contracts.filter(active=True).order_by("pk").first()
    if contract is not None:
        sms_enqueue(
            to=contract.msisdn,
            text=_("Idea24: %(points)d pkt Profit wygaśnie %(day)s. Wymień je na nagrodę.")
            % {"points": points, "day": expires_on.strftime("%d.%m.%Y")},
            topic=f"subscriber-profit:{account.pk}",
        )
