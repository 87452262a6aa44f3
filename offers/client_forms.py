"""The client's forms. They check the shape of what was typed; the services judge it."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from payments.models import Payment

from .evidence import CONSENTS

_DIGITS = re.compile(r"^\d+$")


class AccessCodeForm(forms.Form):
    email = forms.EmailField(
        label=_("Adres e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Ten sam adres, który agent wpisał w ofercie."),
    )
    code = forms.CharField(
        label=_("Kod dostępu"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text=_("Kod otrzymany od agenta, np. INTER1264."),
    )


class PeselForm(forms.Form):
    pesel = forms.CharField(
        label=_("Numer PESEL"),
        min_length=11,
        max_length=11,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{11}"}
        ),
        help_text=_("PESEL Ubezpieczającego, 11 cyfr."),
    )

    def clean_pesel(self) -> str:
        value = "".join(self.cleaned_data["pesel"].split())
        if not _DIGITS.match(value) or len(value) != 11:
            raise forms.ValidationError(_("PESEL składa się z 11 cyfr."))
        return value


class FilePasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Hasło do pliku"),
        min_length=4,
        max_length=4,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}
        ),
        help_text=_("4 ostatnie cyfry numeru NIP lub PESEL Ubezpieczającego."),
    )

    def clean_password(self) -> str:
        value = self.cleaned_data["password"].strip()
        if not _DIGITS.match(value) or len(value) != 4:
            raise forms.ValidationError(_("Hasło do pliku to 4 cyfry."))
        return value


class ConsentForm(forms.Form):
    """One checkbox per consent; the labels are the exact texts kept as evidence."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for consent in CONSENTS:
            self.fields[consent.code] = forms.BooleanField(
                label=consent.text,
                required=consent.required,
                error_messages={"required": _("Ta zgoda jest wymagana.")},
            )

    def accepted(self) -> set[str]:
        return {code for code, value in self.cleaned_data.items() if value}


class PaymentMethodForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Sposób płatności"),
        choices=Payment.Method.choices,  # the labels every page uses
        initial=Payment.Method.BLIK,
        widget=forms.RadioSelect,
    )
