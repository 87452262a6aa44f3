from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Kontakt"), {"fields": ("phone",)}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "roles")
    list_filter = ("groups", "is_staff", "is_active")

    @admin.display(description=_("role"))
    def roles(self, obj: User) -> str:
        return ", ".join(group.name for group in obj.groups.all())

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("groups")
