import csv
import html
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from notifications.sms.models import DeliveryEvent, Message, StatusRefresh, Template


def _messages(agency, n, **fields):  # type: ignore[no-untyped-def]
    now = timezone.now()
    template = fields.pop("template", None)
    return Message.objects.bulk_create(
        Message(
            agency=agency,
            template=template,
            kind="free",
            recipient=f"+486001{i:05d}",
            recipient_name=f"Osoba {i}",
            sender="Bramka SMS",
            text=f"Tekst {i}",
            parts=1,
            cost=Decimal("0.29"),
            status=fields.get("status", "sent"),
            gateway_id=f"mem-x{i}",
            queued_at=now - timedelta(minutes=i),
        )
        for i in range(n)
    )


def test_the_list_runs_the_same_queries_for_10_or_120_rows(
    alice_client, agency, django_assert_max_num_queries
) -> None:
    template = Template.objects.create(agency=agency, kind="free", name="Wzór A", text="x")
    _messages(agency, 10, template=template)
    with django_assert_max_num_queries(6) as few:
        alice_client.get("/sms/wiadomosci/")
    _messages(agency, 110, template=template)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = alice_client.get("/sms/wiadomosci/").content.decode()
    assert page.count('class="msg-select"') == 50
    deep = _link(page, "next")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = alice_client.get("/sms/wiadomosci/" + deep).content.decode()
    assert page.count('class="msg-select"') == 50
    for url in (_link(page, "next"), _link(page, "prev"), "?strona=2", "?status=sent&strona=3"):
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert alice_client.get("/sms/wiadomosci/" + url).status_code == 200


def _link(page: str, rel: str) -> str:
    found = re.search(rf'<a href="(\?[^"]*)" rel="{rel}">', page)
    assert found is not None, f"no {rel} link"
    return html.unescape(found.group(1))


def _ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'name="message" value="(\d+)"', page)]


def test_next_and_previous_walk_every_message_once_in_order(alice_client, agency) -> None:
    messages = _messages(agency, 130)
    # Several queued in the same microsecond: the id breaks the tie.
    same = messages[0].queued_at - timedelta(hours=1)
    Message.objects.filter(pk__in=[m.pk for m in messages[45:56]]).update(queued_at=same)
    expected = list(Message.objects.order_by("-queued_at", "-pk").values_list("pk", flat=True))
    page = alice_client.get("/sms/wiadomosci/").content.decode()
    pages, links = [_ids(page)], []
    while 'rel="next"' in page:
        links.append(_link(page, "next"))
        page = alice_client.get("/sms/wiadomosci/" + links[-1]).content.decode()
        pages.append(_ids(page))
    assert [len(p) for p in pages] == [50, 50, 30]
    assert [pk for p in pages for pk in p] == expected
    assert "Strona" not in page and "« Najnowsze" in page
    back = alice_client.get("/sms/wiadomosci/" + _link(page, "prev")).content.decode()
    assert _ids(back) == pages[1]
    first = alice_client.get("/sms/wiadomosci/" + _link(back, "prev")).content.decode()
    assert _ids(first) == pages[0] and 'rel="prev"' not in first


def test_the_cursor_keeps_the_filters_and_old_page_numbers_still_work(alice_client, agency) -> None:
    _messages(agency, 60, status="failed")
    _messages(agency, 60, status="sent")
    page = alice_client.get("/sms/wiadomosci/", {"status": "failed"}).content.decode()
    following = _link(page, "next")
    assert "status=failed" in following and "po=" in following
    rest = alice_client.get("/sms/wiadomosci/" + following).content.decode()
    assert rest.count('data-status="failed"') == 10 and 'data-status="sent"' not in rest
    old = alice_client.get("/sms/wiadomosci/", {"strona": 2}).content.decode()
    assert "Strona 2" in old
    expected = Message.objects.order_by("-queued_at", "-pk").values_list("pk", flat=True)
    assert _ids(old) == list(expected[50:100])


@pytest.mark.parametrize("cursor", ["x", "12.", ".5", "99999999999999999999999.1", "-1.-1"])
def test_a_hand_edited_cursor_shows_the_first_page(alice_client, agency, cursor) -> None:
    _messages(agency, 3)
    for name in ("po", "przed"):
        page = alice_client.get("/sms/wiadomosci/", {name: cursor}).content.decode()
        assert page.count('class="msg-select"') == 3


def test_it_filters_by_status_template_date_and_recipient(alice_client, agency) -> None:
    template = Template.objects.create(agency=agency, kind="free", name="Wzór A", text="x")
    _messages(agency, 3, template=template)
    _messages(agency, 2, status="failed")
    page = alice_client.get("/sms/wiadomosci/", {"status": "failed"}).content.decode()
    assert page.count('data-status="failed"') == 2 and 'data-status="sent"' not in page
    page = alice_client.get("/sms/wiadomosci/", {"wzor": template.pk}).content.decode()
    assert page.count('class="msg-select"') == 3
    page = alice_client.get("/sms/wiadomosci/", {"odbiorca": "Osoba 1"}).content.decode()
    assert page.count('class="msg-select"') == 2  # "Osoba 1" of each batch
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = alice_client.get("/sms/wiadomosci/", {"od": tomorrow}).content.decode()
    assert 'class="msg-select"' not in page


def test_the_csv_export_neutralises_formulas(alice_client, agency) -> None:
    [message] = _messages(agency, 1)
    Message.objects.filter(pk=message.pk).update(text="=HYPERLINK(1)", recipient_name="@Osoba")
    response = alice_client.get("/sms/wiadomosci/eksport.csv")
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][2] == "'@Osoba" and rows[1][5] == "'=HYPERLINK(1)"


def test_the_csv_export_holds_only_the_agencys_messages(alice_client, agency, other_agency) -> None:
    _messages(agency, 2)
    _messages(other_agency, 3)
    body = b"".join(alice_client.get("/sms/wiadomosci/eksport.csv").streaming_content).decode()
    assert len(body.strip().splitlines()) == 3


def test_refresh_status_of_many_runs_as_a_task_with_progress(
    alice_client, agency, sms_gateway, django_capture_on_commit_callbacks
) -> None:
    messages = _messages(agency, 3)
    for index, message in enumerate(messages):
        sms_gateway.set_status(message.gateway_id, ["delivered", "undelivered", "sent"][index])
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            "/sms/wiadomosci/odswiez/", {"message": [m.pk for m in messages]}
        )
    refresh = StatusRefresh.objects.get()
    assert response["Location"] == f"/sms/odswiezanie/{refresh.pk}/"
    progress = alice_client.get(response["Location"], headers={"accept": "application/json"})
    assert progress.json() == {"done": 3, "total": 3, "finished": True}
    statuses = dict(Message.objects.values_list("pk", "status"))
    assert [statuses[m.pk] for m in messages] == ["delivered", "undelivered", "sent"]
    assert DeliveryEvent.objects.filter(source="refresh").count() == 3
