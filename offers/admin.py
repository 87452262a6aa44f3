from django.contrib import admin

from .models import DmsLink, Offer, OfferEvent, Package, Product, ProductDocument


class PackageInline(admin.TabularInline):
    model = Package
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "portal", "documents_version", "is_active", "position")
    list_editable = ("is_active", "position")
    inlines = [PackageInline]


@admin.register(ProductDocument)
class ProductDocumentAdmin(admin.ModelAdmin):
    list_display = ("product", "kind", "version", "created_at")
    list_filter = ("kind", "product")


class OfferEventInline(admin.TabularInline):
    model = OfferEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "kind", "actor", "actor_label", "offer_version", "details")

    def has_add_permission(self, request, obj=None):
        return False


class DmsLinkInline(admin.TabularInline):
    model = DmsLink
    extra = 0
    can_delete = False
    fields = ("created_at", "expires_at", "revoked_at", "last_used_at", "created_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    """Read-only for staff: offers change only through the agent's actions (services)."""

    list_display = (
        "__str__",
        "agent",
        "state",
        "holder_name",
        "holder_identifier_masked",
        "premium",
        "payment_deadline",
    )
    list_filter = ("state", "product")
    list_select_related = ("product", "agent")
    search_fields = ("holder_name",)
    exclude = (
        "holder_pesel",
        "holder_nip",
        "holder_regon",
        "insured_pesel",
        "insured_nip",
        "insured_regon",
    )
    inlines = [DmsLinkInline, OfferEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Offer._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
