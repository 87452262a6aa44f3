"""A burst of wrong answers sent at once is counted one by one: no more than 5 get checked."""

import threading
import time

import pytest
from django.db import connection

from offers import client_services as cs
from offers.evidence import ClientEntryFailure
from offers.models import Offer

from .conftest import Sent

# Real transactions (row locks between threads); `reference_data` restores roles and products.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _roles_and_products(reference_data):  # type: ignore[no-untyped-def]
    """Autouse, so that they exist before the users and offers are made."""


def together(*jobs):  # type: ignore[no-untyped-def]
    """Run the jobs in threads released at the same moment."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _slow_lock_check(monkeypatch):  # type: ignore[no-untyped-def]
    """Widen the gap between "is entry locked?" and judging the answer, as a busy server would."""
    original = cs._attempt

    def slow(offers, visitor):  # type: ignore[no-untyped-def]
        attempt = original(offers, visitor)
        time.sleep(0.2)
        return attempt

    monkeypatch.setattr(cs, "_attempt", slow)


def _guess(offer_id: int, password: str):  # type: ignore[no-untyped-def]
    def run() -> str:
        offer = Offer.objects.select_related("product").get(pk=offer_id)
        try:
            cs.offer_check_file_password(
                offer=offer, password=password, visitor=cs.Visitor(ip="203.0.113.7")
            )
        except cs.EntryRefused as refused:
            return "locked" if refused.locked else "wrong"
        return "in"

    return run


def test_it_checks_at_most_five_file_passwords_sent_at_once(old_sent: Sent, monkeypatch):
    _slow_lock_check(monkeypatch)

    results = together(*[_guess(old_sent.offer.pk, f"{n:04d}") for n in range(1, 11)])

    assert results.count("wrong") == 5
    assert results.count("locked") == 5
    assert ClientEntryFailure.objects.filter(offer=old_sent.offer).count() == 5
