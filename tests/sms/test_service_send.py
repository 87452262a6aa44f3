from decimal import Decimal

import pytest
from django.db.models import Sum

from notifications.gateways import GatewayError, GatewayRejected
from notifications.sms import selectors, services
from notifications.sms.models import DeliveryEvent, LedgerEntry, Message

from .conftest import add_person, add_policy, add_vehicle, credit, soon


def _preview(agency, template, on=None):  # type: ignore[no-untyped-def]
    on = on or soon(0)
    targets = selectors.targets_matching(agency, template.kind, on)
    return services.send_prepare(agency=agency, template=template, targets=targets, on=on)


def test_it_fills_fields_and_transliterates_values(agency, person, inspection_template) -> None:
    agency.agent_phone = "+48600900900"
    agency.save()
    add_vehicle(person, "WPI 1234Ą", soon(10))
    preview = _preview(agency, inspection_template)
    [message] = preview.messages
    assert message.text.startswith("Dzien dobry Lukasz, badanie pojazdu WPI 1234A mija ")
    assert message.text.endswith("Zadzwon: +48600900900")
    assert message.parts == 1
    assert message.cost == Decimal("0.29")


def test_it_lists_who_is_left_out_and_why(agency, inspection_template) -> None:
    cases = {
        "Zgoda": add_person(agency, "Anna", "Zgoda", consent=True),
        "Brak": add_person(agency, "Jan", "Brak", consent=False),
        "Stop": add_person(agency, "Ewa", "Stop", consent=True),
        "Numer": add_person(agency, "Olga", "Numer", phone=""),
    }
    cases["Stop"].opted_out_at = cases["Stop"].created_at
    cases["Stop"].save()
    for index, person in enumerate(cases.values()):
        add_vehicle(person, f"KR {index}", soon(3))
    preview = _preview(agency, inspection_template)
    assert [m.target.person.last_name for m in preview.messages] == ["Zgoda"]
    reasons = {e.person_name.split()[1]: e.reason for e in preview.excluded}
    assert reasons == {
        "Brak": "brak zgody marketingowej",
        "Stop": "zrezygnował(a) z SMS",
        "Numer": "brak poprawnego numeru telefonu",
    }


def test_it_sends_transactional_messages_without_marketing_consent(agency, end_template) -> None:
    person = add_person(agency, consent=False)
    add_policy(person, "POL/1", soon(20))
    preview = _preview(agency, end_template)
    assert len(preview.messages) == 1


def test_it_refuses_the_whole_send_with_the_amount_missing(
    agency, inspection_template, sms_gateway
) -> None:
    for index in range(3):
        add_vehicle(add_person(agency, phone=f"+4860010020{index}"), f"WA {index}", soon(5))
    credit(agency, "0.50")
    preview = _preview(agency, inspection_template)
    with pytest.raises(services.InsufficientBalance) as refused:
        services.sms_send(agency=agency, preview=preview)
    assert refused.value.missing == Decimal("0.37")
    assert "Brakuje 0,37 zł" in refused.value.message
    assert Message.objects.count() == 0
    assert services.agency_balance(agency) == Decimal("0.50")
    assert sms_gateway.sent == []


def test_it_debits_once_and_hands_messages_to_the_gateway(
    agency, inspection_template, sms_gateway, django_capture_on_commit_callbacks
) -> None:
    for index in range(3):
        add_vehicle(add_person(agency, phone=f"+4860010020{index}"), f"WA {index}", soon(5))
    credit(agency, "10.00")
    preview = _preview(agency, inspection_template)
    with django_capture_on_commit_callbacks(execute=True):
        messages = services.sms_send(agency=agency, preview=preview, now=_noon())
    debit = LedgerEntry.objects.get(kind="debit")
    assert debit.amount == Decimal("-0.87")
    assert debit.price_per_part == Decimal("0.29") and debit.parts == 3
    assert services.agency_balance(agency) == Decimal("9.13")
    assert len(sms_gateway.sent) == 3
    assert {s.idempotency_key for s in sms_gateway.sent} == {f"sms:{m.pk}" for m in messages}
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert sms_gateway.sent[0].sender == "Bramka SMS"


def test_it_returns_the_money_for_a_message_the_gateway_rejects(
    agency, inspection_template, sms_gateway, django_capture_on_commit_callbacks
) -> None:
    add_vehicle(add_person(agency, phone="+48600100201"), "WA 1", soon(5))
    add_vehicle(add_person(agency, phone="+48600100202"), "WA 2", soon(5))
    sms_gateway.reject_number("+48600100202", "invalid number")
    credit(agency, "1.00")
    with django_capture_on_commit_callbacks(execute=True):
        services.sms_send(agency=agency, preview=_preview(agency, inspection_template), now=_noon())
    failed = Message.objects.get(recipient="+48600100202")
    assert failed.status == "failed"
    assert "invalid number" in failed.failure_reason
    assert failed.refund.amount == Decimal("0.29")
    assert services.agency_balance(agency) == Decimal("0.71")


def test_it_retries_a_gateway_error_and_sends_once(
    agency, inspection_template, sms_gateway, django_capture_on_commit_callbacks
) -> None:
    add_vehicle(add_person(agency), "WA 1", soon(5))
    credit(agency, "1.00")
    sms_gateway.fail_next(GatewayError("timeout"), GatewayError("timeout"))
    with django_capture_on_commit_callbacks(execute=True):
        services.sms_send(agency=agency, preview=_preview(agency, inspection_template), now=_noon())
    message = Message.objects.get()
    assert message.status == "sent" and message.attempts == 3
    assert len(sms_gateway.sent) == 1


def test_it_fails_with_the_reason_and_returns_money_after_the_last_try(
    agency, inspection_template, sms_gateway, django_capture_on_commit_callbacks
) -> None:
    add_vehicle(add_person(agency), "WA 1", soon(5))
    credit(agency, "1.00")
    sms_gateway.fail_next(*[GatewayError("down")] * services.MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        services.sms_send(agency=agency, preview=_preview(agency, inspection_template), now=_noon())
    message = Message.objects.get()
    assert message.status == "failed"
    assert message.failure_reason == "bramka SMS niedostępna: down"
    assert services.agency_balance(agency) == Decimal("1.00")
    assert sms_gateway.sent == []


def test_it_never_reminds_twice_for_the_same_subject_and_date(
    agency, inspection_template, sms_gateway
) -> None:
    add_vehicle(add_person(agency), "WA 1", soon(5))
    credit(agency, "5.00")
    services.sms_send(agency=agency, preview=_preview(agency, inspection_template), now=_noon())
    again = _preview(agency, inspection_template)
    assert again.messages == []
    assert [e.reason for e in again.excluded] == ["już otrzymał(a) to przypomnienie"]


def test_the_unique_key_holds_even_without_the_check(agency, inspection_template) -> None:
    from django.db import IntegrityError

    add_vehicle(add_person(agency), "WA 1", soon(5))
    credit(agency, "5.00")
    preview = _preview(agency, inspection_template)
    services.sms_send(agency=agency, preview=preview, now=_noon())
    with pytest.raises(services.SmsError):
        services.sms_send(agency=agency, preview=preview, now=_noon())
    assert Message.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="debit").count() == 1
    with pytest.raises(IntegrityError):
        Message.objects.create(
            agency=agency,
            kind="inspection",
            recipient="+48600100200",
            sender="x",
            text="x",
            parts=1,
            cost=0,
            reminder_key=preview.messages[0].key,
            queued_at=_noon(),
        )


def test_a_message_at_night_waits_for_the_morning(agency, inspection_template, sms_gateway) -> None:
    from datetime import datetime

    import time_machine

    from notifications.sms.services import WARSAW

    credit(agency, "5.00")
    night = datetime(2026, 3, 28, 21, 30, tzinfo=WARSAW)  # the evening before DST starts
    with time_machine.travel(night, tick=False):
        add_vehicle(add_person(agency), "WA 1", soon(5))
        [message] = services.sms_send(
            agency=agency, preview=_preview(agency, inspection_template), now=night
        )
        assert message.not_before == datetime(2026, 3, 29, 8, 0, tzinfo=WARSAW)
        assert services.sms_messages_deliver(message_ids=[message.pk]) == []
    with time_machine.travel(datetime(2026, 3, 29, 7, 59, 59, tzinfo=WARSAW), tick=False):
        assert services.sms_release_due() == 0
    with time_machine.travel(datetime(2026, 3, 29, 8, 0, tzinfo=WARSAW), tick=False):
        assert services.sms_release_due() == 1
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(sms_gateway.sent) == 1


def test_statuses_never_move_back_from_a_final_state(agency, person) -> None:
    message = Message.objects.create(
        agency=agency,
        kind="free",
        recipient="+48600100200",
        sender="x",
        text="x",
        parts=1,
        cost=Decimal("0.29"),
        status="sent",
        gateway_id="g1",
        queued_at=_noon(),
    )
    apply = services.message_status_apply
    assert apply(message=message, status="delivered", source="callback")
    assert not apply(message=message, status="sent", source="callback")
    assert not apply(message=message, status="undelivered", source="refresh")
    assert not apply(message=message, status="delivered", source="callback")
    message.refresh_from_db()
    assert message.status == "delivered" and message.final_at is not None
    assert DeliveryEvent.objects.filter(message=message).count() == 4
    assert list(DeliveryEvent.objects.values_list("applied", flat=True)) == [
        True,
        False,
        False,
        False,
    ]


def test_events_and_ledger_entries_are_append_only(agency) -> None:
    credit(agency, "1.00")
    entry = LedgerEntry.objects.get()
    entry.amount = Decimal("100")
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_the_balance_is_the_sum_of_entries(agency, staff) -> None:
    credit(agency, "20.00")
    services.sms_balance_debit(agency=agency, parts=10, reason="x")
    services.sms_balance_correct(agency=agency, amount=Decimal("-1.10"), reason="błąd", by=staff)
    with pytest.raises(services.SmsError):
        services.sms_balance_correct(agency=agency, amount=Decimal("-99"), reason="x", by=staff)
    total = LedgerEntry.objects.aggregate(s=Sum("amount"))["s"]
    assert services.agency_balance(agency) == total == Decimal("16.00")


def _noon():  # type: ignore[no-untyped-def]
    from datetime import datetime

    from notifications.sms.services import WARSAW

    today = soon(0)
    return datetime(today.year, today.month, today.day, 12, 0, tzinfo=WARSAW)


def test_gateway_rejected_is_a_gateway_error() -> None:
    assert issubclass(GatewayRejected, GatewayError)
