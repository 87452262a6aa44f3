"""Issuing VAT invoices and delivering them (e-mail, KSeF).

Any payable of the portal (an SMS top-up, a partner's order) calls
`invoice_issue` in the transaction that records the payment; the number is
taken under a row lock on the year's counter in that same transaction, so a
rolled-back payment leaves no gap. The PDF e-mail and the KSeF submission run
after commit in tasks, each claimed by a conditional update so a task that
runs twice does the work once; `invoicing_sweep` picks up what a dead worker
dropped.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from stdnum import iban
from stdnum.pl import nip as nip_number

from accounts.queueing import queue, queue_after_commit
from notifications.services import Attachment, email_enqueue

from . import ksef
from .amounts import Basis, LineAmounts, line_amounts, rate_totals
from .models import (
    Invoice,
    InvoiceCounter,
    InvoiceEvent,
    InvoiceItem,
    KsefState,
    PaymentMethod,
    VatRate,
)
from .pdf import invoice_pdf, invoice_pdf_filename

# A claim older than this belongs to a worker that died; the sweep frees it.
STALE_CLAIM = timedelta(minutes=10)
# How long an invoice's e-mail waits for KSeF's number before it goes without it.
KSEF_EMAIL_WAIT = timedelta(hours=1)


class InvoiceError(ValueError):
    """The caller asked for an invoice the law or arithmetic does not allow."""


@dataclass(frozen=True)
class Buyer:
    name: str
    address: str
    nip: str = ""
    email: str = ""


@dataclass(frozen=True)
class InvoiceLine:
    """One line: give the unit price either net or gross, never both."""

    description: str
    quantity: Decimal = Decimal("1")
    unit_net: Decimal | None = None
    unit_gross: Decimal | None = None
    vat_rate: int = 23
    unit: str = "szt."


def _places(value: Decimal) -> int:
    return max(0, -int(value.normalize().as_tuple().exponent))


def _basis_of(lines: Sequence[InvoiceLine]) -> str:
    if not lines:
        raise InvoiceError("An invoice needs at least one line.")
    bases = set()
    for line in lines:
        if (line.unit_net is None) == (line.unit_gross is None):
            raise InvoiceError(f"Give unit_net or unit_gross (one of them): {line.description!r}.")
        if line.vat_rate not in VatRate.values:
            raise InvoiceError(f"Unknown VAT rate {line.vat_rate}.")
        price = line.unit_net if line.unit_net is not None else line.unit_gross
        if line.quantity <= 0 or price is None or price < 0:
            raise InvoiceError(
                f"Quantity must be positive, price not negative: {line.description!r}."
            )
        if not line.description.strip():
            raise InvoiceError("Every line needs a description.")
        # The columns hold 3 decimals of quantity and 4 of price: more would be rounded unseen.
        if _places(line.quantity) > 3 or _places(price) > 4:
            raise InvoiceError(f"Too many decimals in {line.description!r}.")
        bases.add(Basis.NET if line.unit_net is not None else Basis.GROSS)
    if len(bases) > 1:
        # Polish practice counts a whole invoice one way; mixing would change totals.
        raise InvoiceError("All lines must be priced net, or all gross.")
    return bases.pop()


def _buyer_nip(buyer: Buyer) -> str:
    if not buyer.nip:
        return ""
    if not nip_number.is_valid(buyer.nip):
        raise InvoiceError("Invalid buyer NIP (checksum or length).")
    return nip_number.compact(buyer.nip)


def _lock_counter(year: int) -> InvoiceCounter:
    """The year's counter, locked until the caller's transaction ends."""
    # Creating the row first (a no-op when it exists) lets select_for_update lock it
    # even for the first invoice of a year, which two workers may issue at once.
    InvoiceCounter.objects.bulk_create([InvoiceCounter(year=year)], ignore_conflicts=True)
    return InvoiceCounter.objects.select_for_update().get(year=year)


def invoice_issue(
    *,
    buyer: Buyer,
    lines: Sequence[InvoiceLine],
    topic: str,
    paid_at: datetime,
    send_to: str = "",
    payment_method: str = PaymentMethod.TRANSFER,
) -> Invoice:
    """Issue the invoice for `topic` (or return the one issued for it before).

    Call it as the last step of the payment's transaction: the year's counter
    stays locked until that transaction ends, and every other issuer waits.
    """
    existing = Invoice.objects.filter(topic=topic).first()
    if existing is not None:
        return existing
    basis = _basis_of(lines)
    buyer_nip = _buyer_nip(buyer)
    if payment_method not in PaymentMethod.values:
        raise InvoiceError(f"Unknown payment method {payment_method!r}.")
    if not buyer.name.strip() or not buyer.address.strip():
        raise InvoiceError("The buyer's name and address are required.")
    try:
        with transaction.atomic():
            return _issue(
                buyer=buyer,
                buyer_nip=buyer_nip,
                lines=lines,
                basis=basis,
                topic=topic,
                paid_at=paid_at,
                send_to=send_to,
                payment_method=payment_method,
            )
    except IntegrityError:
        # Another transaction issued this topic in another year's sequence (at
        # midnight on 31 December); the unique topic kept it single.
        existing = Invoice.objects.filter(topic=topic).first()
        if existing is None:
            raise
        return existing


def _issue(
    *,
    buyer: Buyer,
    buyer_nip: str,
    lines: Sequence[InvoiceLine],
    basis: str,
    topic: str,
    paid_at: datetime,
    send_to: str,
    payment_method: str,
) -> Invoice:
    now = timezone.now()
    issue_date = timezone.localdate(now)
    counter = _lock_counter(issue_date.year)
    # Everyone issuing this year waits on the counter lock, so a twin call for the
    # same topic sees the first one's committed invoice here, before taking a number.
    existing = Invoice.objects.filter(topic=topic).first()
    if existing is not None:
        return existing
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    priced = [(line, _line_amounts(line, basis)) for line in lines]
    totals = rate_totals(((line.vat_rate, amounts) for line, amounts in priced), basis=basis)
    invoice = Invoice.objects.create(
        number=f"{settings.INVOICE_NUMBER_PREFIX}/{issue_date.year}/{counter.last_number:06d}",
        year=issue_date.year,
        sequence=counter.last_number,
        topic=topic,
        issued_at=now,
        issue_date=issue_date,
        sale_date=timezone.localdate(paid_at),
        paid_at=paid_at,
        payment_method=payment_method,
        place=settings.INVOICE_PLACE,
        basis=basis,
        **_seller(),
        buyer_name=buyer.name,
        buyer_nip=buyer_nip,
        buyer_address=buyer.address,
        buyer_email=buyer.email,
        net_total=sum((t.net for t in totals), Decimal("0.00")),
        vat_total=sum((t.vat for t in totals), Decimal("0.00")),
        gross_total=sum((t.gross for t in totals), Decimal("0.00")),
        send_to=send_to,
    )
    _create_items(invoice, priced)
    invoice.fa3_xml = ksef.build_fa3_xml(invoice).decode()
    invoice.save(update_fields=["fa3_xml"])
    InvoiceEvent.objects.create(invoice=invoice, kind=InvoiceEvent.Kind.ISSUED)
    _queue_delivery(invoice)
    return invoice


def _seller() -> dict[str, str]:
    return {
        "seller_name": settings.INVOICE_SELLER_NAME,
        # Written as the settings allow ("PL 61 1090 …", "525-000-12-33"), kept compact.
        "seller_nip": nip_number.compact(settings.INVOICE_SELLER_NIP),
        "seller_address": settings.INVOICE_SELLER_ADDRESS,
        "seller_iban": iban.compact(settings.INVOICE_SELLER_IBAN),
        "seller_bank": settings.INVOICE_SELLER_BANK,
        "seller_email": settings.INVOICE_SELLER_EMAIL,
    }


def _line_amounts(line: InvoiceLine, basis: str) -> LineAmounts:
    # _basis_of made sure the price of the invoice's basis is there.
    price = cast(Decimal, line.unit_net if basis == Basis.NET else line.unit_gross)
    return line_amounts(quantity=line.quantity, unit_price=price, rate=line.vat_rate, basis=basis)


def _create_items(invoice: Invoice, priced: list[tuple[InvoiceLine, LineAmounts]]) -> None:
    InvoiceItem.objects.bulk_create(
        InvoiceItem(
            invoice=invoice,
            position=position,
            description=line.description,
            unit=line.unit,
            quantity=line.quantity,
            unit_net=line.unit_net,
            unit_gross=line.unit_gross,
            vat_rate=line.vat_rate,
            net=amounts.net,
            vat=amounts.vat,
            gross=amounts.gross,
        )
        for position, (line, amounts) in enumerate(priced, start=1)
    )


def _queue_delivery(invoice: Invoice) -> None:
    if invoice.send_to:
        queue_after_commit(
            "invoicing.tasks.invoice_email_task", invoice.pk, sweeper="invoicing_sweep"
        )
    queue_after_commit(
        "invoicing.tasks.invoice_ksef_submit_task", invoice.pk, sweeper="invoicing_sweep"
    )


def _email_waits_for_ksef(invoice: Invoice) -> bool:
    """Whether the e-mail should wait for KSeF, so that the PDF carries its number and QR code.

    It waits at most KSEF_EMAIL_WAIT (KSeF may be down: the buyer still gets the
    invoice); an invoice KSeF refused is not sent at all: staff must act on it.
    """
    if ksef.get_client() is None or invoice.ksef_state == KsefState.ACCEPTED:
        return False
    if invoice.ksef_state == KsefState.REJECTED:
        return True
    return invoice.issued_at > timezone.now() - KSEF_EMAIL_WAIT


@transaction.atomic
def invoice_email_send(*, invoice_id: int) -> bool:
    """Put the invoice's e-mail with its PDF into the outbox, once."""
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None or _email_waits_for_ksef(invoice):
        return False
    claimed = Invoice.objects.filter(pk=invoice_id, emailed_at__isnull=True, send_to__gt="").update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    email_enqueue(
        to=invoice.send_to,
        template="invoice",
        context={"invoice": invoice},
        topic=f"invoice:{invoice.pk}",
        attachments=[
            Attachment(filename=invoice_pdf_filename(invoice), content=invoice_pdf(invoice))
        ],
    )
    InvoiceEvent.objects.create(
        invoice=invoice, kind=InvoiceEvent.Kind.EMAILED, note=invoice.send_to
    )
    return True


def invoice_ksef_submit(*, invoice_id: int) -> bool:
    """Send a not-yet-sent invoice to KSeF; True if this call sent it."""
    client = ksef.get_client()
    if client is None:
        return False
    claimed = Invoice.objects.filter(
        pk=invoice_id, ksef_state=KsefState.NOT_SENT, ksef_claimed_at__isnull=True
    ).update(ksef_claimed_at=timezone.now())
    if not claimed:
        return False
    invoice = Invoice.objects.get(pk=invoice_id)
    try:
        reference = client.send(xml=ksef.invoice_fa3_xml(invoice), seller_nip=invoice.seller_nip)
    except Exception as exc:
        # Not sent: free the claim so that a retry (or the sweep) tries again.
        Invoice.objects.filter(pk=invoice_id).update(ksef_claimed_at=None)
        InvoiceEvent.objects.create(
            invoice=invoice, kind=InvoiceEvent.Kind.KSEF_ERROR, note=str(exc)
        )
        raise
    Invoice.objects.filter(pk=invoice_id, ksef_state=KsefState.NOT_SENT).update(
        ksef_state=KsefState.SENT, ksef_reference=reference, ksef_sent_at=timezone.now()
    )
    InvoiceEvent.objects.create(invoice=invoice, kind=InvoiceEvent.Kind.KSEF_SENT, note=reference)
    return True


@transaction.atomic
def invoice_ksef_check(*, invoice_id: int) -> str:
    """Ask KSeF about a sent invoice and record its decision; return the state."""
    client = ksef.get_client()
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    if client is None or invoice.ksef_state != KsefState.SENT:
        return invoice.ksef_state
    result = client.status(reference=invoice.ksef_reference, seller_nip=invoice.seller_nip)
    if result.state == ksef.Decision.PROCESSING:
        return invoice.ksef_state
    invoice.ksef_decided_at = timezone.now()
    if result.state == ksef.Decision.ACCEPTED:
        invoice.ksef_state = KsefState.ACCEPTED
        invoice.ksef_number = result.ksef_number
        kind, note = InvoiceEvent.Kind.KSEF_ACCEPTED, result.ksef_number
    else:
        invoice.ksef_state = KsefState.REJECTED
        invoice.ksef_error = result.reason
        kind, note = InvoiceEvent.Kind.KSEF_REJECTED, result.reason
    invoice.save(update_fields=["ksef_state", "ksef_number", "ksef_error", "ksef_decided_at"])
    InvoiceEvent.objects.create(invoice=invoice, kind=kind, note=note)
    if invoice.ksef_state == KsefState.ACCEPTED and invoice.send_to and not invoice.emailed_at:
        _queue_email(invoice.pk)  # the e-mail waited for the KSeF number
    return invoice.ksef_state


def _queue_email(invoice_id: int) -> None:
    queue_after_commit("invoicing.tasks.invoice_email_task", invoice_id, sweeper="invoicing_sweep")


def invoicing_sweep() -> int:
    """Queue again the e-mails and KSeF steps that were never done; return how many."""
    cutoff = timezone.now() - STALE_CLAIM
    Invoice.objects.filter(ksef_state=KsefState.NOT_SENT, ksef_claimed_at__lt=cutoff).update(
        ksef_claimed_at=None
    )
    old = Q(created_at__lt=timezone.now() - timedelta(minutes=5))
    queued = 0
    unsent = Invoice.objects.filter(old, emailed_at__isnull=True, send_to__gt="")
    if ksef.get_client() is not None:
        unsent = unsent.exclude(ksef_state=KsefState.REJECTED)
    for invoice_id in unsent[:200].values_list("pk", flat=True):
        queue("invoicing.tasks.invoice_email_task", invoice_id, sweeper="invoicing_sweep")
        queued += 1
    if ksef.get_client() is None:
        return queued
    for invoice_id in Invoice.objects.filter(
        old, ksef_state=KsefState.NOT_SENT, ksef_claimed_at__isnull=True
    )[:200].values_list("pk", flat=True):
        queue("invoicing.tasks.invoice_ksef_submit_task", invoice_id, sweeper="invoicing_sweep")
        queued += 1
    for invoice_id in Invoice.objects.filter(ksef_state=KsefState.SENT)[:200].values_list(
        "pk", flat=True
    ):
        queue("invoicing.tasks.invoice_ksef_check_task", invoice_id, sweeper="invoicing_sweep")
        queued += 1
    return queued
