"""Tasks of offers: thin wrappers around the services (beat schedules in settings)."""

from celery import shared_task
from django.db import OperationalError

from . import policy, services


@shared_task
def offers_expire_overdue() -> int:
    return services.offers_expire_overdue()


@shared_task
def offers_send_reminders() -> int:
    return services.offers_send_reminders()


@shared_task(
    autoretry_for=(OperationalError, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=10,
)
def policy_deliver(policy_id: int) -> bool:
    return policy.policy_send(policy_id=policy_id)


@shared_task
def policies_deliver_pending_task() -> int:
    return policy.policies_deliver_pending()
