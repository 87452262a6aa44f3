from django.contrib import admin

from .models import OutboxAttachment, OutboxMessage


class OutboxAttachmentInline(admin.TabularInline):
    model = OutboxAttachment
    fields = ("filename", "content_type")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "recipient", "subject", "status", "attempts")
    list_filter = ("channel", "status")
    search_fields = ("recipient", "subject", "topic")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    inlines = [OutboxAttachmentInline]

    def has_add_permission(self, request):
        return False
