from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Payment


class SandboxPayForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Metoda płatności"),
        choices=Payment.Method.choices,
        widget=forms.RadioSelect,
    )
    blik_code = forms.CharField(
        label=_("Kod BLIK"),
        required=False,
        max_length=6,
        help_text=_(
            "6 cyfr z aplikacji banku. Kod jest ważny 2 minuty. "
            "W sandboxie 000000 oznacza kod, który wygasł."
        ),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        decline = self.data.get("action") == "decline"
        code = (data.get("blik_code") or "").strip()
        if data.get("method") == Payment.Method.BLIK and not decline:
            if len(code) != 6 or not code.isdigit():
                self.add_error("blik_code", _("Wpisz 6 cyfr kodu BLIK z aplikacji banku."))
        data["blik_code"] = code
        data["decline"] = decline
        return data
