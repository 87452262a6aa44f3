from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One e-mail or SMS that must go out.

    Written in the same transaction as the change that causes it, so that a
    message exists exactly when its cause does; delivery happens afterwards in
    a task, and a beat task re-queues whatever is still pending.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("oczekuje")
        SENDING = "sending", _("wysyłanie")
        SENT = "sent", _("wysłano")
        FAILED = "failed", _("błąd")

    channel = models.CharField(_("kanał"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("odbiorca"), max_length=254)
    sender = models.CharField(_("nadawca"), max_length=254, blank=True)
    subject = models.CharField(_("temat"), max_length=255, blank=True)
    body_text = models.TextField(_("treść"))
    body_html = models.TextField(_("treść HTML"), blank=True)
    status = models.CharField(
        _("stan"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("próby"), default=0)
    last_error = models.TextField(_("ostatni błąd"), blank=True)
    # The SMS gateway's id of the message, which its delivery reports carry.
    gateway_message_id = models.CharField(
        _("identyfikator u operatora"), max_length=100, blank=True, db_index=True
    )
    # What caused the message, e.g. "offer:17", for the outbox page and support.
    topic = models.CharField(_("dotyczy"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("utworzono"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("pobrano do wysyłki"), null=True, blank=True)
    sent_at = models.DateTimeField(_("wysłano"), null=True, blank=True)

    class Meta:
        verbose_name = _("wiadomość do wysłania")
        verbose_name_plural = _("wiadomości do wysłania")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        summary = self.subject or self.body_text[:40]
        return f"{self.get_channel_display()} → {self.recipient}: {summary}"


class OutboxAttachment(models.Model):
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, default="application/pdf")
    content = models.BinaryField()

    class Meta:
        verbose_name = _("załącznik")
        verbose_name_plural = _("załączniki")

    def __str__(self) -> str:
        return self.filename
