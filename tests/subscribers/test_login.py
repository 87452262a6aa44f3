"""Login by phone number and temporary SMS password; the subscriber code."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from notifications.models import OutboxMessage
from subscribers import auth
from subscribers.models import SmsDevice
from tests.conftest import session_verified_by

from .conftest import login_as

pytestmark = pytest.mark.django_db


def sms_password(msisdn: str) -> str:
    message = OutboxMessage.objects.filter(channel="sms", recipient=msisdn).order_by("-pk").first()
    return re.search(r"\b(\d{6})\b", message.body_text).group(1)


def ask(client, phone: str):  # type: ignore[no-untyped-def]
    return client.post("/abonent/logowanie/", {"phone": phone})


def test_it_logs_in_with_the_sms_password(
    client, alice_account, sms_gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "601 000 001")
    assert response.status_code == 302 and response["Location"] == "/abonent/logowanie/haslo/"
    token = sms_password("48601000001")
    assert sms_gateway.sent  # delivered through the gateway interface by the outbox
    response = client.post("/abonent/logowanie/haslo/", {"password": token})
    assert response["Location"] == "/abonent/"
    device = SmsDevice.objects.get(msisdn="48601000001")
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id  # django-otp's own
    page = client.get("/abonent/")
    assert page.status_code == 200
    assert "601 000 001" in page.content.decode()


def test_it_answers_the_same_for_a_number_of_nobody(client, alice_account):
    known = ask(client, "601000001")
    nobody = ask(client, "601999999")
    unknown = client.get("/abonent/logowanie/haslo/")
    assert known.status_code == nobody.status_code == 302
    assert known["Location"] == nobody["Location"]
    assert "Jeśli numer" in unknown.content.decode()
    assert not OutboxMessage.objects.filter(recipient="48601999999").exists()
    assert client.post("/abonent/logowanie/haslo/", {"password": "123456"}).status_code == 200


def test_it_refuses_a_wrong_password_and_a_used_up_one(client, alice_account):
    ask(client, "601000001")
    token = sms_password("48601000001")
    wrong = "000000" if token != "000000" else "111111"
    for _ in range(5):
        page = client.post("/abonent/logowanie/haslo/", {"password": wrong})
        assert "nieprawidłowe" in page.content.decode() or "zablokowane" in page.content.decode()
    assert SmsDevice.objects.get(msisdn="48601000001").token is None
    page = client.post("/abonent/logowanie/haslo/", {"password": token})
    assert page.status_code == 200  # five attempts used: even the right one no longer works


def test_it_lets_a_password_expire_after_five_minutes(client, alice_account):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        ask(client, "601000001")
        token = sms_password("48601000001")
        traveller.shift(timedelta(minutes=5, seconds=1))
        page = client.post("/abonent/logowanie/haslo/", {"password": token})
    assert page.status_code == 200 and "wygasło" in page.content.decode()


def test_it_sends_a_new_password_once_a_minute_and_five_an_hour(client, alice_account):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert ask(client, "601000001").status_code == 302
        again = ask(client, "601000001")
        assert again.status_code == 200 and "raz na minutę" in again.content.decode()
        for _ in range(4):
            traveller.shift(timedelta(seconds=61))
            assert ask(client, "601000001").status_code == 302
        traveller.shift(timedelta(seconds=61))
        assert ask(client, "601000001").status_code == 200
    assert OutboxMessage.objects.filter(recipient="48601000001").count() == 5


def test_it_limits_an_unknown_number_exactly_like_a_known_one(client, alice_account):
    assert ask(client, "601999999").status_code == 302
    assert ask(client, "601999999").status_code == 200


def test_it_rejects_a_malformed_number_and_keeps_it(client):
    page = client.post("/abonent/logowanie/", {"phone": "12ab"})
    assert page.status_code == 200
    assert 'value="12ab"' in page.content.decode()


def test_it_keeps_pages_closed_before_login(client, alice_account):
    assert client.get("/abonent/")["Location"] == "/abonent/logowanie/"
    assert client.get("/abonent/platnosci/")["Location"] == "/abonent/logowanie/"


def test_it_refuses_an_agent_session(client, alice, alice_account):
    client.force_login(alice)
    assert client.get("/abonent/")["Location"] == "/abonent/logowanie/"


def test_it_sends_a_session_without_the_verified_device_to_the_login(alice_account):
    client = login_as(alice_account)
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]  # signed in, the number remembered, never verified
    session.save()
    assert client.get("/abonent/")["Location"] == "/abonent/logowanie/"
    assert client.get("/abonent/platnosci/")["Location"] == "/abonent/logowanie/"


def test_it_refuses_a_session_whose_sms_device_is_gone(alice_account):
    client = login_as(alice_account)
    SmsDevice.objects.filter(user=alice_account.user).delete()
    assert client.get("/abonent/")["Location"] == "/abonent/logowanie/"
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_it_refuses_a_session_verified_by_another_kind_of_device(alice_account):
    # A TOTP device of the same user verifies the session, but not by an SMS password.
    totp = TOTPDevice.objects.create(user=alice_account.user, name="TOTP", confirmed=True)
    client = session_verified_by(alice_account.user, totp)
    session = client.session
    session[auth.SESSION_LOGIN] = {"contract": alice_account.contracts.first().pk}
    session.save()
    assert client.get("/abonent/")["Location"] == "/abonent/logowanie/"


def test_it_does_not_verify_a_user_with_other_rights_by_sms(client, alice_account):
    # An SMS password must not become the second factor of an agent's or the admin's pages.
    from django.contrib.auth.models import Group

    alice_account.user.groups.add(Group.objects.get(name=Role.AGENT))
    ask(client, "601000001")
    token = sms_password("48601000001")
    page = client.post("/abonent/logowanie/haslo/", {"password": token})
    assert page.status_code == 200 and "nie można zalogować" in page.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/abonent/")["Location"] == "/abonent/logowanie/"


# Subscriber code ------------------------------------------------------------------


def test_it_asks_for_the_code_before_a_change_and_returns(alice_account):
    client = login_as(alice_account)
    response = client.get("/abonent/bok/nowe/")
    assert response.status_code == 302
    assert response["Location"] == "/abonent/kod/?next=/abonent/bok/nowe/"
    bad = client.post("/abonent/kod/", {"code": "ZLY123", "next": "/abonent/bok/nowe/"})
    assert "Nieprawidłowy kod" in bad.content.decode()
    good = client.post("/abonent/kod/", {"code": "NUMER0", "next": "/abonent/bok/nowe/"})
    assert good["Location"] == "/abonent/bok/nowe/"
    assert client.get("/abonent/bok/nowe/").status_code == 200


def test_it_takes_the_account_code_for_every_number(bob_account):
    client = login_as(bob_account)
    client.post("/abonent/kod/", {"code": "firma1"})
    second = bob_account.contracts.order_by("msisdn")[1]
    client.post(f"/abonent/numer/{second.pk}/", {"next": "/abonent/"})
    assert client.get("/abonent/dane/adres/").status_code == 200


def test_it_takes_a_number_code_for_that_number_only(bob_account):
    client = login_as(bob_account)
    first, second = bob_account.contracts.order_by("msisdn")[:2]
    client.post("/abonent/kod/", {"code": "NUMER0"})
    assert client.get("/abonent/bok/nowe/").status_code == 200
    client.post(f"/abonent/numer/{second.pk}/", {"next": "/abonent/"})
    assert client.get("/abonent/bok/nowe/").status_code == 302


ACCOUNT_CHANGES = ["/abonent/dane/adres/", "/abonent/platnosci/forma/"]


@pytest.mark.parametrize("path", ACCOUNT_CHANGES)
def test_a_number_code_does_not_open_changes_to_a_whole_business_account(bob_account, path):
    client = login_as(bob_account)
    client.post("/abonent/kod/", {"code": "NUMER0"})
    response = client.get(path)
    assert response["Location"] == f"/abonent/kod/?zakres=konto&next={path}"
    page = client.get(response["Location"]).content.decode()
    assert "kod abonencki dla konta" in page
    refused = client.post("/abonent/kod/", {"code": "NUMER0", "zakres": "konto", "next": path})
    assert "ta zmiana dotyczy całego konta" in refused.content.decode()
    accepted = client.post("/abonent/kod/", {"code": "FIRMA1", "zakres": "konto", "next": path})
    assert accepted["Location"] == path
    assert client.get(path).status_code == 200


def test_a_number_code_does_not_let_a_business_account_join_profit(bob_account):
    client = login_as(bob_account)
    client.post("/abonent/kod/", {"code": "NUMER0"})
    response = client.post("/abonent/profit/dolacz/", {"consent": "on"})
    assert response["Location"].startswith("/abonent/kod/?zakres=konto")
    bob_account.refresh_from_db()
    assert bob_account.profit_joined_at is None


def test_an_individual_with_two_numbers_needs_the_account_code_for_the_address(alice_account):
    client = login_as(alice_account)
    client.post("/abonent/kod/", {"code": "NUMER0"})
    assert client.get("/abonent/dane/adres/").status_code == 302
    client.post("/abonent/kod/", {"code": "ALICE1"})
    assert client.get("/abonent/dane/adres/").status_code == 200


def test_the_only_number_s_code_covers_its_account(charlie_account):
    client = login_as(charlie_account)
    client.post("/abonent/kod/", {"code": "NUMER0"})
    assert client.get("/abonent/dane/adres/").status_code == 200


def test_it_locks_the_code_after_five_wrong_ones_across_sessions(alice_account):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            login_as(alice_account).post("/abonent/kod/", {"code": "ZLY123"})
        other = login_as(alice_account)  # another session, as if in another process
        page = other.post("/abonent/kod/", {"code": "NUMER0"})
        assert "zablokowane" in page.content.decode()
        traveller.shift(timedelta(minutes=15, seconds=1))
        assert other.post("/abonent/kod/", {"code": "NUMER0"}).status_code == 302


def test_it_explains_where_the_code_comes_from(client):
    page = client.get("/abonent/kod-abonencki/").content.decode()
    assert "PUK" in page and "2004" in page and "punkcie sprzedaży" in page
