"""Numbers on an invoice: grouped and with a decimal comma, the currency in its own column."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def grosze(value: Decimal | None, places: int | str = 2) -> str:
    """`{{ item.net|grosze }}` → "1 234,56"; `{{ price|grosze:4 }}` keeps four decimals."""
    if value is None:
        return ""
    text = number_format(
        Decimal(value), decimal_pos=int(places), use_l10n=True, force_grouping=True
    )
    return text.replace(" ", "\u00a0")


@register.filter
def quantity(value: Decimal) -> str:
    """`{{ item.quantity|quantity }}` → "2" or "1,5": no trailing zeros."""
    places = max(0, -int(Decimal(value).normalize().as_tuple().exponent))
    return number_format(Decimal(value), decimal_pos=places, use_l10n=True, force_grouping=True)
