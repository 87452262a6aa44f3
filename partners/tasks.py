from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def technician_expiry_remind() -> int:
    """Daily: the 30- and 7-day notices before a technician's status expires."""
    return services.technician_expiry_remind(today=timezone.localdate())


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def technician_expiry_apply() -> int:
    """Daily: companies whose technician status ran out fall to the fallback level, told once."""
    return services.technician_expiry_apply(today=timezone.localdate())
