from celery import shared_task

from . import ksef, services
from .models import Invoice


@shared_task(autoretry_for=(Exception,), retry_backoff=30, retry_backoff_max=600, max_retries=8)
def invoice_email_task(invoice_id: int) -> bool:
    return services.invoice_email_send(invoice_id=invoice_id)


@shared_task(
    autoretry_for=(ksef.KsefError,), retry_backoff=30, retry_backoff_max=900, max_retries=10
)
def invoice_ksef_submit_task(invoice_id: int) -> bool:
    if not Invoice.objects.filter(pk=invoice_id).exists():
        return False
    sent = services.invoice_ksef_submit(invoice_id=invoice_id)
    if sent:
        invoice_ksef_check_task.delay(invoice_id)
    return sent


@shared_task(bind=True, autoretry_for=(ksef.KsefError,), retry_backoff=10, max_retries=10)
def invoice_ksef_check_task(self, invoice_id: int) -> str:  # type: ignore[no-untyped-def]
    if not Invoice.objects.filter(pk=invoice_id).exists():
        return ""
    state = services.invoice_ksef_check(invoice_id=invoice_id)
    if state == Invoice.KsefState.SENT:
        # KSeF is still processing: ask again a little later (the sweep asks too).
        raise self.retry(countdown=20)
    return state


@shared_task
def invoicing_sweep() -> int:
    return services.invoicing_sweep()
