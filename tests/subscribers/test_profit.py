"""Program Profit: points, every transaction, expiry reminded 30 and 7 days ahead, joining."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from notifications.models import OutboxMessage
from subscribers import services
from subscribers.models import Order, ProfitTransaction
from subscribers.tasks import subscribers_daily

from .conftest import login_as

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")


def earn(account, points: int, day: date, expires: date) -> ProfitTransaction:  # type: ignore[no-untyped-def]
    return ProfitTransaction.objects.create(
        account=account, occurred_at=datetime(day.year, day.month, day.day, 9, tzinfo=WARSAW),
        kind="earned", points=points, description="Opłacona faktura", expires_on=expires,
    )  # fmt: skip


@pytest.fixture
def member(alice_account):  # type: ignore[no-untyped-def]
    alice_account.profit_joined_at = datetime(2020, 1, 1, tzinfo=WARSAW)
    alice_account.save()
    earn(alice_account, 100, date(2025, 12, 1), date(2026, 12, 31))
    earn(alice_account, 80, date(2026, 1, 1), date(2027, 1, 31))
    ProfitTransaction.objects.create(
        account=alice_account, occurred_at=datetime(2026, 6, 1, tzinfo=WARSAW), kind="spent",
        points=-30, description="Nagroda",
    )  # fmt: skip
    return alice_account


def test_it_shows_points_and_every_transaction(member):
    html = login_as(member).get("/abonent/profit/").content.decode()
    assert 'data-testid="points">150<' in html
    assert html.count("Opłacona faktura") == 2 and "Nagroda" in html
    assert "31.12.2026: 70" in html  # spending took the earliest-expiring points first


def test_it_reminds_30_and_7_days_ahead_once_each(member):
    with time_machine.travel(datetime(2026, 12, 1, 21, 30, tzinfo=WARSAW), tick=False):
        assert services.profit_send_reminders(today=date(2026, 12, 1)) == 1
        assert services.profit_send_reminders(today=date(2026, 12, 1)) == 0
    mail = OutboxMessage.objects.get(topic=f"subscriber-profit:{member.pk}")
    assert "31.12.2026" in mail.subject and "70 punktów" in mail.body_text
    assert services.profit_send_reminders(today=date(2026, 12, 23)) == 0
    assert services.profit_send_reminders(today=date(2026, 12, 24)) == 1  # 7 days ahead
    assert services.profit_send_reminders(today=date(2026, 12, 25)) == 0
    assert OutboxMessage.objects.filter(topic=f"subscriber-profit:{member.pk}").count() == 2


def test_it_reminds_by_sms_without_an_email(member):
    member.email = ""
    member.save()
    services.profit_send_reminders(today=date(2026, 12, 1))
    sms = OutboxMessage.objects.get(channel="sms")
    assert sms.recipient == "48601000001" and "70 pkt" in sms.body_text


def test_it_expires_what_is_left_on_the_day_once(member):
    assert services.profit_expire_due(today=date(2026, 12, 30)) == 0
    assert services.profit_expire_due(today=date(2026, 12, 31)) == 1
    assert services.profit_expire_due(today=date(2027, 1, 1)) == 0
    assert services.profit_balance(member) == 80
    expired = ProfitTransaction.objects.get(kind="expired")
    assert expired.points == -70


def test_it_runs_the_daily_task_twice_without_doubling(member):
    with time_machine.travel(datetime(2026, 12, 31, 0, 0, tzinfo=WARSAW), tick=False):
        first = subscribers_daily()
        second = subscribers_daily()
    assert first["profit_expired"] == 1 and second["profit_expired"] == 0
    assert "subscribers-daily" in settings.CELERY_BEAT_SCHEDULE


def test_it_lets_a_non_member_join_with_consent(alice_account):
    client = login_as(alice_account, code=True)
    page = client.get("/abonent/profit/").content.decode()
    assert "Dołącz do Programu Profit" in page and "regulamin" in page
    client.post("/abonent/profit/dolacz/", {})
    alice_account.refresh_from_db()
    assert alice_account.profit_joined_at is None
    client.post("/abonent/profit/dolacz/", {"consent": "on"})
    alice_account.refresh_from_db()
    assert (
        alice_account.profit_joined_at is not None and "regulamin" in alice_account.profit_consent
    )
    assert Order.objects.get(kind=Order.Kind.PROFIT_JOIN).details["consent"]


def test_it_asks_for_the_code_before_joining(alice_account):
    client = login_as(alice_account)
    client.post("/abonent/profit/dolacz/", {"consent": "on"})
    alice_account.refresh_from_db()
    assert alice_account.profit_joined_at is None


def test_it_keeps_another_accounts_points_out(member, charlie_account):
    earn(charlie_account, 999, date(2026, 1, 1), date(2027, 6, 1))
    html = login_as(member).get("/abonent/profit/").content.decode()
    assert "999" not in html and 'data-testid="points">150<' in html
