"""The arithmetic of a VAT invoice, in grosze, as Polish practice does it.

Each line is rounded half-up to the grosz (art. 106e ust. 11 ustawy o VAT:
below half a grosz is dropped, from half a grosz up counts as a whole one).
The tax of the invoice is then worked out per VAT rate from the sum of that
rate's lines, not added up from the lines' own tax: KSeF's P_14_x is "the tax
on the sum of net values" of the rate. An invoice counted from net prices
sums the nets and adds the tax; one counted from gross prices (art. 106e
ust. 7–8, what a shop's price list shows) sums the grosses and takes the
tax out of them, so the gross a buyer was quoted is the gross billed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

GROSZ = Decimal("0.01")
HUNDRED = Decimal(100)


class Basis:
    NET = "net"
    GROSS = "gross"


def round_grosz(value: Decimal) -> Decimal:
    return value.quantize(GROSZ, rounding=ROUND_HALF_UP)


def tax_from_net(net: Decimal, rate: int) -> Decimal:
    return round_grosz(net * rate / HUNDRED)


def tax_from_gross(gross: Decimal, rate: int) -> Decimal:
    return round_grosz(gross * rate / (HUNDRED + rate))


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    vat: Decimal
    gross: Decimal


def line_amounts(*, quantity: Decimal, unit_price: Decimal, rate: int, basis: str) -> LineAmounts:
    """Net, tax and gross of one line whose unit price is net or gross (per `basis`)."""
    value = round_grosz(quantity * unit_price)
    if basis == Basis.NET:
        vat = tax_from_net(value, rate)
        return LineAmounts(net=value, vat=vat, gross=value + vat)
    vat = tax_from_gross(value, rate)
    return LineAmounts(net=value - vat, vat=vat, gross=value)


class Amounts(Protocol):
    @property
    def net(self) -> Decimal: ...
    @property
    def gross(self) -> Decimal: ...


@dataclass(frozen=True)
class RateTotal:
    rate: int
    net: Decimal
    vat: Decimal
    gross: Decimal


def rate_totals(lines: Iterable[tuple[int, Amounts]], *, basis: str) -> list[RateTotal]:
    """One total per VAT rate (highest rate first), the tax counted from the rate's sum."""
    sums: dict[int, Decimal] = {}
    for rate, amounts in lines:
        value = amounts.net if basis == Basis.NET else amounts.gross
        sums[rate] = sums.get(rate, Decimal("0.00")) + value
    totals = []
    for rate in sorted(sums, reverse=True):
        if basis == Basis.NET:
            net = sums[rate]
            vat = tax_from_net(net, rate)
            totals.append(RateTotal(rate=rate, net=net, vat=vat, gross=net + vat))
        else:
            gross = sums[rate]
            vat = tax_from_gross(gross, rate)
            totals.append(RateTotal(rate=rate, net=gross - vat, vat=vat, gross=gross))
    return totals
