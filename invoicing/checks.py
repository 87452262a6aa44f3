"""A portal that cannot issue a lawful invoice should say so at start, not at the first sale."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from stdnum import iban
from stdnum.pl import nip


@register()
def seller_data_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    if not nip.is_valid(settings.INVOICE_SELLER_NIP):
        errors.append(
            Error("INVOICE_SELLER_NIP is not a valid NIP.", id="invoicing.E001"),
        )
    if not iban.is_valid(settings.INVOICE_SELLER_IBAN):
        errors.append(
            Error("INVOICE_SELLER_IBAN is not a valid IBAN.", id="invoicing.E002"),
        )
    return errors
