from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import auth
from .models import Case, Contract, SubscriberAccount, TariffPlan
from .postal import POSTAL_CODE, city_for, same_city


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Numer telefonu"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("Numer w sieci Idea, np. 601 100 200."),
    )

    def clean_phone(self) -> str:
        msisdn = auth.normalize_msisdn(self.cleaned_data["phone"])
        if msisdn is None:
            raise forms.ValidationError(_("Wpisz 9-cyfrowy numer telefonu komórkowego."))
        return msisdn


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Hasło tymczasowe z SMS-a"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kod abonencki"),
        max_length=20,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Kod numeru albo kod abonencki dla konta."),
    )


class AddressForm(forms.Form):
    street = forms.CharField(label=_("Ulica, numer domu i mieszkania"), max_length=200)
    postal_code = forms.CharField(
        label=_("Kod pocztowy"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "00-000"}),
    )
    city = forms.CharField(label=_("Miejscowość"), max_length=100)

    def clean_postal_code(self) -> str:
        code = self.cleaned_data["postal_code"].strip()
        if len(code) == 5 and code.isdigit():
            code = f"{code[:2]}-{code[2:]}"
        if not POSTAL_CODE.match(code):
            raise forms.ValidationError(_("Kod pocztowy ma postać NN-NNN, np. 00-950."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        code, city = data.get("postal_code"), data.get("city")
        known = city_for(code) if code else None
        if known and city and not same_city(known, city):
            self.add_error(
                "city",
                _("Kod %(code)s należy do miejscowości %(city)s. Sprawdź kod albo miejscowość.")
                % {"code": code, "city": known},
            )
        return data


class PaymentFormForm(forms.Form):
    payment_form = forms.ChoiceField(
        label=_("Nowa forma płatności"),
        choices=SubscriberAccount.PaymentForm.choices,
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(label=_("Adres e-mail do e-faktury"), max_length=254, required=False)
    bank_account = forms.CharField(
        label=_("Numer rachunku do polecenia zapłaty (26 cyfr)"), max_length=40, required=False
    )
    e_invoice_consent = forms.BooleanField(
        label=_("Zgadzam się na otrzymywanie faktur w formie elektronicznej na podany adres."),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        chosen = data.get("payment_form")
        if chosen == SubscriberAccount.PaymentForm.E_INVOICE:
            if not data.get("email"):
                self.add_error("email", _("Podaj adres e-mail, na który wyślemy e-fakturę."))
            if not data.get("e_invoice_consent"):
                self.add_error("e_invoice_consent", _("E-faktura wymaga Twojej zgody."))
        if chosen == SubscriberAccount.PaymentForm.DIRECT_DEBIT:
            digits = "".join(ch for ch in data.get("bank_account", "") if ch.isdigit())
            if len(digits) != 26:
                self.add_error("bank_account", _("Numer rachunku ma 26 cyfr."))
            data["bank_account"] = digits
        return data


class TariffChoiceForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Potwierdzam zmianę taryfy od podanego dnia."), required=True
    )


class NumbersForm(forms.Form):
    """Favourite numbers of "Trzy i Ja" (three) or "Przyjaciel" (one)."""

    def __init__(self, *args: Any, slots: int, own: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.own = own
        self.slots = slots
        for index in range(slots):
            self.fields[f"number_{index}"] = forms.CharField(
                label=_("Numer %(n)d") % {"n": index + 1},
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "tel"}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        seen: set[str] = set()
        for index in range(self.slots):
            name = f"number_{index}"
            raw = data.get(name)
            if not raw:
                continue
            digits = "".join(ch for ch in raw if ch.isdigit())
            if len(digits) == 9:
                digits = "48" + digits
            if len(digits) != 11 or not digits.startswith("48"):
                self.add_error(name, _("Wpisz 9-cyfrowy numer telefonu."))
            elif digits in self.own:
                self.add_error(name, _("To Twój własny numer — wybierz numer innej osoby."))
            elif digits in seen:
                self.add_error(name, _("Ten numer już jest na liście."))
            seen.add(digits)
            data[name] = digits
        return data

    def numbers(self) -> list[str]:
        return [self.cleaned_data[f"number_{i}"] for i in range(self.slots)]


class CaseForm(forms.Form):
    """The fields every letter has; type-specific ones are added per type."""

    EXTRA_FIELDS = {
        "invoice": lambda: forms.ChoiceField(label=_("Faktura")),
        "amount": lambda: forms.DecimalField(
            label=_("Kwota kwestionowana (zł)"), min_value=0, decimal_places=2, required=False
        ),
        "period_from": lambda: forms.DateField(
            label=_("Od dnia"), widget=forms.DateInput(attrs={"type": "date"})
        ),
        "period_to": lambda: forms.DateField(
            label=_("Do dnia"), widget=forms.DateInput(attrs={"type": "date"})
        ),
        "lost_on": lambda: forms.DateField(
            label=_("Data utraty karty"), widget=forms.DateInput(attrs={"type": "date"})
        ),
        "place": lambda: forms.CharField(label=_("Miejsce (adres, miejscowość)"), max_length=200),
        "since": lambda: forms.DateField(
            label=_("Od kiedy występuje problem"), widget=forms.DateInput(attrs={"type": "date"})
        ),
        "service_name": lambda: forms.CharField(label=_("Której usługi dotyczy"), max_length=100),
    }

    description = forms.CharField(
        label=_("Opis (dane zamówienia, opis problemu)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )

    def __init__(
        self,
        *args: Any,
        extra: tuple[str, ...],
        invoices: list[tuple[str, str]],
        complaint: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in extra:
            self.fields[name] = self.EXTRA_FIELDS[name]()
        invoice_field = self.fields.get("invoice")
        if isinstance(invoice_field, forms.ChoiceField):
            invoice_field.choices = invoices
        self.order_fields([*extra, "description"])
        if complaint:
            self.fields["delivery"] = forms.ChoiceField(
                label=_("Jak doręczyć odpowiedź"),
                choices=Case.Delivery.choices,
                initial=Case.Delivery.EMAIL,
                widget=forms.RadioSelect,
            )


class CompletionForm(forms.Form):
    addition = forms.CharField(
        label=_("Uzupełnienie"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )


class ProfitJoinForm(forms.Form):
    consent = forms.BooleanField(label=_("Akceptuję regulamin i wyrażam zgodę (treść powyżej)."))


def tariff_choices(contract: Contract) -> list[TariffPlan]:
    return list(
        TariffPlan.objects.filter(segment=contract.account.kind, available=True).order_by(
            "monthly_fee"
        )
    )
