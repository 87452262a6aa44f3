"""Top-ups: online through payments, or bank transfers read from statements posted by staff."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import mt940
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from payments import services as payment_services
from payments.models import Payment
from payments.providers.base import ProviderError

from .models import Agency, BankStatement, LedgerEntry, StatementLine, TopUp
from .payables import PAYABLE_TYPE
from .services import SmsError

CODE_RE = re.compile(r"SMS[A-HJ-KM-NP-Z2-9]{6}")


@dataclass(frozen=True)
class IncomingTransfer:
    booked_on: date
    amount: Decimal
    title: str
    counterparty: str
    reference: str


# Online -------------------------------------------------------------------------------


def topup_start_online(*, agency: Agency, amount: Decimal, request: HttpRequest) -> str:
    """Open a payment for a new top-up; the balance is credited when payments confirms it."""
    topup = TopUp.objects.create(agency=agency, source=TopUp.Source.ONLINE, amount=amount)
    try:
        _payment, url = payment_services.payment_start(
            payable_type=PAYABLE_TYPE,
            payable_id=str(topup.pk),
            amount=amount,
            description=f"Doladowanie SMS {agency.registration_code}",
            customer_email=agency.organisation.email or request.user.email,
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


def topup_invoice(*, topup: TopUp) -> object | None:
    """Issue the VAT invoice of a credited top-up (e-mailed by the invoicing service)."""
    return None


def invoices_of(agency: Agency) -> list[object]:
    return []


def invoice_pdf_response(*, agency: Agency, pk: int) -> object:
    from django.http import Http404

    raise Http404


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
            amount = Decimal(row["kwota"].replace(" ", "").replace(",", "."))
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


def registration_code_in(title: str) -> str | None:
    match = CODE_RE.search(re.sub(r"[\s\-]", "", title.upper()))
    return match.group(0) if match else None


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
        code = registration_code_in(transfer.title)
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
