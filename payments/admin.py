from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Payment, PaymentEvent, SandboxCheckout, WebhookEvent
from .providers.base import ProviderError
from .services import payment_refund


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    fields = ("created_at", "kind", "source", "status_before", "status_after", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("created_at", "pk")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "payable_type",
        "payable_id",
        "amount",
        "method",
        "provider",
        "status",
        "flagged",
    )
    list_filter = ("status", "flagged", "provider", "method", "payable_type")
    search_fields = ("public_id", "payable_id", "checkout_id", "intent_id", "customer_email")
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [PaymentEventInline]
    actions = ["refund"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Zwróć pieniądze (płatności opłacone lub wstrzymane)"))
    def refund(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        done = 0
        for payment in queryset:
            try:
                payment_refund(payment_id=payment.pk, reason="staff")
                done += 1
            except ProviderError as exc:
                self.message_user(request, f"{payment}: {exc}", messages.ERROR)
        self.message_user(request, _("Zlecono zwrotów: %(n)d") % {"n": done})


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "provider", "type", "event_id", "outcome", "processed_at")
    list_filter = ("provider", "outcome", "type")
    search_fields = ("event_id",)
    readonly_fields = [f.name for f in WebhookEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SandboxCheckout)
class SandboxCheckoutAdmin(admin.ModelAdmin):
    list_display = ("checkout_id", "status", "method", "amount_minor", "created_at")
    readonly_fields = [f.name for f in SandboxCheckout._meta.fields]
