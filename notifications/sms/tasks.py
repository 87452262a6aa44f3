"""Thin tasks: take ids, call one service. The beat schedule is in portal/settings.py."""

from celery import shared_task

from . import services


@shared_task
def sms_messages_deliver(message_ids: list[int]) -> int:
    retry = services.sms_messages_deliver(message_ids=message_ids)
    if retry:
        from .models import Message

        attempt = max(
            Message.objects.filter(pk__in=retry).values_list("attempts", flat=True), default=1
        )
        sms_messages_deliver.apply_async((retry,), countdown=services.retry_countdown(attempt))
    return len(message_ids) - len(retry)


@shared_task
def sms_release_due() -> int:
    return services.sms_release_due()


@shared_task
def sms_status_refresh(refresh_id: int) -> None:
    services.status_refresh_run(refresh_id=refresh_id)


@shared_task
def sms_reminders_run() -> int:
    from .reminders import reminders_run

    return reminders_run()


# One import of up to 50 000 rows runs in one transaction: it gets more time than
# the default limit, and less than csv_import.STALE_AFTER.
@shared_task(soft_time_limit=600, time_limit=660)
def sms_import_run(batch_id: int) -> int:
    from .csv_import import import_run

    batch = import_run(batch_id=batch_id)
    return batch.imported if batch is not None else 0
