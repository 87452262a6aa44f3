"""Queueing a Celery task once the caller's transaction commits.

Every side effect leaves through here: the row that describes the work is
written inside the transaction, and the task is published only after commit
(a worker never looks for a row that is not there yet, and a rollback sends
nothing). A broker that is down does not fail the request: the failure is
logged, the row waits, and the periodic sweeper named in `sweeper` queues
the work again later.

The task is named by its dotted path (`"notifications.tasks.outbox_deliver"`):
an app's `tasks.py` imports its services, so a service that imported its
tasks back would close an import circle.
"""

import logging
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger("portal.tasks")


def queue(task: str, *args: Any, sweeper: str) -> None:
    """Publish the task `task` (a dotted path) with `args` now; log if the broker fails.

    For sweepers, which write nothing the task depends on; a use case that
    wrote rows the task reads calls `queue_after_commit`.
    """
    celery_task = import_string(task)
    try:
        celery_task.delay(*args)
    except Exception:  # broker down: the sweeper picks the work up later
        logger.warning(
            "could not queue %s%r; %s will queue it again", task, args, sweeper, exc_info=True
        )


def queue_after_commit(task: str, *args: Any, sweeper: str) -> None:
    """`queue` once the caller's transaction commits (at once outside a transaction)."""
    import_string(task)  # a wrong path fails here, in the caller's transaction
    transaction.on_commit(lambda: queue(task, *args, sweeper=sweeper))
