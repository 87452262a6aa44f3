"""Fifty sends at once from fifty processes, on PostgreSQL, against a balance that covers ten."""

import multiprocessing
from decimal import Decimal

import pytest
from django.db import connection

from notifications.sms import services
from notifications.sms.fields import Target
from notifications.sms.models import InsuredPerson, LedgerEntry, Message, Template

from .conftest import make_agency

pytestmark = pytest.mark.django_db(transaction=True)
SENDERS = 50


def _send(agency_id: int, template_id: int, person_id: int, barrier, results) -> None:  # type: ignore[no-untyped-def]
    from notifications.sms.models import Agency

    try:
        agency = Agency.objects.get(pk=agency_id)
        template = Template.objects.get(pk=template_id)
        target = Target(InsuredPerson.objects.get(pk=person_id))
        preview = services.send_prepare(agency=agency, template=template, targets=[target])
        barrier.wait(timeout=60)
        services.sms_send(agency=agency, preview=preview)
        results.put("sent")
    except services.InsufficientBalance:
        results.put("refused")
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.put(f"error: {exc!r}")
    finally:
        connection.close()


def test_fifty_parallel_sends_never_take_the_balance_below_zero(
    reference_data, sms_gateway
) -> None:
    agency = make_agency("Agencja Równoległa", "SMSPARA22")
    services.sms_balance_credit(agency=agency, amount=Decimal("2.90"), reason="10 SMS")
    template = Template.objects.create(agency=agency, kind="free", name="x", text="Czesc {imie}")
    person = InsuredPerson.objects.create(
        agency=agency,
        first_name="Jan",
        last_name="Nowak",
        phone="+48600100200",
        marketing_consent=True,
    )
    # Forked children open their own connections; none may share the parent's socket.
    connection.close()
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(SENDERS), context.Queue()
    processes = [
        context.Process(target=_send, args=(agency.pk, template.pk, person.pk, barrier, results))
        for _ in range(SENDERS)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert sorted(set(outcomes)) == ["refused", "sent"], outcomes
    assert outcomes.count("sent") == 10
    assert Message.objects.filter(agency=agency).count() == 10
    assert services.agency_balance(agency) == Decimal("0.00")
    assert LedgerEntry.objects.filter(agency=agency, kind="debit").count() == 10
