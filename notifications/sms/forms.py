from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum.pl import nip as stdnum_nip

from accounts.forms import PortalLoginForm
from accounts.models import User

from . import gsm7
from .fields import FIELDS, unknown_fields
from .models import (
    Agency,
    Instalment,
    InsuredPerson,
    Message,
    MessageType,
    Policy,
    ReminderRule,
    Template,
    Vehicle,
    sender_name_validator,
)
from .services import Registration, phone_normalise


class RegistrationForm(forms.Form):
    company = forms.CharField(label=_("Nazwa firmy"), max_length=200)
    nip = forms.CharField(label=_("NIP"), max_length=20)
    address = forms.CharField(label=_("Adres"), max_length=300)
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, help_text=_("Na ten adres wyślemy kod i link.")
    )
    phone = forms.CharField(label=_("Telefon"), max_length=20)
    first_name = forms.CharField(label=_("Imię"), max_length=100)
    last_name = forms.CharField(label=_("Nazwisko"), max_length=150)

    def clean_nip(self) -> str:
        value = self.cleaned_data["nip"]
        try:
            return stdnum_nip.validate(value)
        except Exception as exc:  # stdnum raises its own ValidationError subclasses
            raise forms.ValidationError(_("Nieprawidłowy NIP: sprawdź cyfry.")) from exc

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(username__iexact=email).exists():
            raise forms.ValidationError(
                _("Konto z tym adresem już istnieje. Zaloguj się albo skontaktuj się z obsługą.")
            )
        return email

    def clean_phone(self) -> str:
        phone = phone_normalise(self.cleaned_data["phone"])
        if phone is None:
            raise forms.ValidationError(_("Nieprawidłowy numer telefonu."))
        return phone

    def registration(self) -> Registration:
        return Registration(**self.cleaned_data)


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Nowe hasło"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Powtórz hasło"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("Hasła różnią się."))
        elif one:
            try:
                validate_password(one, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class EmailLoginForm(PortalLoginForm):
    """E-mail and password; the same lock-out rules as every login of the portal."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail")
        self.fields["username"].widget.attrs["autocomplete"] = "email"
        self.error_messages = {
            **self.error_messages,
            "invalid_login": _("Nieprawidłowy e-mail lub hasło."),
        }

    def clean(self) -> dict[str, Any]:
        # An agency user's login name is the e-mail; an agent given the module keeps
        # theirs, so the e-mail is first turned into that login name.
        email = (self.cleaned_data.get("username") or "").strip().lower()
        user = User.objects.filter(email__iexact=email, memberships__isnull=False).first()
        if user is not None:
            self.cleaned_data["username"] = user.username
        return super().clean()


class SenderForm(forms.Form):
    preset = forms.ChoiceField(label=_("Nazwa z listy"), required=False)
    own = forms.CharField(
        label=_("albo własna nazwa"),
        max_length=11,
        required=False,
        validators=[sender_name_validator],
        help_text=_("Najwyżej 11 znaków: litery, cyfry, spacja, kropka, myślnik."),
    )
    agent_phone = forms.CharField(
        label=_("Telefon agenta (pole „telefon agenta”)"), max_length=20, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        preset = cast(forms.ChoiceField, self.fields["preset"])  # declared above
        preset.choices = [("", _("— Bramka SMS —"))] + [
            (name, name) for name in settings.SMS_SENDER_PRESETS
        ]

    def clean_agent_phone(self) -> str:
        raw = self.cleaned_data["agent_phone"]
        if not raw:
            return ""
        phone = phone_normalise(raw)
        if phone is None:
            raise forms.ValidationError(_("Nieprawidłowy numer telefonu."))
        return phone

    def chosen(self) -> str:
        return self.cleaned_data.get("own") or self.cleaned_data.get("preset") or ""


class TemplateForm(forms.ModelForm):
    class Meta:
        model = Template
        fields = ["kind", "name", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6, "class": "sms-text"})}

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        found = gsm7.offenders(text)
        if found:
            listed = ", ".join(f"„{o.char}” → „{o.replacement or '?'}”" for o in found)
            raise forms.ValidationError(
                _("W tekście SMS nie wolno używać polskich znaków: %(list)s. Użyj „zamień”.")
                % {"list": listed},
                code="non_gsm",
            )
        unknown = unknown_fields(text)
        if unknown:
            raise forms.ValidationError(
                _("Nieznane pola: %(list)s.") % {"list": ", ".join(unknown)}
            )
        if gsm7.parts(text) > 6:
            raise forms.ValidationError(_("Wiadomość może mieć najwyżej 6 części SMS."))
        return text


class PersonForm(forms.ModelForm):
    class Meta:
        model = InsuredPerson
        fields = [
            "first_name",
            "last_name",
            "phone",
            "email",
            "birth_date",
            "marketing_consent",
            "consent_source",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"]
        if not raw:
            return ""
        phone = phone_normalise(raw)
        if phone is None:
            raise forms.ValidationError(_("Nieprawidłowy numer telefonu."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("marketing_consent") and not data.get("consent_source"):
            self.add_error("consent_source", _("Podaj, skąd pochodzi zgoda."))
        return data


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["number", "insurer", "end_date", "premium"]
        widgets = {"end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class InstalmentForm(forms.ModelForm):
    """A policy's instalment: when it is due and how much (the person's policies only)."""

    amount = forms.DecimalField(
        label=_("Kwota raty (zł)"),
        max_digits=10,
        decimal_places=2,
        localize=True,
        error_messages={"invalid": _("Podaj kwotę raty, np. 123,45.")},
    )

    class Meta:
        model = Instalment
        fields = ["policy", "due_date", "amount"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {
            "due_date": {"invalid": _("Podaj termin raty jako datę, np. 2026-01-15.")},
        }

    def __init__(self, *args: Any, person: InsuredPerson, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy = cast(forms.ModelChoiceField, self.fields["policy"])  # the FK's field
        policy.queryset = Policy.objects.filter(person=person, agency=person.agency)
        policy.empty_label = None
        policy.error_messages["invalid_choice"] = _("Wybierz jedną z polis tej osoby.")

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError(_("Kwota raty musi być większa od zera."))
        return amount

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        policy, due = data.get("policy"), data.get("due_date")
        if policy is not None and due is not None:
            same = Instalment.objects.filter(policy=policy, due_date=due)
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("due_date", _("Ta polisa ma już ratę w tym terminie."))
        return data


class VehicleForm(forms.ModelForm):
    class Meta:
        model = Vehicle
        fields = ["registration", "inspection_date"]
        widgets = {"inspection_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_registration(self) -> str:
        return self.cleaned_data["registration"].upper().strip()


class MessageFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Stan"), required=False, choices=[("", _("wszystkie")), *Message.Status.choices]
    )
    od = forms.DateField(
        label=_("Od"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    do = forms.DateField(
        label=_("Do"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    wzor = forms.TypedChoiceField(label=_("Wzór"), required=False, coerce=int, empty_value=None)
    odbiorca = forms.CharField(label=_("Odbiorca"), required=False, max_length=100)

    def __init__(self, *args: Any, templates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template_names = dict(templates)
        template = cast(forms.TypedChoiceField, self.fields["wzor"])  # declared above
        template.choices = [("", _("wszystkie")), *templates]


class RuleForm(forms.ModelForm):
    class Meta:
        model = ReminderRule
        fields = ["template", "days_ahead", "enabled"]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the agency's own templates can be picked (another's id is "not a choice").
        template = cast(forms.ModelChoiceField, self.fields["template"])  # the FK's field
        template.queryset = Template.objects.filter(agency=agency)


class ScheduleForm(forms.Form):
    reminder_hour = forms.IntegerField(label=_("Godzina przypomnień"), min_value=0, max_value=23)
    window_start = forms.IntegerField(label=_("Wysyłka od godziny"), min_value=0, max_value=23)
    window_end = forms.IntegerField(label=_("Wysyłka do godziny"), min_value=1, max_value=24)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("window_start") is not None and data.get("window_end") is not None:
            if data["window_start"] >= data["window_end"]:
                self.add_error("window_end", _("Koniec okna musi być po jego początku."))
        return data


class CsvImportForm(forms.Form):
    file = forms.FileField(label=_("Plik CSV"))


class TopUpForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Kwota doładowania (zł brutto)"), min_value=10, max_value=50000, decimal_places=2
    )


def field_choices() -> list[tuple[str, object]]:
    return list(FIELDS.items())


def kinds() -> list[tuple[str, str | Promise]]:
    return list(MessageType.choices)
