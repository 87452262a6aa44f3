import re
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.pl import nip, pesel, regon

from payments.formatting import format_amount

from .models import Offer, Package, earliest_protection_start, payment_deadline_for
from .services import OfferDetails, local_today

PERSON, COMPANY = Offer.PartyKind.PERSON, Offer.PartyKind.COMPANY
_MOBILE = re.compile(r"^(?:\+?48)?([1-9]\d{8})$")
# Django's form EmailField takes up to 320 characters; the column keeps 254 (RFC 5321).
EMAIL_MAX_LENGTH = Offer._meta.get_field("email").max_length
SEARCH_MAX_LENGTH = 100


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def clean_pesel(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if not pesel.is_valid(value):
        raise forms.ValidationError(_("Nieprawidłowy numer PESEL."), code="pesel")
    return pesel.compact(value)


def clean_nip(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if not nip.is_valid(value):
        raise forms.ValidationError(_("Nieprawidłowy numer NIP."), code="nip")
    return nip.compact(value)


def clean_regon(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if not regon.is_valid(value):
        raise forms.ValidationError(_("Nieprawidłowy numer REGON."), code="regon")
    return regon.compact(value)


def clean_mobile(value: str) -> str:
    compact = re.sub(r"[\s-]", "", value or "")
    if not compact:
        return ""
    match = _MOBILE.match(compact)
    if not match:
        raise forms.ValidationError(
            _("Podaj polski numer telefonu komórkowego (9 cyfr)."), code="mobile"
        )
    return "+48" + match.group(1)


def package_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Packages grouped by product: the package decides the product, so one select suffices."""
    groups: dict[str, list[tuple[int, str]]] = {}
    packages = Package.objects.filter(is_active=True, product__is_active=True).select_related(
        "product"
    )
    for package in packages.order_by("product__position", "product__code", "position"):
        label = f"{package.product.code} — {package.name} ({format_amount(package.premium)})"
        groups.setdefault(f"{package.product.code} — {package.product.name}", []).append(
            (package.pk, label)
        )
    return [("", [("", "———")]), *groups.items()]  # type: ignore[list-item]  # Django's grouped choices


class OfferForm(forms.Form):
    package = forms.TypedChoiceField(label=_("Produkt i pakiet"), coerce=int)
    protection_start = forms.DateField(
        label=_("Początek ochrony"),
        widget=DateInput(),
        help_text=_("Ochrona trwa rok. Płatność jest wymagana do 21:00 dnia poprzedniego."),
    )
    holder_kind = forms.ChoiceField(
        label=_("Ubezpieczający jest"),
        choices=Offer.PartyKind.choices,
        initial=PERSON,
        widget=forms.RadioSelect,
    )
    holder_name = forms.CharField(
        label=_("Imię i nazwisko lub nazwa firmy ubezpieczającego"), max_length=200
    )
    holder_pesel = forms.CharField(label=_("PESEL ubezpieczającego"), required=False)
    holder_nip = forms.CharField(label=_("NIP ubezpieczającego"), required=False)
    holder_regon = forms.CharField(label=_("REGON ubezpieczającego"), required=False)
    holder_address = forms.CharField(
        label=_("Adres ubezpieczającego"), required=False, max_length=300
    )
    insured_same_as_holder = forms.BooleanField(
        label=_("Ubezpieczony jest tą samą osobą co ubezpieczający"), required=False, initial=True
    )
    insured_kind = forms.ChoiceField(
        label=_("Ubezpieczony jest"),
        choices=Offer.PartyKind.choices,
        initial=PERSON,
        widget=forms.RadioSelect,
        required=False,
    )
    insured_name = forms.CharField(label=_("Ubezpieczony"), required=False, max_length=200)
    insured_pesel = forms.CharField(label=_("PESEL ubezpieczonego"), required=False)
    insured_nip = forms.CharField(label=_("NIP ubezpieczonego"), required=False)
    insured_regon = forms.CharField(label=_("REGON ubezpieczonego"), required=False)
    email = forms.EmailField(label=_("E-mail klienta"), required=False, max_length=EMAIL_MAX_LENGTH)
    mobile = forms.CharField(label=_("Telefon komórkowy klienta"), required=False)
    email_consent = forms.BooleanField(
        label=_("Klient zgodził się na kontakt e-mailowy (wysyłkę linka do oferty)"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["package"].choices = package_choices()  # type: ignore[attr-defined]  # a ChoiceField

    @classmethod
    def initial_from(cls, offer: Offer, *, copy: bool = False) -> dict[str, Any]:
        initial = OfferDetails.from_offer(offer).as_fields()
        initial["package"] = offer.package_id
        if copy and payment_deadline_for(offer.protection_start) <= timezone.now():
            initial["protection_start"] = None
        return initial

    def clean_package(self) -> Package:
        return Package.objects.select_related("product").get(pk=self.cleaned_data["package"])

    def clean_protection_start(self) -> date:
        start = self.cleaned_data["protection_start"]
        if start < earliest_protection_start(timezone.now()):
            raise forms.ValidationError(
                _(
                    "Ochrona musi się zaczynać po dniu, w którym można jeszcze zapłacić "
                    "(płatność do 21:00 dnia poprzedzającego początek ochrony)."
                )
            )
        if start > local_today() + timedelta(days=365):
            raise forms.ValidationError(_("Ochrona może się zacząć najpóźniej za rok."))
        return start

    def clean_holder_pesel(self) -> str:
        return clean_pesel(self.cleaned_data["holder_pesel"])

    def clean_holder_nip(self) -> str:
        return clean_nip(self.cleaned_data["holder_nip"])

    def clean_holder_regon(self) -> str:
        return clean_regon(self.cleaned_data["holder_regon"])

    def clean_insured_pesel(self) -> str:
        return clean_pesel(self.cleaned_data["insured_pesel"])

    def clean_insured_nip(self) -> str:
        return clean_nip(self.cleaned_data["insured_nip"])

    def clean_insured_regon(self) -> str:
        return clean_regon(self.cleaned_data["insured_regon"])

    def clean_mobile(self) -> str:
        return clean_mobile(self.cleaned_data["mobile"])

    def _require_party(self, prefix: str, kind: str) -> None:
        data = self.cleaned_data
        if kind == PERSON:
            if not data.get(f"{prefix}_pesel") and f"{prefix}_pesel" not in self.errors:
                self.add_error(f"{prefix}_pesel", _("Podaj numer PESEL."))
            data[f"{prefix}_nip"] = data[f"{prefix}_regon"] = ""
        else:
            for name, message in (
                ("nip", _("Podaj numer NIP.")),
                ("regon", _("Podaj numer REGON.")),
            ):
                if not data.get(f"{prefix}_{name}") and f"{prefix}_{name}" not in self.errors:
                    self.add_error(f"{prefix}_{name}", message)
            data[f"{prefix}_pesel"] = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        holder_kind = data.get("holder_kind") or PERSON
        if {"holder_pesel", "holder_nip", "holder_regon"} <= data.keys():
            self._require_party("holder", holder_kind)
        package = data.get("package")
        if package and package.product.is_new_portal and holder_kind != PERSON:
            self.add_error(
                "holder_kind",
                _(
                    "W produktach nowego portalu ubezpieczający jest osobą fizyczną z numerem "
                    "PESEL (klient loguje się numerem PESEL)."
                ),
            )
        if not data.get("insured_same_as_holder"):
            if not data.get("insured_name"):
                self.add_error("insured_name", _("Podaj ubezpieczonego."))
            if {"insured_pesel", "insured_nip", "insured_regon"} <= data.keys():
                self._require_party("insured", data.get("insured_kind") or PERSON)
        if data.get("email_consent") and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Zgoda na kontakt e-mailowy wymaga adresu e-mail."))
        return data

    def details(self) -> OfferDetails:
        data = dict(self.cleaned_data)
        data["insured_kind"] = data.get("insured_kind") or ""
        return OfferDetails(**data)


class ConsentForm(forms.Form):
    """ "Brak zgody Klienta": when the client was told, missing contacts, and the code."""

    informed_on = forms.DateField(
        label=_("Data poinformowania Klienta o jednorazowej zgodzie"), widget=DateInput()
    )
    mobile = forms.CharField(label=_("Telefon komórkowy klienta"), required=False)
    email = forms.EmailField(label=_("E-mail klienta"), required=False, max_length=EMAIL_MAX_LENGTH)
    generate_access_code = forms.BooleanField(
        label=_("Wygeneruj kod dostępu do oferty"), required=False, initial=True
    )

    def __init__(self, *args: Any, offer: Offer, **kwargs: Any) -> None:
        self.offer = offer
        kwargs.setdefault(
            "initial",
            {"informed_on": local_today(), "mobile": offer.mobile, "email": offer.email},
        )
        super().__init__(*args, **kwargs)
        self.fields["mobile"].required = not offer.mobile
        self.fields["email"].required = not offer.email

    def clean_informed_on(self) -> date:
        informed_on = self.cleaned_data["informed_on"]
        if informed_on > local_today():
            raise forms.ValidationError(_("Data nie może być z przyszłości."))
        if informed_on < self.offer.issued_on:
            raise forms.ValidationError(_("Data nie może być wcześniejsza niż wystawienie oferty."))
        return informed_on

    def clean_mobile(self) -> str:
        return clean_mobile(self.cleaned_data["mobile"])


class SendForm(forms.Form):
    revoke_previous = forms.BooleanField(
        label=_("Unieważnij wcześniej wysłane linki"), required=False
    )


class OfferFilterForm(forms.Form):
    SORTS = {
        "-utworzono": "-created_at",
        "utworzono": "created_at",
        "termin": "payment_deadline",
        "-termin": "-payment_deadline",
        "numer": "number",
        "-numer": "-number",
        "klient": "holder_name",
        "-skladka": "-premium",
    }
    SORT_LABELS = {
        "-utworzono": _("najnowsze"),
        "utworzono": _("najstarsze"),
        "termin": _("najbliższy termin płatności"),
        "-termin": _("najdalszy termin płatności"),
        "numer": _("numer rosnąco"),
        "-numer": _("numer malejąco"),
        "klient": _("klient A–Z"),
        "-skladka": _("najwyższa składka"),
    }
    PAGE_SIZES = (25, 50, 100)

    q = forms.CharField(
        label=_("Szukaj"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Numer oferty, nazwisko lub nazwa klienta, PESEL albo NIP"),
    )
    stan = forms.ChoiceField(
        label=_("Stan"),
        required=False,
        choices=[
            ("", _("wszystkie")),
            ("termin", _("blisko terminu, nieopłacone")),
            *Offer.State.choices,
        ],
    )
    sort = forms.ChoiceField(label=_("Sortuj"), required=False, choices=list(SORT_LABELS.items()))
    na_stronie = forms.TypedChoiceField(
        label=_("Na stronie"),
        required=False,
        coerce=int,
        empty_value=50,  # type: ignore[arg-type]  # coerced to int like every choice
        choices=[(n, str(n)) for n in PAGE_SIZES],
    )
