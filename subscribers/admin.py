from django.contrib import admin, messages
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    ActiveService,
    Case,
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


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "category", "type_label", "account", "state", "answer_due_on", "due"]
    list_filter = ["category", "state"]
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
        "resend_requested_at",
        "resend_due_on",
        "delivery",
    ]
    exclude = ["receipt_pdf", "order", "type_code", "invoice", "state"]
    actions = ["return_for_completion"]
    # Staff see first the open cases whose answer is due soonest.
    ordering = [F("answer_due_on").asc(nulls_last=True), "filed_at"]

    @admin.display(description=_("dni do terminu"))
    def due(self, case: Case) -> str:
        left = case.days_left(timezone.localdate())
        return "—" if left is None else str(left)

    def save_model(self, request: HttpRequest, obj: Case, form: object, change: bool) -> None:
        # Writing an answer in the admin sends it the way the subscriber chose.
        answer = obj.answer.strip()
        if change and answer and not obj.answered_at:
            services.case_answer(case=obj, answer=answer)
            messages.info(request, _("Odpowiedź wysłana abonentowi."))
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Zwróć do uzupełnienia (7 dni)"))
    def return_for_completion(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        for case in queryset:
            services.case_return_for_completion(
                case=case, missing=case.missing or str(_("Uzupełnij opis reklamacji."))
            )
        self.message_user(request, _("Zwrócono do uzupełnienia."))
