import re
from datetime import date
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    ActiveService,
    Case,
    CaseEvent,
    CaseLetter,
    CaseQuerySet,
    Contract,
    Invoice,
    InvoiceItem,
    Order,
    PeriodUsage,
    ProfitTransaction,
    Service,
    SubscriberAccount,
    TariffPlan,
)


@admin.register(TariffPlan)
class TariffPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "segment", "monthly_fee", "minutes", "sms", "data_mb", "available"]
    list_filter = ["segment", "available"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "monthly_fee", "activation_fee", "change_fee", "settings_kind"]
    prepopulated_fields = {"slug": ["name"]}


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0
    fields = ["msisdn", "label", "tariff", "signed_on", "active"]
    show_change_link = True


@admin.register(SubscriberAccount)
class SubscriberAccountAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "kind", "payment_form", "city"]
    list_filter = ["kind", "payment_form"]
    search_fields = ["number", "name", "contracts__msisdn"]
    exclude = ["code_hash"]
    raw_id_fields = ["user"]
    inlines = [ContractInline]


class ActiveServiceInline(admin.TabularInline):
    model = ActiveService
    extra = 0


class UsageInline(admin.TabularInline):
    model = PeriodUsage
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["msisdn", "account", "tariff", "signed_on", "active"]
    search_fields = ["msisdn", "account__number", "account__name"]
    list_select_related = ["account", "tariff"]
    exclude = ["code_hash"]
    inlines = [ActiveServiceInline, UsageInline]


class InvoiceItemInline(admin.TabularInline):
    model = InvoiceItem
    extra = 0


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "account", "period_start", "gross_total", "due_on", "paid_at"]
    list_filter = ["period_start"]
    search_fields = ["number", "account__number"]
    list_select_related = ["account"]
    inlines = [InvoiceItemInline]


@admin.register(ProfitTransaction)
class ProfitTransactionAdmin(admin.ModelAdmin):
    list_display = ["account", "occurred_at", "kind", "points", "description", "expires_on"]
    list_filter = ["kind"]
    search_fields = ["account__number"]
    list_select_related = ["account"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "account", "contract", "state", "fee", "effective_on"]
    list_filter = ["state", "kind"]
    search_fields = ["account__number", "contract__msisdn"]
    list_select_related = ["account", "contract"]
    readonly_fields = ["account", "contract", "kind", "summary", "details", "fee", "created_at"]
    actions = ["mark_in_progress", "mark_done", "mark_rejected"]

    def _set_state(self, request: HttpRequest, queryset: QuerySet[Order], state: str) -> None:
        for order in queryset:
            services.order_process(order=order, state=state)
        self.message_user(request, _("Zmieniono stan %(n)d zleceń.") % {"n": len(queryset)})

    @admin.action(description=_("Oznacz jako w realizacji"))
    def mark_in_progress(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._set_state(request, queryset, Order.State.IN_PROGRESS)

    @admin.action(description=_("Oznacz jako zrealizowane"))
    def mark_done(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._set_state(request, queryset, Order.State.DONE)

    @admin.action(description=_("Oznacz jako odrzucone"))
    def mark_rejected(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._set_state(request, queryset, Order.State.REJECTED)


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "kind", "who", "note")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class CaseLetterInline(admin.TabularInline):
    model = CaseLetter
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "kind",
        "address",
        "due_on",
        "created_at",
        "posted_on",
        "registered_number",
        "pdf_link",
    )

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("PDF"))
    def pdf_link(self, letter: CaseLetter) -> str:
        return _letter_pdf_link(letter)


def _letter_pdf_link(letter: CaseLetter) -> str:
    url = reverse("admin:subscribers_caseletter_pdf", args=[letter.pk])
    return format_html('<a href="{}">{}</a>', url, _("Pobierz PDF"))


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "category", "type_label", "account", "state", "next_deadline", "due"]
    list_filter = ["category", "state", "delivery"]
    search_fields = ["number", "account__number"]
    list_select_related = ["account"]
    readonly_fields = [
        "number",
        "account",
        "contract",
        "category",
        "type_label",
        "fields",
        "description",
        "filed_at",
        "answer_due_on",
        "completion_due_on",
        "refusal_reason",
        "answered_at",
        "answer_sent_on",
        "in_time",
        "resend_requested_at",
        "resend_due_on",
        "delivery",
    ]
    exclude = ["receipt_pdf", "order", "type_code", "invoice", "state"]
    inlines = [CaseLetterInline, CaseEventInline]
    actions = ["return_for_completion"]

    def get_readonly_fields(self, request: HttpRequest, obj: Case | None = None) -> list[str]:
        # A sent (or printed) answer stays as it went out: the letter's PDF says the same.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "answer"] if obj is not None and obj.answered_at else fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        # The default manager is CaseQuerySet.as_manager(): the admin's queryset is one.
        return cast(CaseQuerySet, super().get_queryset(request)).with_next_deadline()

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        # Staff see first what must go out soonest: open cases by their answer day,
        # answers and repeated answers waiting in the letter queue by their posting day.
        # (An annotation, so it cannot be the `ordering` attribute the checks read.)
        return [F("next_deadline").asc(nulls_last=True), "filed_at"]

    @admin.display(description=_("wysłać do"), ordering="next_deadline")
    def next_deadline(self, case: Case) -> str:
        deadline: date | None = getattr(case, "next_deadline", None)
        return "—" if deadline is None else f"{deadline:%d.%m.%Y}"

    @admin.display(description=_("dni do terminu"))
    def due(self, case: Case) -> str:
        deadline: date | None = getattr(case, "next_deadline", None)
        return "—" if deadline is None else str((deadline - timezone.localdate()).days)

    @admin.display(description=_("odpowiedź w terminie"), boolean=True)
    def in_time(self, case: Case) -> bool | None:
        return case.answered_in_time

    def save_model(self, request: HttpRequest, obj: Case, form: object, change: bool) -> None:
        # Writing an answer in the admin sends it the way the subscriber chose.
        answer = obj.answer.strip()
        if change and answer and not obj.answered_at:
            services.case_answer(case=obj, answer=answer, who=_staff(request))
            if obj.delivery == Case.Delivery.LETTER:
                messages.info(
                    request, _("Odpowiedź czeka na wysłanie listem (Listy do abonentów).")
                )
            else:
                messages.info(request, _("Odpowiedź wysłana abonentowi."))
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Zwróć do uzupełnienia (7 dni)"))
    def return_for_completion(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        for case in queryset:
            services.case_return_for_completion(
                case=case,
                missing=case.missing or str(_("Uzupełnij opis reklamacji.")),
                who=_staff(request),
            )
        self.message_user(request, _("Zwrócono do uzupełnienia."))


def _staff(request: HttpRequest) -> str:
    return f"user:{request.user.pk}"


class PostingFilter(admin.SimpleListFilter):
    title = _("wysyłka")
    parameter_name = "wysylka"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("do-wyslania", str(_("do wysłania"))), ("wyslane", str(_("wysłane")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "do-wyslania":
            return queryset.filter(posted_on__isnull=True)
        if self.value() == "wyslane":
            return queryset.filter(posted_on__isnull=False)
        return queryset


REGISTERED_NUMBER = re.compile(r"^[A-Z0-9]{8,40}$")


class PostedForm(forms.Form):
    posted_on = forms.DateField(
        label=_("Data nadania"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, letters: list[CaseLetter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.letters = letters
        for letter in letters:
            self.fields[f"registered_{letter.pk}"] = forms.CharField(
                label=str(letter), required=False, max_length=40
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for letter in self.letters:
            name = f"registered_{letter.pk}"
            number = "".join(str(cleaned.get(name, "")).split()).upper()
            if number and not REGISTERED_NUMBER.match(number):
                self.add_error(name, _("Numer nadania to 8–40 liter i cyfr, np. RR123456789PL."))
            cleaned[name] = number
        return cleaned

    def registered_number(self, letter: CaseLetter) -> str:
        return str(self.cleaned_data.get(f"registered_{letter.pk}", ""))


@admin.register(CaseLetter)
class CaseLetterAdmin(admin.ModelAdmin):
    """The queue of answers to post: print them, post them, record the posting day."""

    list_display = [
        "case",
        "kind",
        "addressee",
        "due_on",
        "created_at",
        "posted_on",
        "registered_number",
        "pdf_link",
    ]
    list_filter = [PostingFilter, "kind"]
    search_fields = ["case__number", "registered_number", "case__account__number"]
    list_select_related = ["case"]
    fields = readonly_fields = (
        "case",
        "kind",
        "address",
        "due_on",
        "created_at",
        "posted_on",
        "registered_number",
        "posted_by",
        "pdf_link",
    )
    actions = ["print_letters", "mark_posted"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[CaseLetter]:
        return super().get_queryset(request).defer("pdf")

    @admin.display(description=_("PDF"))
    def pdf_link(self, letter: CaseLetter) -> str:
        return _letter_pdf_link(letter)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="subscribers_caseletter_pdf",
            )
        ]
        return own + super().get_urls()

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise Http404
        letter = get_object_or_404(CaseLetter.objects.select_related("case"), pk=pk)
        return _pdf_response(bytes(letter.pdf), letter.filename)

    @admin.action(description=_("Pobierz do druku (jeden PDF)"))
    def print_letters(self, request: HttpRequest, queryset: QuerySet[CaseLetter]) -> HttpResponse:
        letters = list(queryset.defer(None).select_related("case").order_by("due_on", "pk"))
        stamp = timezone.localdate().strftime("%Y-%m-%d")
        return _pdf_response(services.case_letters_print(letters), f"listy-{stamp}.pdf")

    @admin.action(description=_("Oznacz jako nadane (data, numery listów poleconych)"))
    def mark_posted(
        self, request: HttpRequest, queryset: QuerySet[CaseLetter]
    ) -> HttpResponse | None:
        letters = list(queryset.filter(posted_on__isnull=True).select_related("case"))
        if not letters:
            self.message_user(request, _("Zaznaczone listy są już nadane."), messages.WARNING)
            return None
        if "apply" in request.POST:
            form = PostedForm(request.POST, letters=letters)
            if form.is_valid() and self._post_letters(request, form):
                return None
        else:
            form = PostedForm(initial={"posted_on": timezone.localdate()}, letters=letters)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Nadanie listów"),
            "opts": self.model._meta,
            "form": form,
            "rows": [(letter, form[f"registered_{letter.pk}"]) for letter in letters],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/subscribers/caseletter/mark_posted.html", context)

    def _post_letters(self, request: HttpRequest, form: PostedForm) -> bool:
        posted = 0
        for letter in form.letters:
            try:
                services.case_letter_posted(
                    letter=letter,
                    posted_on=form.cleaned_data["posted_on"],
                    registered_number=form.registered_number(letter),
                    who=_staff(request),
                )
            except services.SubscriberError as refused:
                form.add_error("posted_on", refused.message)
                return False
            posted += 1
        self.message_user(request, _("Oznaczono jako nadane: %(n)d.") % {"n": posted})
        return True


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
