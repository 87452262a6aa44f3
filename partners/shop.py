"""Buying programs and subscriptions: cart, order, payment through `payments`, invoice, keys."""

import secrets
from calendar import monthrange
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from invoicing.services import Buyer, InvoiceLine, invoice_issue
from payments.formatting import format_amount
from payments.models import Payment

from .models import CartItem, LicenceKey, Order, OrderLine, PartnerProfile, Program
from .rights import has_right
from .services import PartnerError, company_email, notify

VAT = Decimal("1.23")
RIGHT_OF_KIND = {
    Program.Kind.PROGRAM: "buy_programs",
    Program.Kind.SUBSCRIPTION: "buy_subscriptions",
}


def unit_gross(program: Program) -> Decimal:
    return (program.price_net * VAT).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def may_buy(profile: PartnerProfile, program: Program) -> bool:
    return has_right(profile, RIGHT_OF_KIND[Program.Kind(program.kind)])


@transaction.atomic
def cart_add(*, profile: PartnerProfile, program: Program, quantity: int) -> CartItem:
    if not program.for_sale or not may_buy(profile, program):
        raise PartnerError(_("Twoja firma nie może kupić: %(p)s.") % {"p": program.name})
    item, created = CartItem.objects.select_for_update().get_or_create(
        company=profile.organisation, program=program, defaults={"quantity": quantity}
    )
    if not created:
        item.quantity += quantity
        item.save(update_fields=["quantity"])
    return item


@transaction.atomic
def order_place(*, profile: PartnerProfile, user: User) -> Order:
    """Turn the cart into an order at today's prices; rights are checked again, line by line."""
    company = profile.organisation
    items = list(
        CartItem.objects.select_for_update().filter(company=company).select_related("program")
    )
    if not items:
        raise PartnerError(_("Koszyk jest pusty."))
    for item in items:
        if not item.program.for_sale or not may_buy(profile, item.program):
            raise PartnerError(_("Twoja firma nie może kupić: %(p)s.") % {"p": item.program.name})
    total = sum((unit_gross(i.program) * i.quantity for i in items), Decimal("0"))
    order = Order.objects.create(company=company, created_by=user, total_gross=total)
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order, program=i.program, quantity=i.quantity, unit_gross=unit_gross(i.program)
        )
        for i in items
    )
    CartItem.objects.filter(pk__in=[i.pk for i in items]).delete()
    return order


def _licence_key() -> str:
    raw = secrets.token_hex(10).upper()
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


def _add_months(start: date, months: int) -> date:
    """The last day of a period of `months` calendar months starting on `start`."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    day = min(start.day, monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


def _invoice_line(line: OrderLine) -> InvoiceLine:
    """Licences by the piece; a subscription as one line for its whole period."""
    if line.program.kind == Program.Kind.PROGRAM:
        return InvoiceLine(
            description=_("%(name)s – licencja") % {"name": line.program.name},
            quantity=Decimal(line.quantity),
            unit_gross=line.unit_gross,
        )
    months = (line.program.period_months or 12) * line.quantity
    return InvoiceLine(
        description=_("%(name)s – abonament na %(m)d mies.")
        % {"name": line.program.name, "m": months},
        quantity=Decimal("1"),
        unit_gross=line.unit_gross * line.quantity,
    )


def order_fulfil(*, payment: Payment) -> Order:
    """Called by `payments` inside its transaction when the order's payment succeeded."""
    order = (
        Order.objects.select_for_update().select_related("company").get(pk=int(payment.payable_id))
    )
    if order.state == Order.State.PAID:
        return order
    paid_at = timezone.now()
    today = timezone.localdate(paid_at)
    order.state = Order.State.PAID
    order.paid_at = paid_at
    order.payment_id = payment.pk
    lines = list(order.lines.select_related("program"))
    keys = []
    for line in lines:
        if line.program.kind == Program.Kind.SUBSCRIPTION:
            line.period_start = today
            line.period_end = _add_months(today, (line.program.period_months or 12) * line.quantity)
            line.save(update_fields=["period_start", "period_end"])
        else:
            keys += [LicenceKey(line=line, key=_licence_key()) for _ in range(line.quantity)]
    LicenceKey.objects.bulk_create(keys)
    order.invoice = invoice_issue(
        buyer=Buyer(
            name=order.company.name,
            nip=order.company.nip,
            address=order.company.address,
            email=company_email(order.company),
        ),
        lines=[_invoice_line(line) for line in lines],
        topic=f"partner-order:{order.pk}",
        paid_at=paid_at,
        send_to=company_email(order.company),
    )
    order.save(update_fields=["state", "paid_at", "payment_id", "invoice"])
    return order


def order_refund_notify(*, payment: Payment) -> None:
    """A payment of the order was given back (a second payment, or by staff): tell the company."""
    order = Order.objects.select_related("company").filter(pk=int(payment.payable_id)).first()
    if order is None:
        return
    notify(
        to=company_email(order.company),
        subject=_("Zwrot płatności za zamówienie %(n)s") % {"n": order.number},
        paragraphs=[
            _("Zwróciliśmy płatność %(amount)s za zamówienie %(n)s.")
            % {"amount": format_amount(payment.amount, payment.currency), "n": order.number},
            _("Stan zamówienia: %(state)s.") % {"state": order.get_state_display()},
        ],
        path=reverse("partners:order", args=[order.pk]),
        topic=f"partner-order:{order.pk}",
    )
