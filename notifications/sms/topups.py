"""Top-ups: online through payments, or bank transfers read from statements posted by staff."""

import csv
import io
import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import mt940
from django.db import IntegrityError, transaction
from django.db.models import CharField, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.downloads import file_download
from accounts.models import User
from invoicing.models import Invoice, PaymentMethod
from invoicing.pdf import invoice_pdf, invoice_pdf_filename
from invoicing.services import Buyer, InvoiceLine, invoice_issue
from payments import services as payment_services
from payments.formatting import parse_amount
from payments.models import Payment
from payments.providers.base import ProviderError

from .models import Agency, BankStatement, LedgerEntry, StatementLine, TopUp
from .services import SmsError

# What `payments` knows an SMS top-up by (registered in notifications.sms.payables).
PAYABLE_TYPE = "sms.topup"

# Overlapping, so that "SMSSMSABC123" still finds its code.
CODE_RE = re.compile(r"(?=(SMS[A-Z0-9]{6}))")


@dataclass(frozen=True)
class IncomingTransfer:
    booked_on: date
    amount: Decimal
    title: str
    counterparty: str
    reference: str


# Online -------------------------------------------------------------------------------


def topup_start_online(*, agency: Agency, amount: Decimal, user: User) -> str:
    """Open a payment for a new top-up; the balance is credited when payments confirms it."""
    topup = TopUp.objects.create(agency=agency, source=TopUp.Source.ONLINE, amount=amount)
    try:
        _payment, url = payment_services.payment_start(
            payable_type=PAYABLE_TYPE,
            payable_id=str(topup.pk),
            amount=amount,
            description=f"Doladowanie SMS {agency.registration_code}",
            customer_email=agency.organisation.email or user.email,
            method=Payment.Method.BLIK,
            success_url=reverse("sms:account"),
            cancel_url=reverse("sms:account"),
        )
    except (payment_services.PaymentStartError, ProviderError) as exc:
        raise SmsError(
            _("Nie udało się rozpocząć płatności. Spróbuj ponownie za kilka minut.")
        ) from exc
    return url


def topup_credit_online(*, payment: Payment) -> TopUp:
    """payments' on_succeeded: credit the top-up once (its payment is a unique column)."""
    topup = TopUp.objects.select_for_update().get(pk=int(payment.payable_id))
    if topup.credit_id is not None:
        return topup
    topup.payment = payment
    return _credit(topup, _("Doładowanie online (płatność %(id)s)") % {"id": payment.pk})


def _credit(topup: TopUp, reason: str) -> TopUp:
    Agency.objects.select_for_update().get(pk=topup.agency_id)
    topup.credit = LedgerEntry.objects.create(
        agency_id=topup.agency_id,
        kind=LedgerEntry.Kind.CREDIT,
        amount=topup.amount,
        reason=reason,
    )
    topup.credited_at = timezone.now()
    topup.save(update_fields=["payment", "credit", "credited_at"])
    topup_invoice(topup=topup)
    return topup


# How an online payment's method reads on the invoice; Przelewy24 is a bank transfer.
_INVOICE_METHODS: dict[str, PaymentMethod] = {
    Payment.Method.BLIK: PaymentMethod.MOBILE,
    Payment.Method.CARD: PaymentMethod.CARD,
    Payment.Method.P24: PaymentMethod.TRANSFER,
}


def topup_payment_method(topup: TopUp) -> PaymentMethod:
    """How the agency paid: a transfer seen on a statement, else the online payment's method."""
    if topup.source == TopUp.Source.TRANSFER or topup.payment is None:
        return PaymentMethod.TRANSFER
    # An online top-up is opened as BLIK; a provider that reports no method leaves it so.
    method = topup.payment.method or Payment.Method.BLIK
    return _INVOICE_METHODS.get(method, PaymentMethod.MOBILE)


def topup_invoice(*, topup: TopUp) -> Invoice:
    """Issue the VAT invoice of a credited top-up; invoicing e-mails its PDF after commit."""
    organisation = topup.agency.organisation
    return invoice_issue(
        buyer=Buyer(
            name=organisation.name,
            nip=organisation.nip,
            address=organisation.address,
            email=organisation.email,
        ),
        lines=[
            InvoiceLine(
                description=_("Doładowanie konta SMS (%(code)s)")
                % {"code": topup.agency.registration_code},
                quantity=Decimal("1"),
                unit_gross=topup.amount,
            )
        ],
        topic=topup.invoice_topic,
        paid_at=topup.credited_at or timezone.now(),
        send_to=organisation.email,
        payment_method=topup_payment_method(topup),
    )


def invoices_of(agency: Agency) -> QuerySet[Invoice]:
    """The agency's top-up invoices, newest first."""
    # Each top-up's invoice topic, as invoicing names it (TopUp.invoice_topic).
    topics = (
        TopUp.objects.filter(agency=agency)
        .annotate(topic=Concat(Value("sms-topup:"), Cast("pk", CharField())))
        .values("topic")
    )
    return Invoice.objects.filter(
        topic__startswith="sms-topup:", topic__in=Subquery(topics)
    ).order_by("-issued_at")


def invoice_pdf_response(*, agency: Agency, pk: int) -> HttpResponseBase:
    invoice = get_object_or_404(invoices_of(agency), pk=pk)
    return file_download(invoice_pdf(invoice), filename=invoice_pdf_filename(invoice))


# Bank statements ----------------------------------------------------------------------


def _mt940_transfers(raw: bytes) -> list[IncomingTransfer]:
    transactions = mt940.models.Transactions()
    transactions.parse(raw.decode("utf-8", errors="replace"))
    found = []
    for tx in transactions:
        amount = tx.data["amount"].amount
        if amount <= 0:
            continue
        details = str(tx.data.get("transaction_details") or "")
        found.append(
            IncomingTransfer(
                booked_on=tx.data.get("entry_date") or tx.data["date"],
                amount=Decimal(amount).quantize(Decimal("0.01")),
                title=" ".join(details.split())[:500],
                counterparty=str(tx.data.get("extra_details") or "")[:300],
                reference=str(
                    tx.data.get("bank_reference") or tx.data.get("customer_reference") or ""
                ),
            )
        )
    return found


def _csv_transfers(raw: bytes) -> list[IncomingTransfer]:
    text = raw.decode("utf-8-sig", errors="replace")
    delimiter = ";" if text[:2000].count(";") >= text[:2000].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    found = []
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        try:
            booked = datetime.strptime(row["data"], "%Y-%m-%d").date()  # noqa: DTZ007
            amount = parse_amount(row["kwota"])
        except (KeyError, ValueError, InvalidOperation) as exc:
            raise SmsError(_("Wiersz %(n)s: nieczytelna data lub kwota.") % {"n": line}) from exc
        if amount <= 0:
            continue
        found.append(
            IncomingTransfer(
                booked_on=booked,
                amount=amount.quantize(Decimal("0.01")),
                title=row.get("tytul", "")[:500],
                counterparty=row.get("nadawca", "")[:300],
                reference=row.get("id", "") or str(line),
            )
        )
    return found


def registration_code_in(title: str, codes: Container[str]) -> str | None:
    """The first known registration code in a transfer title (spaces and dashes ignored)."""
    plain = re.sub(r"[\s\-_.]", "", title.upper())
    for match in CODE_RE.finditer(plain):
        if match.group(1) in codes:
            return match.group(1)
    return None


@dataclass
class StatementResult:
    statement: BankStatement
    credited: int = 0
    unmatched: int = 0
    repeated: int = 0


@transaction.atomic
def statement_post(*, filename: str, raw: bytes, by: User | None) -> StatementResult:
    """Read a statement (MT940 or CSV); credit transfers carrying a code, list the rest."""
    is_mt940 = (
        raw.lstrip()[:1] == b":"
        or b":20:" in raw[:200]
        or filename.lower().endswith((".sta", ".mt940", ".940"))
    )
    transfers = _mt940_transfers(raw) if is_mt940 else _csv_transfers(raw)
    statement = BankStatement.objects.create(filename=filename[:200], uploaded_by=by)
    result = StatementResult(statement=statement)
    codes = {a.registration_code: a for a in Agency.objects.all()}
    for transfer in transfers:
        key = StatementLine.key_for(
            booked_on=transfer.booked_on,
            amount=transfer.amount,
            title=transfer.title,
            reference=transfer.reference,
        )
        code = registration_code_in(transfer.title, codes)
        agency = codes.get(code or "")
        try:
            with transaction.atomic():
                line = StatementLine.objects.create(
                    statement=statement,
                    line_key=key,
                    booked_on=transfer.booked_on,
                    amount=transfer.amount,
                    title=transfer.title,
                    counterparty=transfer.counterparty,
                    state=StatementLine.State.CREDITED if agency else StatementLine.State.UNMATCHED,
                    agency=agency,
                )
        except IntegrityError:  # the same line of an earlier upload: nothing changes
            result.repeated += 1
            continue
        if agency is None:
            result.unmatched += 1
            continue
        _credit_line(line, agency)
        result.credited += 1
    return result


def _credit_line(line: StatementLine, agency: Agency) -> TopUp:
    topup = TopUp.objects.create(
        agency=agency, source=TopUp.Source.TRANSFER, amount=line.amount, statement_line=line
    )
    return _credit(
        topup,
        _("Przelew z %(d)s: %(t)s")
        % {"d": line.booked_on.strftime("%d.%m.%Y"), "t": line.title[:200]},
    )


@transaction.atomic
def statement_line_assign(*, line: StatementLine, agency: Agency) -> TopUp:
    """Staff assign an unmatched transfer to an agency by hand; a line is credited once."""
    line = StatementLine.objects.select_for_update().get(pk=line.pk)
    if line.state != StatementLine.State.UNMATCHED:
        raise SmsError(_("Ta pozycja została już rozliczona."))
    line.state, line.agency = StatementLine.State.CREDITED, agency
    line.save(update_fields=["state", "agency"])
    return _credit_line(line, agency)
