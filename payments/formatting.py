"""How the portal writes an amount of money: one helper for pages, e-mails and PDFs;
and how it reads one that people or their spreadsheets wrote.

CSV exports keep their own machine-readable numbers.
"""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format

NBSP = "\u00a0"
UNITS = {"PLN": "zł"}


def format_number(value: Decimal | int | str | None) -> str:
    """1200.5 → "1 200,50": the number alone, for a column whose heading names the currency."""
    if value is None or value == "":
        return ""
    number = number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)
    return number.replace(" ", NBSP)


def format_amount(value: Decimal | int | str | None, currency: str = "PLN") -> str:
    """1200.5 → "1 200,50 zł": two decimals, thousands grouped as the language writes them.

    Non-breaking spaces, so that an amount never breaks across lines.
    """
    if value is None or value == "":
        return ""
    code = (currency or "PLN").upper()
    return f"{format_number(value)}{NBSP}{UNITS.get(code, code)}"


def parse_amount(value: str) -> Decimal:
    """ "1 234,50", "1234.50 zł" → Decimal("1234.50"), as typed or exported by a bank or a
    spreadsheet; any sign. Raises InvalidOperation for anything that is not an amount."""
    plain = "".join(value.split()).replace(",", ".")  # split() drops non-breaking spaces too
    plain = plain.removesuffix("zł").removesuffix("zl").removesuffix("PLN")
    amount = Decimal(plain)
    if not amount.is_finite():
        raise InvalidOperation(value)
    return amount
