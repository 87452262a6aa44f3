from decimal import Decimal

import pytest

from notifications.gateways import GatewayError, GatewayRejected
from notifications.gateways.smsapi import SmsApiGateway
from notifications.sms import services
from notifications.sms.models import DeliveryEvent, LedgerEntry, Message

from .conftest import add_person, add_vehicle, credit, soon
from .smsapi_standin import SmsApiStandIn


@pytest.fixture
def smsapi(settings):  # type: ignore[no-untyped-def]
    with SmsApiStandIn() as standin:
        settings.SMSAPI_URL = standin.url
        settings.SMSAPI_TOKEN = standin.token
        settings.SMS_GATEWAY = "smsapi"
        yield standin


def test_it_sends_with_our_id_as_idx(smsapi) -> None:
    gateway = SmsApiGateway()
    message_id = gateway.send(
        sender="Agencja", recipient="+48600100200", text="Czesc", idempotency_key="sms:7"
    )
    request = smsapi.requests[-1]
    assert request["idx"] == "sms:7" and request["check_idx"] == "1"
    assert request["to"] == "48600100200" and request["from"] == "Agencja"
    assert request["format"] == "json"
    assert "/sms/raport/" in request["notify_url"]
    assert message_id
    # The same idx again: SMSAPI refuses it, which means the first one went through.
    again = gateway.send(
        sender="Agencja", recipient="+48600100200", text="Czesc", idempotency_key="sms:7"
    )
    assert again == ""
    assert len(smsapi.by_idx) == 1
    assert len(smsapi.requests) == 2


def test_a_lost_answer_then_a_repeated_idx_ends_as_sent_not_refunded_and_reports_arrive(
    smsapi, client, agency, inspection_template, settings, django_capture_on_commit_callbacks
) -> None:
    add_vehicle(add_person(agency, phone="+48600100200"), "WA 1", soon(3))
    credit(agency, "1.00")
    from notifications.sms import selectors

    targets = selectors.targets_matching(agency, "inspection", soon(0))
    preview = services.send_prepare(agency=agency, template=inspection_template, targets=targets)
    smsapi.drop_next_answer = True  # SMSAPI takes the message; its answer never comes back
    with django_capture_on_commit_callbacks(execute=True):
        services.sms_send(agency=agency, preview=preview, now=_noon())
    message = Message.objects.get()
    # The retry reached SMSAPI with the same idx and was refused as a repeat.
    assert [r["idx"] for r in smsapi.requests] == [message.idempotency_key] * 2
    assert len(smsapi.by_idx) == 1
    assert message.status == "sent" and message.gateway_id == ""
    assert message.attempts == 2 and message.failure_reason == ""
    assert message.refund_id is None
    assert services.agency_balance(agency) == Decimal("0.71")
    assert not LedgerEntry.objects.filter(kind="return").exists()
    [event] = DeliveryEvent.objects.filter(message=message)
    assert (event.status, event.detail) == ("sent", "przyjęta już przy wcześniejszej próbie")

    gateway_id = smsapi.by_idx[message.idempotency_key]["id"]
    url = f"/sms/raport/{settings.SMS_REPORT_SECRET}/"
    query = smsapi.report_query(gateway_id, "404", "DELIVERED")
    assert client.get(f"{url}?{query}").content == b"OK"
    message.refresh_from_db()
    assert message.status == "delivered" and message.gateway_id == gateway_id
    # Later reports (and "Odśwież status") now find it by the gateway's id.
    assert services.message_for_report(gateway_id=gateway_id) == message


def test_a_report_with_an_unknown_idx_or_another_id_changes_nothing(
    client, agency, settings
) -> None:
    from django.utils import timezone

    message = Message.objects.create(
        agency=agency,
        kind="free",
        recipient="+48600100200",
        sender="x",
        text="x",
        parts=1,
        cost=Decimal("0.29"),
        status="sent",
        gateway_id="g-1",
        queued_at=timezone.now(),
    )
    url = f"/sms/raport/{settings.SMS_REPORT_SECRET}/"
    for idx in (f"outbox:{message.pk}", f"sms:{message.pk + 1}", f"sms:{message.pk}"):
        assert client.get(url, {"MsgId": "g-2", "status": "404", "idx": idx}).content == b"OK"
    message.refresh_from_db()
    assert message.status == "sent" and message.gateway_id == "g-1"
    assert not DeliveryEvent.objects.exists()


@pytest.mark.parametrize("code", [13, 14, 103])
def test_it_takes_refusals_for_good(smsapi, code) -> None:
    smsapi.next_error = code
    with pytest.raises(GatewayRejected) as refused:
        SmsApiGateway().send(sender="A", recipient="+48600100200", text="x", idempotency_key="k")
    assert refused.value.code == str(code)


def test_a_failed_authorisation_is_worth_retrying_not_a_refusal(smsapi, settings) -> None:
    settings.SMSAPI_TOKEN = "wrong"
    with pytest.raises(GatewayError) as error:
        SmsApiGateway().send(sender="A", recipient="+48600100200", text="x", idempotency_key="k")
    assert not isinstance(error.value, GatewayRejected)
    assert "101" in str(error.value)


def test_it_asks_for_statuses(smsapi) -> None:
    gateway = SmsApiGateway()
    first = gateway.send(sender="A", recipient="+48600100200", text="x", idempotency_key="a")
    second = gateway.send(sender="A", recipient="+48600100201", text="x", idempotency_key="b")
    smsapi.status[first] = "DELIVERED"
    smsapi.status[second] = "UNDELIVERED"
    answer = {s.message_id: s.status for s in gateway.statuses([first, second])}
    assert answer == {first: "delivered", second: "undelivered"}


def test_a_send_through_smsapi_then_its_delivery_report(
    smsapi, client, agency, inspection_template, settings, django_capture_on_commit_callbacks
) -> None:
    add_vehicle(add_person(agency, phone="+48600100200"), "WA 1", soon(3))
    add_vehicle(add_person(agency, phone="+48600100209"), "WA 2", soon(3))
    smsapi.errors["48600100209"] = 13
    credit(agency, "1.00")
    from notifications.sms import selectors

    targets = selectors.targets_matching(agency, "inspection", soon(0))
    preview = services.send_prepare(agency=agency, template=inspection_template, targets=targets)
    with django_capture_on_commit_callbacks(execute=True):
        services.sms_send(agency=agency, preview=preview, now=_noon())
    sent = Message.objects.get(recipient="+48600100200")
    refused = Message.objects.get(recipient="+48600100209")
    assert sent.status == "sent" and sent.gateway_id
    assert refused.status == "failed" and "13" in refused.failure_reason
    assert services.agency_balance(agency) == Decimal("0.71")

    url = f"/sms/raport/{settings.SMS_REPORT_SECRET}/"
    query = smsapi.report_query(sent.gateway_id, "404", "DELIVERED")
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200 and response.content == b"OK"
    late = smsapi.report_query(sent.gateway_id, "403", "SENT")
    assert client.get(f"{url}?{late}").content == b"OK"
    sent.refresh_from_db()
    assert sent.status == "delivered"
    events = DeliveryEvent.objects.filter(message=sent, source="callback")
    assert [(e.status, e.applied) for e in events] == [("delivered", True), ("sent", False)]
    assert events[0].raw["MsgId"] == sent.gateway_id


def test_the_report_endpoint_needs_the_secret(client, db) -> None:
    assert client.get("/sms/raport/wrong/?MsgId=1&status=404").status_code == 404


def _noon():  # type: ignore[no-untyped-def]
    from datetime import datetime

    today = soon(0)
    return datetime(today.year, today.month, today.day, 12, 0, tzinfo=services.WARSAW)
