"""Validators of identifiers that several areas take from forms (python-stdnum checks them)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.pl import nip


def validate_nip(value: str) -> None:
    if not nip.is_valid(value):
        raise ValidationError(_("Nieprawidłowy NIP: sprawdź 10 cyfr."), code="nip")


def clean_nip(value: str) -> str:
    """The NIP as 10 digits, whatever dashes or spaces were typed; raises ValidationError."""
    digits = nip.compact(value or "")
    validate_nip(digits)
    return digits
