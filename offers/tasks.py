"""Beat tasks for offers: thin wrappers around the services (schedules in settings)."""

from celery import shared_task

from . import services


@shared_task
def offers_expire_overdue() -> int:
    return services.offers_expire_overdue()


@shared_task
def offers_send_reminders() -> int:
    return services.offers_send_reminders()
