"""Dane abonenta: the correspondence address, validated, audited, used by the next invoice."""

import logging

import pytest

from subscribers.models import Order

from .conftest import login_as

pytestmark = pytest.mark.django_db


def change(client, **data):  # type: ignore[no-untyped-def]
    values = {"street": "ul. Floriańska 3", "postal_code": "31-019", "city": "Kraków"}
    return client.post("/abonent/dane/adres/", values | data)


def test_it_changes_the_address_with_before_and_after_recorded(alice_account, caplog):
    client = login_as(alice_account, code=True)
    with caplog.at_level(logging.INFO, logger="portal.security"):
        response = change(client)
    assert response["Location"] == "/abonent/dane/"
    alice_account.refresh_from_db()
    assert (alice_account.postal_code, alice_account.city) == ("31-019", "Kraków")
    order = Order.objects.get(account=alice_account, kind=Order.Kind.ADDRESS)
    assert order.details["before"]["city"] == "Warszawa"
    assert order.details["after"]["street"] == "ul. Floriańska 3"
    assert "subscriber.address_changed" in caplog.text and "Warszawa" in caplog.text
    page = client.get("/abonent/dane/").content.decode()
    assert "Floriańska" in page


def test_it_puts_the_new_address_on_the_next_invoice(alice_account):
    from subscribers.services import address_change

    address_change(
        account=alice_account, street="ul. Długa 1", postal_code="80-827", city="Gdańsk", who="t"
    )
    alice_account.refresh_from_db()
    assert "80-827 Gdańsk" in alice_account.address_lines


@pytest.mark.parametrize("code", ["31019x", "3-1019", "ab-cde", "310199"])
def test_it_refuses_a_malformed_postal_code_and_keeps_what_was_typed(alice_account, code):
    client = login_as(alice_account, code=True)
    page = change(client, postal_code=code)
    assert page.status_code == 200
    html = page.content.decode()
    assert "NN-NNN" in html and "Floriańska" in html
    alice_account.refresh_from_db()
    assert alice_account.city == "Warszawa"


def test_it_accepts_five_digits_without_the_dash(alice_account):
    client = login_as(alice_account, code=True)
    assert change(client, postal_code="31019").status_code == 302
    alice_account.refresh_from_db()
    assert alice_account.postal_code == "31-019"


def test_it_checks_the_city_against_a_known_code(alice_account):
    client = login_as(alice_account, code=True)
    page = change(client, postal_code="00-950", city="Kraków")
    assert "należy do miejscowości Warszawa" in page.content.decode()
    assert change(client, postal_code="00-950", city=" warszawa ").status_code == 302


def test_it_takes_any_city_for_a_code_it_does_not_know(alice_account):
    client = login_as(alice_account, code=True)
    assert change(client, postal_code="34-500", city="Zakopane").status_code == 302


def test_it_asks_for_the_code_before_showing_the_form(alice_account):
    client = login_as(alice_account)
    assert client.get("/abonent/dane/adres/")["Location"].startswith("/abonent/kod/")
    assert change(client).status_code == 302
    alice_account.refresh_from_db()
    assert alice_account.city == "Warszawa"
