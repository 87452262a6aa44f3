from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.pl import nip as stdnum_nip

from payments.models import Payment

from .files import ATTACHMENT_TYPES, validate_upload
from .models import Bug, Level, LevelApplication, Program


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Szukaj"), max_length=100, required=False)


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Tytuł"), max_length=200)
    body = forms.CharField(label=_("Treść (Markdown)"), widget=forms.Textarea, max_length=20000)


class PostForm(forms.Form):
    body = forms.CharField(label=_("Odpowiedź (Markdown)"), widget=forms.Textarea, max_length=20000)
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class BugForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rodzaj"), choices=Bug.Kind.choices)
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.all())
    version = forms.CharField(label=_("Wersja"), max_length=40)
    title = forms.CharField(label=_("Tytuł"), max_length=200)
    description = forms.CharField(label=_("Opis"), widget=forms.Textarea, max_length=20000)


class BugFilterForm(forms.Form):
    q = forms.CharField(label=_("Szukaj"), max_length=100, required=False)
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.all(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("wszystkie")), *Bug.Status.choices], required=False
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Komentarz"), widget=forms.Textarea, max_length=5000)


def clean_nip(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    if not stdnum_nip.is_valid(digits):
        raise ValidationError(_("Nieprawidłowy NIP: sprawdź 10 cyfr."))
    return digits


class RegistrationForm(forms.Form):
    customer_nip = forms.CharField(label=_("NIP klienta"), max_length=13)
    customer_name = forms.CharField(label=_("Nazwa klienta"), max_length=200)
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.filter(kind=Program.Kind.PROGRAM)
    )
    licences = forms.IntegerField(label=_("Liczba licencji"), min_value=1, max_value=10000)

    def clean_customer_nip(self) -> str:
        return clean_nip(self.cleaned_data["customer_nip"])


class SolutionForm(forms.Form):
    title = forms.CharField(label=_("Tytuł"), max_length=200)
    description = forms.CharField(
        label=_("Opis (Markdown)"), widget=forms.Textarea, max_length=20000
    )
    # Not `files`: that name is the form's own dict of uploads.
    attachments = MultipleFileField(
        label=_("Pliki (PDF, PNG, JPEG lub ZIP, do 5 MB każdy)"), required=False
    )

    def clean_attachments(self) -> list[tuple[Any, str]]:
        return [
            (f, validate_upload(f, allowed=ATTACHMENT_TYPES))
            for f in self.cleaned_data["attachments"]
        ]


class CaseForm(forms.Form):
    subject = forms.CharField(label=_("Temat"), max_length=200)
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.all(), required=False
    )
    body = forms.CharField(label=_("Pytanie"), widget=forms.Textarea, max_length=20000)


class CaseReplyForm(forms.Form):
    body = forms.CharField(label=_("Wiadomość"), widget=forms.Textarea, max_length=20000)


class ApplicationForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Wnioskowany poziom"), queryset=Level.objects.none())
    ground = forms.ChoiceField(
        label=_("Podstawa"), choices=LevelApplication.Ground.choices, widget=forms.RadioSelect
    )
    distributor_nip = forms.CharField(
        label=_("NIP dystrybutora (gdy rekomenduje dystrybutor)"), max_length=13, required=False
    )
    note = forms.CharField(label=_("Uwagi"), widget=forms.Textarea, required=False, max_length=5000)

    def __init__(self, *args: Any, current: Level, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        level = cast(forms.ModelChoiceField, self.fields["level"])  # declared just above
        level.queryset = Level.objects.exclude(pk=current.pk)

    def clean_distributor_nip(self) -> str:
        value = self.cleaned_data["distributor_nip"]
        return clean_nip(value) if value.strip() else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        ground = data.get("ground")
        if ground == LevelApplication.Ground.DISTRIBUTOR_RECOMMENDATION:
            if not data.get("distributor_nip") and "distributor_nip" not in self.errors:
                self.add_error("distributor_nip", _("Podaj NIP rekomendującego dystrybutora."))
        return data


class RecommendationForm(forms.Form):
    registration_number = forms.CharField(
        label=_("Numer rejestracyjny użytkownika"), max_length=40, required=False
    )
    customer_name = forms.CharField(label=_("Nazwa użytkownika"), max_length=200, required=False)
    file = forms.FileField(
        label=_("Pisemna rekomendacja (PDF, PNG lub JPEG, do 5 MB)"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        filled = [data.get("registration_number"), data.get("customer_name"), data.get("file")]
        if any(filled) and not all(filled):
            raise ValidationError(_("Podaj numer, nazwę użytkownika i plik rekomendacji."))
        if data.get("file"):
            try:
                data["content_type"] = validate_upload(data["file"])
            except ValidationError as error:
                self.add_error("file", error)
        return data


RecommendationFormSet = forms.formset_factory(RecommendationForm, extra=3, max_num=10)


class CartAddForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.filter(for_sale=True))
    quantity = forms.IntegerField(label=_("Ilość"), min_value=1, max_value=1000, initial=1)


class PayForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Sposób płatności"), choices=Payment.Method.choices, widget=forms.RadioSelect
    )
