"""The portal's Celery app, timed: `celery -A bench.worker worker …` (benchmarks only).

The same app and tasks as `celery -A portal worker`; in addition every task's
run time, and inside `offers.policy` the WeasyPrint render and the pypdf
encryption, are pushed as JSON lines to the Redis list `bench:timings` (on
the broker's database), so that `bench/policies.py` can split the time. The
cost is one RPUSH per task and per PDF step.
"""

import json
import time
from collections.abc import Callable
from typing import Any

from celery.signals import task_postrun, task_prerun, worker_process_init, worker_ready

from portal.celery import app

TIMINGS = "bench:timings"
READY = "bench:worker-ready"

_started: dict[str, float] = {}
_redis: Any = None


def _push(kind: str, seconds: float) -> None:
    if _redis is not None:
        _redis.rpush(TIMINGS, json.dumps({"kind": kind, "s": seconds}))


def _timed(kind: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _push(kind, time.perf_counter() - start)

    return wrapper


def _connect() -> None:
    global _redis
    import redis

    _redis = redis.Redis.from_url(app.conf.broker_url)


@worker_process_init.connect
def _child_started(**_: Any) -> None:
    # Each prefork child gets its own Redis client, and the policy module's
    # names are wrapped where policy_pdf looks them up.
    _connect()
    from offers import policy

    policy.render_pdf = _timed("pdf render", policy.render_pdf)
    policy.encrypt_pdf = _timed("pdf encrypt", policy.encrypt_pdf)


@worker_ready.connect
def _ready(**_: Any) -> None:
    import redis

    redis.Redis.from_url(app.conf.broker_url).set(READY, str(time.time()))


@task_prerun.connect
def _task_started(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _started[task_id] = time.perf_counter()


@task_postrun.connect
def _task_finished(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    start = _started.pop(task_id or "", None)
    if start is not None and task is not None:
        _push(f"task {task.name}", time.perf_counter() - start)


__all__ = ["app"]
