"""Invoices for staff: read-only once issued, with their PDF and FA(3) XML to download."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.fields import mask_identifier

from . import ksef
from .models import Invoice, InvoiceCounter, InvoiceEvent, InvoiceItem, KsefState
from .pdf import invoice_pdf_response
from .tasks import invoice_ksef_check_task, invoice_ksef_submit_task


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InvoiceItemInline(ReadOnlyInline):
    model = InvoiceItem
    fields = (
        "position",
        "description",
        "quantity",
        "unit",
        "unit_net",
        "unit_gross",
        "vat_rate",
        "net",
        "vat",
        "gross",
    )
    readonly_fields = fields


class InvoiceEventInline(ReadOnlyInline):
    model = InvoiceEvent
    fields = ("created_at", "kind", "note")
    readonly_fields = fields


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    """An issued invoice never changes: it is corrected by another document, not edited."""

    list_display = (
        "number",
        "issue_date",
        "buyer_name",
        "buyer_nip_masked",
        "gross_total",
        "ksef_state",
        "downloads",
    )
    list_filter = ("ksef_state", "year")
    search_fields = ("number", "buyer_name", "=buyer_nip", "topic", "ksef_number")
    date_hierarchy = "issue_date"
    inlines = [InvoiceItemInline, InvoiceEventInline]
    actions = ["ksef_send", "ksef_check"]
    readonly_fields = ["downloads", *(f.name for f in Invoice._meta.fields)]
    fieldsets = [
        (None, {"fields": ["number", "downloads", "topic", "issue_date", "sale_date", "place"]}),
        (
            _("Sprzedawca"),
            {"fields": ["seller_name", "seller_nip", "seller_address", "seller_iban"]},
        ),
        (_("Nabywca"), {"fields": ["buyer_name", "buyer_nip", "buyer_address", "buyer_email"]}),
        (_("Kwoty"), {"fields": ["basis", "net_total", "vat_total", "gross_total", "paid_at"]}),
        (_("Wysyłka"), {"fields": ["send_to", "emailed_at"]}),
        (
            _("KSeF"),
            {
                "fields": [
                    "ksef_state",
                    "ksef_reference",
                    "ksef_number",
                    "ksef_error",
                    "ksef_sent_at",
                    "ksef_decided_at",
                ]
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("NIP nabywcy"))
    def buyer_nip_masked(self, invoice: Invoice) -> str:
        return mask_identifier(invoice.buyer_nip) or "—"

    @admin.display(description=_("Pobierz"))
    def downloads(self, invoice: Invoice) -> str:
        return format_html(
            '<a href="{}">PDF</a> · <a href="{}">XML (FA(3))</a>',
            reverse("admin:invoicing_invoice_pdf", args=[invoice.pk]),
            reverse("admin:invoicing_invoice_xml", args=[invoice.pk]),
        )

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="invoicing_invoice_pdf",
            ),
            path(
                "<int:pk>/xml/",
                self.admin_site.admin_view(self.xml_view),
                name="invoicing_invoice_xml",
            ),
        ]
        return own + super().get_urls()

    def _get_invoice_for_staff(self, request: HttpRequest, pk: int) -> Invoice:
        if not self.has_view_permission(request):
            raise Http404
        return get_object_or_404(Invoice, pk=pk)

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return invoice_pdf_response(self._get_invoice_for_staff(request, pk))

    def xml_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return ksef.invoice_fa3_response(self._get_invoice_for_staff(request, pk))

    @admin.action(description=_("Wyślij do KSeF (faktury jeszcze niewysłane)"))
    def ksef_send(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        if ksef.get_client() is None:
            self.message_user(
                request,
                _("Wysyłka do KSeF jest wyłączona (KSEF_CLIENT=disabled)."),
                messages.WARNING,
            )
            return
        pending = list(queryset.filter(ksef_state=KsefState.NOT_SENT).values_list("pk", flat=True))
        for invoice_id in pending:
            invoice_ksef_submit_task.delay(invoice_id)
        self.message_user(request, _("Zlecono wysyłkę faktur: %(n)d") % {"n": len(pending)})

    @admin.action(description=_("Sprawdź stan w KSeF (faktury wysłane)"))
    def ksef_check(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        sent = list(queryset.filter(ksef_state=KsefState.SENT).values_list("pk", flat=True))
        for invoice_id in sent:
            invoice_ksef_check_task.delay(invoice_id)
        self.message_user(request, _("Zlecono sprawdzenie faktur: %(n)d") % {"n": len(sent)})


@admin.register(InvoiceCounter)
class InvoiceCounterAdmin(admin.ModelAdmin):
    """Visible, never editable: a changed counter would leave a gap or a duplicate."""

    list_display = ("year", "last_number")
    readonly_fields = ("year", "last_number")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
