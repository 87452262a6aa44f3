from datetime import UTC, date, datetime, timedelta

import pytest

from offers.models import (
    Offer,
    payment_deadline_for,
    protection_end_for,
    valid_until_for,
)

from .conftest import NIP, PESEL


def test_it_runs_protection_for_one_year():
    assert protection_end_for(date(2023, 5, 1)) == date(2024, 4, 30)
    assert protection_end_for(date(2024, 2, 29)) == date(2025, 2, 28)
    assert protection_end_for(date(2024, 1, 1)) == date(2024, 12, 31)


def test_it_is_valid_until_the_day_before_protection():
    assert valid_until_for(date(2023, 5, 1)) == date(2023, 4, 30)
    assert valid_until_for(date(2024, 4, 15)) == date(2024, 4, 14)


def test_it_sets_the_deadline_at_21_warsaw_in_summer_and_winter():
    # Summer time (CEST, UTC+2) and winter time (CET, UTC+1).
    assert payment_deadline_for(date(2023, 5, 1)) == datetime(2023, 4, 30, 19, 0, tzinfo=UTC)
    assert payment_deadline_for(date(2024, 1, 10)) == datetime(2024, 1, 9, 20, 0, tzinfo=UTC)


def test_it_keeps_21_on_the_days_the_clocks_change():
    # 30.03.2025: clocks go forward at 02:00; 26.10.2025: back at 03:00.
    assert payment_deadline_for(date(2025, 3, 31)) == datetime(2025, 3, 30, 19, 0, tzinfo=UTC)
    assert payment_deadline_for(date(2025, 3, 30)) == datetime(2025, 3, 29, 20, 0, tzinfo=UTC)
    assert payment_deadline_for(date(2025, 10, 27)) == datetime(2025, 10, 26, 20, 0, tzinfo=UTC)
    assert payment_deadline_for(date(2025, 10, 26)) == datetime(2025, 10, 25, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        (223451264, "INTER1264"),
        (248095725, "INTER5725"),
        (100000000, "INTER0000"),
        (999990007, "INTER0007"),
        (123450042, "INTER0042"),
    ],
)
def test_it_makes_the_access_code_from_the_last_four_digits(number, code):
    assert Offer(number=number).access_code == code


def test_it_takes_the_file_password_from_the_pesel_of_a_person():
    offer = Offer(holder_kind=Offer.PartyKind.PERSON, holder_pesel=PESEL, holder_nip="")
    assert offer.file_password == PESEL[-4:]


def test_it_takes_the_file_password_from_the_nip_of_a_company():
    offer = Offer(holder_kind=Offer.PartyKind.COMPANY, holder_pesel="", holder_nip=NIP)
    assert offer.file_password == "0274"


def _unsaved_offer(state: str, start: date) -> Offer:
    return Offer(state=state, payment_deadline=payment_deadline_for(start))


@pytest.mark.parametrize(
    ("start", "last_second", "deadline"),
    [
        # 30.03.2025 (clocks forward): the deadline 29.03 at 21:00 CET is 20:00 UTC.
        (date(2025, 3, 30), datetime(2025, 3, 29, 19, 59, 59, tzinfo=UTC), "29.03.2025 21:00"),
        # 26.10.2025 (clocks back): the deadline 25.10 at 21:00 CEST is 19:00 UTC.
        (date(2025, 10, 26), datetime(2025, 10, 25, 18, 59, 59, tzinfo=UTC), "25.10.2025 21:00"),
    ],
)
def test_it_takes_money_until_the_last_second_before_21_warsaw(start, last_second, deadline):
    offer = _unsaved_offer(Offer.State.SENT, start)
    assert offer.payment_deadline_local.strftime("%d.%m.%Y %H:%M") == deadline
    assert offer.may_take_money(last_second)
    assert not offer.may_take_money(last_second + timedelta(seconds=1))


def test_an_expired_offer_keeps_money_paid_before_the_deadline_only():
    offer = _unsaved_offer(Offer.State.EXPIRED, date(2025, 3, 30))
    assert offer.may_take_money(offer.payment_deadline - timedelta(seconds=1))
    assert not offer.may_take_money(offer.payment_deadline)


@pytest.mark.parametrize("state", [Offer.State.DRAFT, Offer.State.CANCELLED, Offer.State.PAID])
def test_an_offer_not_waiting_for_money_takes_none(state):
    offer = _unsaved_offer(state, date(2025, 3, 30))
    assert not offer.may_take_money(datetime(2025, 3, 1, tzinfo=UTC))


@pytest.mark.django_db
def test_the_document_password_is_the_pesel_or_the_four_digits(alice):
    from .conftest import make_offer

    new = make_offer(alice, "FM_T")
    old = make_offer(alice, "POC_T")
    assert new.document_password == PESEL
    assert old.document_password == NIP[-4:] == old.file_password
