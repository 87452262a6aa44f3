from celery import shared_task

from . import services


@shared_task(
    autoretry_for=(services.DeliveryError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=services.MAX_ATTEMPTS,
    retry_jitter=True,
)
def outbox_deliver(message_id: int) -> bool:
    return services.outbox_deliver(message_id=message_id)


@shared_task
def outbox_requeue_stale() -> int:
    return services.outbox_requeue_stale()
