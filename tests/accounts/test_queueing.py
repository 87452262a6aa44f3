"""Queueing after commit: nothing is published before the commit, a broker down is logged."""

import logging

import pytest
from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from accounts.queueing import queue, queue_after_commit

received: list[int] = []


@shared_task
def record(value: int) -> None:
    received.append(value)


class _BrokerDown:
    name = "down"

    def delay(self, *args: object) -> None:
        raise OperationalError("connection refused")


down = _BrokerDown()


@pytest.fixture(autouse=True)
def _empty():  # type: ignore[no-untyped-def]
    received.clear()


@pytest.mark.django_db
def test_it_publishes_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            queue_after_commit(f"{__name__}.record", 7, sweeper="the sweeper")
            assert received == []
    assert received == [7]


@pytest.mark.django_db
def test_a_rollback_publishes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            queue_after_commit(f"{__name__}.record", 7, sweeper="the sweeper")
            raise RuntimeError
    assert callbacks == []
    assert received == []


@pytest.mark.django_db
def test_a_broker_down_is_logged_and_the_request_goes_on(
    django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.WARNING, logger="portal.tasks"):
        with django_capture_on_commit_callbacks(execute=True):
            queue_after_commit(f"{__name__}.down", 3, sweeper="outbox_requeue_stale")
        queue(f"{__name__}.down", 4, sweeper="outbox_requeue_stale")
    assert "could not queue tests.accounts.test_queueing.down(3,)" in caplog.text
    assert "outbox_requeue_stale will queue it again" in caplog.text
    assert "(4,)" in caplog.text


def test_a_wrong_task_path_fails_at_once():
    with pytest.raises(ImportError):
        queue_after_commit("tests.accounts.test_queueing.nothing", sweeper="x")
