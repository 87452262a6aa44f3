"""Reading the bill: invoices compared line by line, the next invoice foreseen, the PDFs."""

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.pdf import render_pdf
from payments.formatting import NBSP

from .models import (
    ActiveService,
    Contract,
    Invoice,
    InvoiceItem,
    Order,
    SubscriberAccount,
    TariffPlan,
    add_months,
)

CENT = Decimal("0.01")
Kind = InvoiceItem.Kind

# Where the signed payment-form request goes.
CORRESPONDENCE_ADDRESS = (
    "Biuro Obsługi Klienta Idea",
    "Dział Rozliczeń — zmiana formy płatności",
    "skrytka pocztowa 22",
    "00-950 Warszawa 1",
)


def operator() -> dict[str, str]:
    """The operator as its invoices and letters name it (settings SUBSCRIBER_OPERATOR_*)."""
    return {
        "name": settings.SUBSCRIBER_OPERATOR_NAME,
        "address": settings.SUBSCRIBER_OPERATOR_ADDRESS,
        "nip": settings.SUBSCRIBER_OPERATOR_NIP,
        "contact": settings.SUBSCRIBER_OPERATOR_CONTACT,
        "place": settings.SUBSCRIBER_LETTER_PLACE,
    }


def net_of(gross: Decimal, rate: Decimal = Decimal("23")) -> Decimal:
    return (gross * 100 / (100 + rate)).quantize(CENT, ROUND_HALF_UP)


# Comparison ---------------------------------------------------------------------


@dataclass(frozen=True)
class ComparedLine:
    number: str
    description: str
    previous: Decimal | None
    current: Decimal | None
    reason: str

    @property
    def difference(self) -> Decimal:
        return (self.current or Decimal("0")) - (self.previous or Decimal("0"))

    @property
    def changed(self) -> bool:
        return self.previous != self.current


def _reason(previous: InvoiceItem | None, current: InvoiceItem | None) -> str:
    if previous is not None and current is not None:
        if previous.gross == current.gross:
            return _("bez zmian")
        if current.kind == Kind.USAGE:
            return _("inne użycie ponad pakiet niż w poprzednim okresie")
        if current.kind == Kind.PRORATION or previous.kind == Kind.PRORATION:
            return _("opłata za część okresu w jednym z okresów")
        return _("zmiana ceny")
    if current is not None:
        added: dict[str, str] = {
            Kind.SUBSCRIPTION: _("nowa taryfa od tego okresu"),
            Kind.SERVICE: _("nowa usługa"),
            Kind.PRORATION: _("usługa włączona lub wyłączona w trakcie okresu — opłata za część"),
            Kind.ONE_OFF: _("opłata jednorazowa"),
            Kind.USAGE: _("użycie ponad pakiet"),
            Kind.DISCOUNT: _("nowy rabat"),
        }
        return added[current.kind]
    assert previous is not None  # noqa: S101 - one of the two is always given
    ended: dict[str, str] = {
        Kind.SUBSCRIPTION: _("poprzednia taryfa — zmieniona"),
        Kind.SERVICE: _("usługa zakończona"),
        Kind.PRORATION: _("opłata za część okresu była tylko w poprzednim okresie"),
        Kind.ONE_OFF: _("opłata jednorazowa była tylko w poprzednim okresie"),
        Kind.USAGE: _("w tym okresie bez użycia ponad pakiet"),
        Kind.DISCOUNT: _("rabat zakończony"),
    }
    return ended[previous.kind]


def invoice_compare(current: Invoice, previous: Invoice | None) -> list[ComparedLine]:
    """Every line of both invoices, matched by number and what it is for, with the reason."""
    now = {(i.contract_id, i.key): i for i in current.items.all()}
    before = {(i.contract_id, i.key): i for i in previous.items.all()} if previous else {}
    numbers = {i.contract_id: i.contract for i in [*now.values(), *before.values()]}
    lines = []
    for key in [*now, *(k for k in before if k not in now)]:
        cur, prev = now.get(key), before.get(key)
        # The key comes from one of the two invoices, so one of the lines exists.
        item = cur or before[key]
        contract = numbers.get(key[0])
        lines.append(
            ComparedLine(
                number=contract.display_msisdn if contract else _("konto"),
                description=item.description,
                previous=prev.gross if prev else None,
                current=cur.gross if cur else None,
                reason=_reason(prev, cur) if previous else _("pierwsza faktura"),
            )
        )
    return lines


def invoice_with_items(account: SubscriberAccount, pk: int) -> Invoice | None:
    items = Prefetch("items", InvoiceItem.objects.select_related("contract"))
    return account.invoices.prefetch_related(items).filter(pk=pk).first()


def previous_invoice(invoice: Invoice) -> Invoice | None:
    items = Prefetch("items", InvoiceItem.objects.select_related("contract"))
    return (
        Invoice.objects.filter(account_id=invoice.account_id, period_start__lt=invoice.period_start)
        .prefetch_related(items)
        .order_by("-period_start")
        .first()
    )


# The next invoice ---------------------------------------------------------------


@dataclass
class PreviewLine:
    number: str
    description: str
    gross: Decimal
    note: str = ""


@dataclass
class Preview:
    period_start: date
    period_end: date
    lines: list[PreviewLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.gross for line in self.lines), Decimal("0"))


def next_invoice_preview(
    account: SubscriberAccount,
    today: date,
    *,
    tariff_for: dict[int, TariffPlan] | None = None,
) -> Preview:
    """The invoice for the next period, from what is set today (and a tariff being considered).

    Subscription and services are billed ahead for the next period; one-off
    fees of orders of the current period are added once.
    """
    start, end = account.period_containing(today)
    next_start = add_months(start, 1)
    preview = Preview(next_start, add_months(next_start, 1) - timedelta(days=1))
    contracts = list(
        account.contracts.filter(active=True).select_related("tariff", "next_tariff").order_by("pk")
    )
    services: dict[int, list[ActiveService]] = defaultdict(list)
    for active in ActiveService.objects.filter(
        contract__in=contracts, active_from__lte=preview.period_end
    ).select_related("service"):
        if active.active_until is None or active.active_until >= next_start:
            services[active.contract_id].append(active)
    fees: dict[int, list[Order]] = defaultdict(list)
    for order in Order.objects.filter(
        account=account, created_at__date__gte=start, fee__gt=0
    ).exclude(state=Order.State.REJECTED):
        fees[order.contract_id or 0].append(order)
    for contract in contracts:
        tariff = (tariff_for or {}).get(contract.pk)
        starts = contract.next_tariff_from
        if tariff is None and contract.next_tariff and starts and starts <= next_start:
            tariff = contract.next_tariff
        tariff = tariff or contract.tariff
        number = contract.display_msisdn
        note = _("nowa taryfa") if tariff.pk != contract.tariff_id else ""
        preview.lines.append(
            PreviewLine(number, _("Abonament %(n)s") % {"n": tariff.name}, tariff.monthly_fee, note)
        )
        for active in services[contract.pk]:
            preview.lines.append(
                PreviewLine(number, active.service.name, active.service.monthly_fee)
            )
        for order in fees[contract.pk]:
            preview.lines.append(PreviewLine(number, order.summary, order.fee, _("jednorazowo")))
    return preview


# PDFs ---------------------------------------------------------------------------


# The itemised bill is a fixed-width listing, as billing printouts are: WeasyPrint
# lays out one line of text many times faster than a table row of six cells,
# which keeps a two-page bill well under the 150 ms target (bench/subscribers.py).
_DESCRIPTION = 34
_KIND = 15


def _listing_number(value: Decimal) -> str:
    """format_number() as Polish writes it ("1 200,50"), without Django's per-call lookups."""
    return f"{value:,.2f}".replace(",", NBSP).replace(".", ",")


def _listing_lines(items: list[InvoiceItem]) -> list[str]:
    header = f"{_('Pozycja'):<{_DESCRIPTION}}{_('Rodzaj'):<{_KIND}}"
    header += f"{_('Ilość'):>7}{_('Netto'):>11}{'VAT':>10}{_('Brutto'):>11}"
    lines = [header, "-" * len(header)]
    kinds = {kind: str(label)[: _KIND - 1] for kind, label in InvoiceItem.Kind.choices}
    for item in items:
        parts = textwrap.wrap(item.description, _DESCRIPTION - 1) or [""]
        lines.append(
            f"{parts[0]:<{_DESCRIPTION}}{kinds.get(item.kind, item.kind):<{_KIND}}"
            f"{item.quantity.normalize():>7}{_listing_number(item.net):>11}"
            f"{_listing_number(item.vat):>10}{_listing_number(item.gross):>11}"
        )
        lines.extend(f"  {part}" for part in parts[1:])
    return lines


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice with its itemised bill, number by number."""
    by_number: dict[str, list[InvoiceItem]] = defaultdict(list)
    with translation.override(settings.LANGUAGE_CODE):  # the listing is Polish, as the PDF
        for item in invoice.items.select_related("contract"):
            by_number[item.contract.display_msisdn if item.contract else _("konto")].append(item)
        groups = [
            (number, "\n".join(_listing_lines(items)), sum((i.gross for i in items), Decimal("0")))
            for number, items in sorted(by_number.items())
        ]
    return render_pdf(
        "subscriber_invoice",
        {
            "invoice": invoice,
            "account": invoice.account,
            "groups": groups,
            "operator": operator(),
        },
    )


def payment_form_pdf(order: Order) -> bytes:
    """The seed's partly filled form: complete, print, sign and send to the address on it."""
    return render_pdf(
        "subscriber_payment_form",
        {
            "order": order,
            "account": order.account,
            "form_label": SubscriberAccount.PaymentForm(order.details["to"]).label,
            "address": CORRESPONDENCE_ADDRESS,
            "contracts": list(Contract.objects.filter(account=order.account, active=True)),
        },
    )
