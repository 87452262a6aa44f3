"""Rounding: half-up to the grosz per line, the tax of each rate from the rate's sum."""

from decimal import Decimal as D

import pytest

from invoicing.amounts import Basis, LineAmounts, line_amounts, rate_totals, round_grosz
from invoicing.services import InvoiceLine

from .conftest import issue


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        ("0.005", "0.01"),
        ("0.0049", "0.00"),
        ("2.675", "2.68"),
        ("1.115", "1.12"),
        ("-0.005", "-0.01"),
    ],
)
def test_it_rounds_half_a_grosz_up(value, rounded):
    assert round_grosz(D(value)) == D(rounded)


@pytest.mark.parametrize(
    ("quantity", "price", "basis", "expected"),
    [
        ("1", "100.00", Basis.GROSS, ("81.30", "18.70", "100.00")),
        ("1", "81.30", Basis.NET, ("81.30", "18.70", "100.00")),
        ("1", "0.10", Basis.NET, ("0.10", "0.02", "0.12")),  # 0.023 rounds down
        ("1", "0.50", Basis.NET, ("0.50", "0.12", "0.62")),  # 0.115 rounds up
        ("3", "33.333", Basis.NET, ("100.00", "23.00", "123.00")),  # 99.999 → 100.00
        # 1.5 × 0.29 = 0.435 → 0.44 gross; its tax 0.44 × 23/123 = 0.0823 → 0.08
        ("1.5", "0.29", Basis.GROSS, ("0.36", "0.08", "0.44")),
    ],
)
def test_it_counts_one_line(quantity, price, basis, expected):
    amounts = line_amounts(quantity=D(quantity), unit_price=D(price), rate=23, basis=basis)
    assert (amounts.net, amounts.vat, amounts.gross) == tuple(D(x) for x in expected)


def test_it_counts_the_tax_of_a_rate_from_its_sum_not_from_the_lines():
    line = line_amounts(quantity=D(1), unit_price=D("0.10"), rate=23, basis=Basis.NET)
    [total] = rate_totals([(23, line)] * 3, basis=Basis.NET)
    assert (total.net, total.vat, total.gross) == (D("0.30"), D("0.07"), D("0.37"))
    assert line.vat * 3 == D("0.06")  # what adding the lines up would have said


def test_it_keeps_the_quoted_gross_when_counting_from_gross():
    lines = [(23, LineAmounts(net=D("0.08"), vat=D("0.02"), gross=D("0.10")))] * 3
    [total] = rate_totals(lines, basis=Basis.GROSS)
    assert (total.net, total.vat, total.gross) == (D("0.24"), D("0.06"), D("0.30"))


def test_it_totals_each_rate_apart_highest_first():
    lines = [
        (5, line_amounts(quantity=D(1), unit_price=D("10.00"), rate=5, basis=Basis.NET)),
        (23, line_amounts(quantity=D(1), unit_price=D("10.00"), rate=23, basis=Basis.NET)),
        (8, line_amounts(quantity=D(1), unit_price=D("10.00"), rate=8, basis=Basis.NET)),
    ]
    totals = rate_totals(lines, basis=Basis.NET)
    assert [(t.rate, t.vat) for t in totals] == [(23, D("2.30")), (8, D("0.80")), (5, D("0.50"))]


@pytest.mark.django_db
def test_the_invoice_totals_are_the_sums_of_its_rates():
    invoice = issue(
        "sms-topup:1",
        InvoiceLine(description="Pakiet A", quantity=D(3), unit_net=D("0.10")),
        InvoiceLine(description="Pakiet B", unit_net=D("19.99"), vat_rate=8),
    )
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        D("20.29"),
        D("0.07") + D("1.60"),
        D("20.29") + D("1.67"),
    )
    items = list(invoice.items.all())
    assert [(i.net, i.vat, i.gross) for i in items] == [
        (D("0.30"), D("0.07"), D("0.37")),
        (D("19.99"), D("1.60"), D("21.59")),
    ]
