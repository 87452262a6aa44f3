from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.downloads import file_download

from . import services
from .models import OutboxAttachment, OutboxMessage


@staff_member_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """What the portal has sent or is about to send: in development, the mailbox."""
    queryset = OutboxMessage.objects.only(
        "channel", "recipient", "subject", "body_text", "status", "created_at", "topic"
    )
    channel = request.GET.get("kanal")
    if channel in OutboxMessage.Channel.values:
        queryset = queryset.filter(channel=channel)
    page = Paginator(queryset, 50).get_page(request.GET.get("strona"))
    return render(request, "notifications/outbox.html", {"page": page, "channel": channel})


@staff_member_required
@require_GET
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    attachments = message.attachments.only("filename", "content_type")
    return render(
        request,
        "notifications/outbox_detail.html",
        {"message": message, "attachments": attachments},
    )


@staff_member_required
@require_GET
def outbox_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    attachment = get_object_or_404(OutboxAttachment, pk=attachment_pk, message_id=pk)
    return file_download(
        bytes(attachment.content),
        filename=attachment.filename,
        content_type=attachment.content_type,
    )


@staff_member_required
@require_POST
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk, status=OutboxMessage.Status.FAILED)
    services.outbox_retry(message=message)
    messages.success(request, _("Wiadomość wróciła do kolejki wysyłki."))
    return redirect("notifications:outbox-detail", pk=message.pk)
