"""Invoices issued at the same moment on PostgreSQL, in real transactions."""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from invoicing.models import Invoice, InvoiceCounter

from .conftest import issue

pytestmark = pytest.mark.django_db(transaction=True)


def together(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs in threads released at the same moment; re-raise their errors."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except BaseException as exc:  # noqa: BLE001 (re-raised below)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def paying(topic: str) -> Callable[[], str]:
    """A payer's transaction that issues its invoice and commits a moment later."""

    def job() -> str:
        with transaction.atomic():
            invoice = issue(topic)
            time.sleep(0.02)  # hold the counter lock as a real payment's transaction does
        return invoice.number

    return job


def failing(topic: str) -> Callable[[], str]:
    """A payer's transaction that issues its invoice and then rolls back."""

    def job() -> str:
        try:
            with transaction.atomic():
                issue(topic)
                raise RuntimeError("payment not recorded")
        except RuntimeError:
            return ""

    return job


def test_parallel_issues_number_one_to_n_without_gap_or_duplicate(ksef_fake):
    n = 12
    numbers = together([paying(f"sms-topup:{i}") for i in range(n)])
    sequences = sorted(int(str(number).rsplit("/", 1)[1]) for number in numbers)
    assert sequences == list(range(1, n + 1))
    assert Invoice.objects.count() == n
    assert InvoiceCounter.objects.get().last_number == n


def test_rolled_back_issues_leave_no_gap(ksef_fake):
    jobs = [paying(f"ok:{i}") if i % 2 else failing(f"bad:{i}") for i in range(10)]
    together(jobs)
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]
    assert InvoiceCounter.objects.get().last_number == 5


def test_parallel_issues_for_one_topic_make_one_invoice(ksef_fake):
    numbers = together([paying("partner-order:1") for _ in range(6)])
    assert len(set(numbers)) == 1
    assert Invoice.objects.count() == 1
    assert InvoiceCounter.objects.get().last_number == 1
