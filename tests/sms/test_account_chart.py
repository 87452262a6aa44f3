"""The account page's chart of the last 30 days: counts per day and money spent."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from notifications.sms import selectors, services
from notifications.sms.models import LedgerEntry, Message

from .conftest import credit

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=services.WARSAW)
TODAY = NOW.date()


def _message(agency, status: str, at: datetime, cost: str = "0.29"):  # type: ignore[no-untyped-def]
    return Message.objects.create(
        agency=agency,
        kind="free",
        recipient="+48600100200",
        sender="Bramka SMS",
        text="x",
        parts=1,
        cost=Decimal(cost),
        status=status,
        queued_at=at,
    )


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=services.WARSAW)


@pytest.fixture
def history(agency, other_agency):  # type: ignore[no-untyped-def]
    credit(agency, "10.00")
    three_days_ago, yesterday = TODAY - timedelta(days=3), TODAY - timedelta(days=1)
    # Three days ago: two delivered (one of two parts), one not delivered.
    _message(agency, "delivered", _at(three_days_ago, 9))
    _message(agency, "delivered", _at(three_days_ago, 10), cost="0.58")
    _message(agency, "undelivered", _at(three_days_ago, 11))
    # Yesterday: one sent at 23:30 Warsaw time (counted on the local day), one failed.
    _message(agency, "sent", _at(yesterday, 23, 30))
    failed = _message(agency, "failed", _at(yesterday, 8))
    failed.refund = LedgerEntry.objects.create(
        agency=agency, kind=LedgerEntry.Kind.RETURN, amount=failed.cost, reason="zwrot"
    )
    failed.save(update_fields=["refund"])
    # Today: one still queued (paid for, not yet sent).
    _message(agency, "queued", _at(TODAY, 11))
    # Outside the window, and another agency's: neither counts.
    _message(agency, "delivered", _at(TODAY - timedelta(days=30), 12))
    _message(other_agency, "delivered", _at(TODAY, 9))
    return {"three_days_ago": three_days_ago, "yesterday": yesterday}


def test_the_last_30_days_count_each_status_per_local_day(agency, history) -> None:
    with time_machine.travel(NOW, tick=False):
        days = selectors.last_30_days(agency, TODAY)
    assert len(days) == 30
    assert days[0]["day"] == TODAY - timedelta(days=29) and days[-1]["day"] == TODAY
    by_day = {d["day"]: d for d in days}
    assert by_day[history["three_days_ago"]] == {
        "day": history["three_days_ago"],
        "sent": 3,
        "delivered": 2,
        "failed": 1,
        "spent": Decimal("1.16"),
    }
    assert by_day[history["yesterday"]] == {
        "day": history["yesterday"],
        "sent": 2,
        "delivered": 0,
        "failed": 1,
        "spent": Decimal("0.29"),  # the failed, refunded message costs nothing
    }
    assert by_day[TODAY] == {
        "day": TODAY,
        "sent": 0,
        "delivered": 0,
        "failed": 0,
        "spent": Decimal("0.29"),
    }
    named = {*history.values(), TODAY}
    assert all(d["sent"] == 0 and d["spent"] == 0 for d in days if d["day"] not in named)


def test_the_chart_draws_those_counts_and_the_money_spent(agency, history) -> None:
    with time_machine.travel(NOW, tick=False):
        chart = selectors.chart_svg(selectors.last_30_days(agency, TODAY))
    assert chart["top"] == 3
    assert chart["spent"] == Decimal("1.74")
    bars = chart["bars"]
    assert len(bars) == 90
    index = 29 - 3  # three days ago
    sent, delivered, failed = bars[index * 3 : index * 3 + 3]
    assert (sent["cls"], delivered["cls"], failed["cls"]) == ("sent", "delivered", "failed")
    assert sent["h"] == 140.0 and delivered["h"] == round(140 * 2 / 3, 1)
    assert failed["h"] == round(140 / 3, 1)
    assert sent["title"] == f"{history['three_days_ago']:%d.%m}: sent 3"
    assert all(b["h"] == 0 for b in bars[: index * 3])


def test_the_account_page_shows_the_chart(alice_client, agency, history) -> None:
    with time_machine.travel(NOW, tick=False):
        page = alice_client.get("/sms/konto/").content.decode()
    assert f"<title>{history['yesterday']:%d.%m}: failed 1</title>" in page
    assert "wydano 1,74\u00a0zł" in page
