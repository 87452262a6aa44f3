"""Thin tasks: load ids, call one service. Every one is safe to run twice."""

from celery import shared_task
from django.conf import settings

from . import ksef, services
from .models import Invoice


@shared_task(autoretry_for=(Exception,), retry_backoff=30, retry_backoff_max=600, max_retries=8)
def invoice_email_task(invoice_id: int) -> bool:
    if not Invoice.objects.filter(pk=invoice_id).exists():
        return False
    return services.invoice_email_send(invoice_id=invoice_id)


@shared_task(
    autoretry_for=(ksef.KsefError,), retry_backoff=30, retry_backoff_max=900, max_retries=10
)
def invoice_ksef_submit_task(invoice_id: int) -> bool:
    if not Invoice.objects.filter(pk=invoice_id).exists():
        return False
    sent = services.invoice_ksef_submit(invoice_id=invoice_id)
    if sent:
        # KSeF decides within seconds; an answer still pending then waits for the sweep.
        invoice_ksef_check_task.apply_async((invoice_id,), countdown=settings.KSEF_CHECK_AFTER)
    return sent


@shared_task(autoretry_for=(ksef.KsefError,), retry_backoff=10, max_retries=5)
def invoice_ksef_check_task(invoice_id: int) -> str:
    if not Invoice.objects.filter(pk=invoice_id).exists():
        return ""
    return services.invoice_ksef_check(invoice_id=invoice_id)


@shared_task
def invoicing_sweep() -> int:
    return services.invoicing_sweep()
