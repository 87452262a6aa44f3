from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from . import services, topups
from .decorators import request_user
from .models import (
    Agency,
    BankStatement,
    DeliveryEvent,
    Instalment,
    InsuredPerson,
    LedgerEntry,
    Message,
    Policy,
    RefusedSenderName,
    StatementLine,
)

AUTHORISATION_STEPS = _(
    "1. Agencja przesyła dokument potwierdzający prawo do nazwy (KRS/CEIDG, znak towarowy "
    "albo pełnomocnictwo właściciela nazwy). 2. Sprawdź, że nazwa nie podszywa się pod urząd, "
    "bank, firmę kurierską ani innego ubezpieczyciela (ubezpieczycieli, których agencja "
    "reprezentuje, wpisz w polu poniżej po okazaniu umowy agencyjnej). 3. Zgłoś nazwę "
    "operatorowi bramki. "
    "4. Po jego akceptacji użyj akcji „Autoryzuj nazwę nadawcy”."
)


class AgencyAdminForm(forms.ModelForm):
    grant_user = forms.ModelChoiceField(
        User.objects.filter(is_active=True).order_by("username"),
        required=False,
        label=_("Daj dostęp do modułu istniejącemu kontu"),
        help_text=_("Np. konto agenta: zobaczy „Moduł SMS” w swoim menu."),
    )
    correction_amount = forms.DecimalField(
        required=False, label=_("Korekta salda (zł, ujemna zmniejsza)"), decimal_places=2
    )
    correction_reason = forms.CharField(required=False, label=_("Powód korekty"), max_length=300)

    class Meta:
        model = Agency
        fields = ("own_insurers", "agent_phone", "reminder_hour", "window_start", "window_end")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("correction_amount") and not (data.get("correction_reason") or "").strip():
            self.add_error("correction_reason", _("Podaj powód korekty."))
        return data


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    form = AgencyAdminForm
    list_display = ("organisation", "registration_code", "sender_name", "sender_state", "balance")
    list_filter = ("sender_state",)
    search_fields = ("organisation__name", "registration_code", "organisation__nip")
    readonly_fields = (
        "organisation",
        "registration_code",
        "sender_name",
        "sender_state",
        "sender_requested_at",
        "sender_decided_at",
        "authorisation_steps",
        "balance",
    )
    filter_horizontal = ("own_insurers",)
    actions = ["authorise_sender", "refuse_sender"]

    @admin.display(description=_("saldo"))
    def balance(self, obj: Agency) -> Decimal:
        return services.agency_balance(obj)

    @admin.display(description=_("kroki autoryzacji nazwy"))
    def authorisation_steps(self, obj: Agency) -> str:
        return str(AUTHORISATION_STEPS)

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        user = form.cleaned_data.get("grant_user")
        if user is not None:
            services.agency_grant_to_user(agency=obj, user=user)
        amount = form.cleaned_data.get("correction_amount")
        if amount:
            try:
                services.sms_balance_correct(
                    agency=obj,
                    amount=amount,
                    reason=form.cleaned_data["correction_reason"],
                    by=request_user(request),
                )
            except services.SmsError as error:
                messages.error(request, error.message)

    @admin.action(description=_("Autoryzuj nazwę nadawcy"))
    def authorise_sender(self, request: HttpRequest, queryset: QuerySet[Agency]) -> None:
        self._decide(request, queryset, authorise=True)

    @admin.action(description=_("Odrzuć nazwę nadawcy"))
    def refuse_sender(self, request: HttpRequest, queryset: QuerySet[Agency]) -> None:
        self._decide(request, queryset, authorise=False)

    def _decide(self, request: HttpRequest, queryset: QuerySet[Agency], *, authorise: bool) -> None:
        for agency in queryset:
            try:
                services.sender_name_decide(agency=agency, authorise=authorise)
            except services.SmsError as error:
                messages.warning(request, f"{agency}: {error.message}")


@admin.register(RefusedSenderName)
class RefusedSenderNameAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "reason")
    list_filter = ("category",)
    search_fields = ("name",)


@admin.register(InsuredPerson)
class InsuredPersonAdmin(admin.ModelAdmin):
    list_display = (
        "last_name",
        "first_name",
        "phone",
        "agency",
        "marketing_consent",
        "opted_out_at",
    )
    list_filter = ("marketing_consent",)
    search_fields = ("last_name", "phone")
    actions = ["opt_out"]
    raw_id_fields = ("agency",)

    @admin.action(description=_("Rezygnacja z SMS (odpowiedź STOP)"))
    def opt_out(self, request: HttpRequest, queryset: QuerySet[InsuredPerson]) -> None:
        count = 0
        for person in queryset:
            services.person_opt_out(person=person)
            count += 1
        messages.success(request, _("Zapisano rezygnację z SMS: %(n)s os.") % {"n": count})


class InstalmentInline(admin.TabularInline):
    model = Instalment
    fields = ("due_date", "amount")
    extra = 1


class PolicyAdminForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ("agency", "person", "number", "insurer", "end_date", "premium")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person, agency = data.get("person"), data.get("agency")
        if person is not None and agency is not None and person.agency_id != agency.pk:
            self.add_error("person", _("Ta osoba należy do innej agencji."))
        return data


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    form = PolicyAdminForm
    list_display = ("number", "insurer", "end_date", "person", "agency")
    search_fields = ("number", "person__last_name")
    raw_id_fields = ("agency", "person")
    inlines = [InstalmentInline]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly):
    list_display = ("created_at", "agency", "kind", "amount", "parts", "price_per_part", "reason")
    list_filter = ("kind",)


class DeliveryEventInline(admin.TabularInline):
    model = DeliveryEvent
    fields = ("created_at", "source", "status", "detail", "applied")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Message)
class MessageAdmin(ReadOnly):
    list_display = ("queued_at", "agency", "recipient", "status", "parts", "cost")
    list_filter = ("status",)
    search_fields = ("recipient", "gateway_id")
    inlines = [DeliveryEventInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None


class StatementUploadForm(forms.ModelForm):
    file = forms.FileField(label=_("Wyciąg (MT940 lub CSV: data;kwota;tytul;nadawca;id)"))

    class Meta:
        model = BankStatement
        fields: list[str] = []


@admin.register(BankStatement)
class BankStatementAdmin(admin.ModelAdmin):
    list_display = ("uploaded_at", "filename", "uploaded_by")

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> "type[forms.ModelForm[Any]]":
        if obj is None:
            kwargs["form"] = StatementUploadForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request: HttpRequest, obj: BankStatement, form: Any, change: bool) -> None:
        if change:
            return
        upload = form.cleaned_data["file"]
        try:
            result = topups.statement_post(
                filename=upload.name, raw=upload.read(), by=request_user(request)
            )
        except services.SmsError as error:
            messages.error(request, error.message)
            return
        obj.pk = result.statement.pk
        messages.info(
            request,
            _("Zaksięgowano: %(c)s, nie przypisano: %(u)s, już wcześniej wczytane: %(r)s.")
            % {"c": result.credited, "u": result.unmatched, "r": result.repeated},
        )


class StatementLineForm(forms.ModelForm):
    class Meta:
        model = StatementLine
        fields = ("agency",)


@admin.register(StatementLine)
class StatementLineAdmin(admin.ModelAdmin):
    form = StatementLineForm
    list_display = ("booked_on", "amount", "title", "counterparty", "state", "agency")
    list_filter = ("state",)
    search_fields = ("title", "counterparty")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: StatementLine, form: Any, change: bool) -> None:
        agency = form.cleaned_data.get("agency")
        if agency is None:
            return
        original = StatementLine.objects.get(pk=obj.pk)
        try:
            topups.statement_line_assign(line=original, agency=agency)
        except services.SmsError as error:
            messages.error(request, error.message)
