"""The partner's login: user name + password; TOTP from the levels that require it; lock-out."""

from datetime import date

import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from partners.models import PartnerProfile
from tests.conftest import make_user

from .conftest import set_level

LOGIN = reverse("partners:login")
OTP = reverse("partners:login-otp")
SETUP = reverse("partners:login-setup")
HOME = reverse("partners:home")


ALICE_PASSWORD = "alice-secret-pass"


def _password(client, username="alice", password=ALICE_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_it_logs_a_level_2_user_in_with_password_alone(alice, client):
    response = _password(client)
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_it_shows_the_seed_field_names(client, db):
    response = client.get(LOGIN)
    assert "Nazwa użytkownika" in response.text and "Hasło" in response.text


def test_it_asks_a_level_3_user_for_a_totp_code(alice, firm_a, client):
    set_level(firm_a, 3)
    device = TOTPDevice.objects.create(user=alice, name="app", confirmed=True)
    assert _password(client)["Location"] == OTP
    assert client.get(HOME).status_code == 302  # not logged in on the password alone
    response = client.post(OTP, {"code": _code(device)})
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_it_enrols_a_level_5_user_without_a_device(alice, firm_a, client):
    set_level(firm_a, 5)
    assert _password(client)["Location"] == SETUP


def test_it_sends_a_password_only_session_back_when_the_company_rises_to_level_3(
    alice, firm_a, client
):
    _password(client)
    set_level(firm_a, 3)
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_it_keeps_totp_for_an_expired_technician(alice, firm_a, client):
    set_level(firm_a, 4)
    PartnerProfile.objects.filter(organisation=firm_a).update(technician_until=date(2020, 1, 1))
    assert _password(client)["Location"] == SETUP


def test_it_locks_the_account_after_five_wrong_passwords(alice, client):
    for _ in range(4):
        assert "Nieprawidłowa nazwa użytkownika lub hasło." in _password(client, password="x").text
    assert "zablokowane" in _password(client, password="x").text
    assert "zablokowane" in _password(client).text


def test_it_unlocks_after_15_minutes(alice, client):
    with time_machine.travel("2026-03-29 01:55:00+01:00", tick=False):  # across the DST change
        for _ in range(5):
            _password(client, password="x")
    with time_machine.travel("2026-03-29 03:10:01+02:00", tick=False):
        assert _password(client)["Location"] == HOME


def test_it_refuses_a_user_of_no_partner_company(client, db):
    make_user("dawid", Role.PARTNER)
    response = _password(client, username="dawid", password="dawid-secret-pass")
    assert response.status_code == 200
    assert "nie należy do firmy partnerskiej" in response.text


def test_it_refuses_an_agent(client, db):
    make_user("agata", Role.AGENT)
    response = _password(client, username="agata", password="agata-secret-pass")
    assert "nie należy do firmy partnerskiej" in response.text


def test_it_sends_anonymous_visitors_to_the_login(client, db):
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
