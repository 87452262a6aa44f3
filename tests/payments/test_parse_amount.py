"""Amounts as people and banks write them are read into decimals, or refused."""

from decimal import Decimal, InvalidOperation

import pytest

from payments.formatting import parse_amount


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("123,45", "123.45"),
        ("1 234,50", "1234.50"),
        ("1\u00a0234,50 zł", "1234.50"),
        ("99.9 PLN", "99.9"),
        ("-12,00", "-12.00"),
    ],
)
def test_it_reads_an_amount_as_written(written, amount):
    assert parse_amount(written) == Decimal(amount)


@pytest.mark.parametrize("written", ["", "abc", "12,34,56", "NaN", "Infinity", "1e"])
def test_it_refuses_what_is_not_an_amount(written):
    with pytest.raises(InvalidOperation):
        parse_amount(written)
