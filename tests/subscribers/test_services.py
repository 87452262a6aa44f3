"""Usługi: catalogue, description pages, switching on and off, favourite numbers."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from subscribers.models import ActiveService, Order

from .conftest import login_as

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 12, 10, 12, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
NUMBERS = {"number_0": "501 234 567", "number_1": "22 654 32 10", "number_2": "601999111"}


def test_it_lists_the_catalogue_and_what_is_active(alice_account):
    client = login_as(alice_account)
    html = client.get("/abonent/uslugi/").content.decode()
    assert "Trzy i Ja" in html and "Przyjaciel" in html and "Roaming" in html
    assert 'href="/abonent/uslugi/trzy-i-ja/"' in html
    page = client.get("/abonent/uslugi/przyjaciel/").content.decode()
    assert "0,09 zł za minutę" in page and "nieaktywna" in page


def test_it_answers_404_for_an_unknown_service(alice_account):
    assert login_as(alice_account).get("/abonent/uslugi/nie-ma/").status_code == 404


@time_machine.travel(NOON, tick=False)
def test_it_shows_fee_and_date_before_activating(alice_account):
    client = login_as(alice_account, code=True)
    html = client.get("/abonent/uslugi/roaming/wlacz/").content.decode()
    assert "9,99\u00a0zł" in html and "10.12.2026" in html
    assert not ActiveService.objects.exists()
    client.post("/abonent/uslugi/roaming/wlacz/", {"confirm": "1"})
    order = Order.objects.get(kind=Order.Kind.SERVICE_ON)
    assert order.fee == Decimal("9.99") and order.effective_on == date(2026, 12, 10)
    assert ActiveService.objects.get().service.slug == "roaming"


@time_machine.travel(NOON, tick=False)
def test_it_activates_trzy_i_ja_with_three_numbers(alice_account):
    client = login_as(alice_account, code=True)
    response = client.post("/abonent/uslugi/trzy-i-ja/wlacz/", {**NUMBERS, "confirm": "1"})
    assert response["Location"] == "/abonent/uslugi/trzy-i-ja/"
    active = ActiveService.objects.get()
    assert active.numbers == ["48501234567", "48226543210", "48601999111"]
    assert "501234567" in client.get("/abonent/uslugi/trzy-i-ja/").content.decode()


@pytest.mark.parametrize(
    ("numbers", "message"),
    [
        ({**NUMBERS, "number_2": "601 000 001"}, "Twój własny numer"),
        ({**NUMBERS, "number_2": "601 000 002"}, "Twój własny numer"),  # another own number
        ({**NUMBERS, "number_2": "501234567"}, "już jest na liście"),
        ({**NUMBERS, "number_2": "12345"}, "9-cyfrowy"),
        ({"number_0": "501234567"}, "To pole jest wymagane"),
    ],
)
def test_it_validates_the_favourite_numbers(alice_account, numbers, message):
    client = login_as(alice_account, code=True)
    page = client.post("/abonent/uslugi/trzy-i-ja/wlacz/", {**numbers, "confirm": "1"})
    assert message in page.content.decode()
    assert not ActiveService.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_it_changes_the_przyjaciel_number_for_its_fee_after_showing_it(alice_account):
    client = login_as(alice_account, code=True)
    client.post("/abonent/uslugi/przyjaciel/wlacz/", {"number_0": "501234567", "confirm": "1"})
    step = client.post("/abonent/uslugi/przyjaciel/numery/", {"number_0": "502000000"})
    assert "1,00\u00a0zł" in step.content.decode()
    assert ActiveService.objects.get().numbers == ["48501234567"]  # shown, not yet changed
    client.post("/abonent/uslugi/przyjaciel/numery/", {"number_0": "502000000", "confirm": "1"})
    assert ActiveService.objects.get().numbers == ["48502000000"]
    order = Order.objects.get(kind=Order.Kind.SERVICE_NUMBERS)
    assert order.fee == Decimal("1.00") and order.details["before"] == ["48501234567"]


@time_machine.travel(NOON, tick=False)
def test_it_deactivates_at_the_end_of_the_billing_period(alice_account):
    client = login_as(alice_account, code=True)
    client.post("/abonent/uslugi/roaming/wlacz/", {"confirm": "1"})
    html = client.get("/abonent/uslugi/roaming/wylacz/").content.decode()
    assert "31.12.2026" in html
    client.post("/abonent/uslugi/roaming/wylacz/")
    assert ActiveService.objects.get().active_until == date(2026, 12, 31)
    order = Order.objects.get(kind=Order.Kind.SERVICE_OFF)
    assert order.effective_on == date(2027, 1, 1)
    assert "aktywna do 31.12.2026" in client.get("/abonent/uslugi/").content.decode()
    # It can be switched on again while still running until the period's end.
    client.post("/abonent/uslugi/roaming/wlacz/", {"confirm": "1"})
    assert ActiveService.objects.filter(active_until__isnull=True).count() == 1


def test_it_needs_the_code_to_activate(alice_account):
    client = login_as(alice_account)
    response = client.post("/abonent/uslugi/roaming/wlacz/", {"confirm": "1"})
    assert response["Location"].startswith("/abonent/kod/")
    assert not ActiveService.objects.exists()
