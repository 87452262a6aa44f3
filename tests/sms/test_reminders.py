from datetime import date, datetime, timedelta

import pytest
import time_machine

from notifications.sms.models import Message, ReminderRule
from notifications.sms.reminders import reminders_run
from notifications.sms.services import WARSAW

from .conftest import add_person, add_vehicle, credit


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=WARSAW)


@pytest.fixture
def rule(agency, inspection_template):  # type: ignore[no-untyped-def]
    credit(agency, "10.00")
    return ReminderRule.objects.create(agency=agency, template=inspection_template, days_ahead=14)


@pytest.fixture
def run(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run beat's task at a moment, delivering what it queues after commit."""

    def at_moment(moment: datetime) -> int:
        with time_machine.travel(moment, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                return reminders_run()

    return at_moment


@pytest.mark.parametrize(
    "day",
    [date(2026, 3, 28), date(2026, 3, 29), date(2026, 10, 25), date(2026, 10, 26)],
    ids=["before-spring-dst", "spring-dst", "autumn-dst", "after-autumn-dst"],
)
def test_it_runs_at_the_agencys_hour_warsaw_time(agency, rule, sms_gateway, day, run) -> None:
    add_vehicle(add_person(agency), "WA 1", day + timedelta(days=10))
    assert run(at(day, 8, 59, 59)) == 0
    assert run(at(day, 9, 0)) == 1
    assert run(at(day, 9, 5)) == 0  # the same day once
    assert len(sms_gateway.sent) == 1
    rule.refresh_from_db()
    assert rule.last_run_on == day


def test_it_never_sends_the_same_reminder_twice(agency, rule, sms_gateway, run) -> None:
    day = date(2026, 12, 1)
    add_vehicle(add_person(agency), "WA 1", day + timedelta(days=10))
    assert run(at(day, 9)) == 1
    assert run(at(day + timedelta(days=1), 9)) == 0  # same vehicle, same inspection date
    assert Message.objects.count() == 1


def test_an_hour_outside_the_window_waits_for_it(agency, rule, sms_gateway, run) -> None:
    agency.reminder_hour = 5
    agency.save()
    day = date(2026, 12, 1)
    add_vehicle(add_person(agency), "WA 1", day + timedelta(days=3))
    assert run(at(day, 5)) == 0
    assert run(at(day, 7, 59, 59)) == 0
    assert run(at(day, 8)) == 1


def test_a_late_hour_is_kept_inside_the_evening_window(agency, rule, sms_gateway, run) -> None:
    agency.reminder_hour = 23
    agency.save()
    day = date(2026, 12, 1)
    add_vehicle(add_person(agency), "WA 1", day + timedelta(days=3))
    assert run(at(day, 18, 59, 59)) == 0
    assert run(at(day, 19)) == 1
    with time_machine.travel(at(day, 23, 30), tick=False):
        assert reminders_run() == 0


def test_without_money_the_day_passes_and_nothing_is_sent(agency, inspection_template, run) -> None:
    ReminderRule.objects.create(agency=agency, template=inspection_template, days_ahead=14)
    day = date(2026, 12, 1)
    add_vehicle(add_person(agency), "WA 1", day + timedelta(days=3))
    assert run(at(day, 9)) == 0
    assert not Message.objects.exists()
