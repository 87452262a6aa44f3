from decimal import Decimal

from django import template

from payments.formatting import format_amount

register = template.Library()


@register.filter
def amount(value: Decimal | int | str | None, currency: str = "PLN") -> str:
    """`{{ offer.premium|amount }}` → "1 200,00 zł"; `{{ p.amount|amount:p.currency }}`."""
    return format_amount(value, currency)
