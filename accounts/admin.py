from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Invitation, Membership, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Kontakt"), {"fields": ("phone",)}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "roles")
    list_filter = ("groups", "is_staff", "is_active")

    @admin.display(description=_("role"))
    def roles(self, obj: User) -> str:
        return ", ".join(group.name for group in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "nip", "email", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "nip", "email")
    inlines = (MembershipInline,)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are created by owners (their link is e-mailed once); staff watch and revoke."""

    list_display = ("email", "organisation", "role", "created_at", "expires_at", "state")
    list_filter = ("role", "organisation__kind")
    search_fields = ("email", "organisation__name")
    list_select_related = ("organisation",)
    readonly_fields = (
        "organisation",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    )
    actions = ("revoke",)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("stan"))
    def state(self, obj: Invitation) -> str:
        if obj.accepted_at:
            return str(_("przyjęte"))
        if obj.revoked_at:
            return str(_("unieważnione"))
        if not obj.is_usable(timezone.now()):
            return str(_("wygasłe"))
        return str(_("oczekuje"))

    @admin.action(description=_("Unieważnij wybrane zaproszenia"))
    def revoke(self, request, queryset) -> None:
        count = queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        self.message_user(request, _("Unieważniono zaproszeń: %(count)s.") % {"count": count})
