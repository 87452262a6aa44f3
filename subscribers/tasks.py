"""Daily work of the subscriber area: tariffs that start, complaints not completed, Profit."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def subscribers_daily() -> dict[str, int]:
    """Safe to run any number of times a day: each step does its work once."""
    today = timezone.localdate()
    return {
        "tariffs": services.tariffs_apply_due(today=today),
        "cases_expired": services.cases_expire_incomplete(today=today),
        "profit_expired": services.profit_expire_due(today=today),
        "profit_reminders": services.profit_send_reminders(today=today),
    }
