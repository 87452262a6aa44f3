from decimal import Decimal

from django import template

from payments.formatting import format_amount, format_number

register = template.Library()


@register.filter
def amount(value: Decimal | int | str | None, currency: str = "PLN") -> str:
    """`{{ offer.premium|amount }}` → "1 200,00 zł"; `{{ p.amount|amount:p.currency }}`."""
    return format_amount(value, currency)


@register.filter
def amount_number(value: Decimal | int | str | None) -> str:
    """`{{ item.net|amount_number }}` → "1 200,00", under a heading that names the currency."""
    return format_number(value)
