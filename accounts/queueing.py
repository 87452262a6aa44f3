"""Queueing a Celery task once the caller's transaction commits.

Every side effect leaves through here: the row that describes the work is
written inside the transaction, the task is published only after commit (so
a worker never sees a row that is not there yet, and a rollback sends
nothing). A broker that is down does not fail the request: the error is
logged, the row waits, and the periodic sweeper named in `sweeper` queues
the work again later.
"""

import logging
from typing import Any, Protocol

from django.db import transaction

logger = logging.getLogger("portal.tasks")


class _Task(Protocol):
    name: str

    def delay(self, *args: Any) -> Any: ...


def queue_after_commit(task: _Task, *args: Any, sweeper: str) -> None:
    """Publish `task.delay(*args)` after commit; if the broker refuses, log and carry on."""

    def publish() -> None:
        try:
            task.delay(*args)
        except Exception:  # broker down: the sweeper picks the work up later
            logger.warning(
                "could not queue %s%r; %s will queue it again", task.name, tuple(args), sweeper
            )

    transaction.on_commit(publish)
