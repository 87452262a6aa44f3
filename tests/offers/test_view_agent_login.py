"""The agent's login: password (with lock-out), then TOTP; enrolment by QR code; recovery codes."""

import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN = reverse("offers:login")
OTP = reverse("offers:login-otp")
SETUP = reverse("offers:login-setup")
CODES = reverse("offers:login-codes")
LIST = reverse("offers:list")
ALICE_PASSWORD = "alice-secret-pass"


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return (
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"
    )


def _password(client, username="alice", password=ALICE_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def test_it_enrols_a_new_agent_by_qr_code_and_issues_recovery_codes(alice, client):
    response = _password(client)
    assert response["Location"] == SETUP
    page = client.get(SETUP)
    assert 'src="data:image/svg+xml' in page.text
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    assert page.context["secret"] in page.text
    # Not logged in yet: the password alone opens nothing.
    assert client.get(LIST).status_code == 302
    response = client.post(SETUP, {"code": _code(device)})
    assert response["Location"] == CODES
    codes = client.get(CODES)
    assert len(codes.context["codes"]) == 10
    assert client.get(CODES).context["codes"] is None  # shown once
    assert client.get(LIST).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_it_rejects_a_wrong_enrolment_code(alice, client):
    _password(client)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert "Nieprawidłowy kod" in response.text
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()


def test_it_asks_an_enrolled_agent_for_the_code(alice, client):
    device = _enrolled(alice)
    response = _password(client)
    assert response["Location"] == OTP
    assert client.get(LIST).status_code == 302
    response = client.post(OTP, {"code": _code(device)})
    assert response["Location"] == LIST
    assert client.get(LIST).status_code == 200


def test_it_returns_to_the_page_asked_for(alice, client):
    device = _enrolled(alice)
    client.post(
        f"{LOGIN}?next=/agent/oferty/nowa/",
        {"username": "alice", "password": "alice-secret-pass", "next": "/agent/oferty/nowa/"},
    )
    response = client.post(OTP, {"code": _code(device)})
    assert response["Location"] == "/agent/oferty/nowa/"


def test_it_accepts_a_recovery_code_once(alice, client):
    from accounts.otp import recovery_codes_issue

    _enrolled(alice)
    code = recovery_codes_issue(alice)[0]
    _password(client)
    assert client.post(OTP, {"code": code})["Location"] == LIST
    assert not StaticToken.objects.filter(token=code).exists()
    client.logout()
    _password(client)
    response = client.post(OTP, {"code": code})
    assert response.status_code == 200
    assert "Nieprawidłowy kod" in response.text


def test_it_locks_the_code_step_after_five_wrong_codes(alice, client):
    device = _enrolled(alice)
    _password(client)
    for _ in range(5):
        client.post(OTP, {"code": "000000"})
    response = client.post(OTP, {"code": _code(device)})
    assert "zablokowane" in response.text
    assert client.get(LIST).status_code == 302


def test_it_locks_the_account_after_five_wrong_passwords(alice, client):
    for _ in range(4):
        response = _password(client, password="wrong")
        assert "Nieprawidłowa nazwa użytkownika lub hasło." in response.text
    response = _password(client, password="wrong")
    assert "Po 5 nieudanych próbach logowanie jest zablokowane" in response.text
    assert "15 minut" in response.text
    response = _password(client)  # even the right password, for 15 minutes
    assert "zablokowane" in response.text


def test_it_unlocks_after_15_minutes(alice, client):
    with time_machine.travel("2025-04-01 10:00:00+02:00", tick=False):
        for _ in range(5):
            _password(client, password="wrong")
    with time_machine.travel("2025-04-01 10:15:01+02:00", tick=False):
        assert _password(client)["Location"] == SETUP


def test_it_refuses_accounts_that_are_not_agents(charlie, client):
    response = _password(client, "charlie", "charlie-secret-pass")
    assert response.status_code == 200
    assert "nie ma dostępu" in response.text


def test_it_forgets_a_password_step_after_five_minutes(alice, client):
    device = _enrolled(alice)
    with time_machine.travel("2025-04-01 10:00:00+02:00", tick=False):
        _password(client)
    with time_machine.travel("2025-04-01 10:05:01+02:00", tick=False):
        response = client.post(OTP, {"code": _code(device)})
    assert response["Location"] == LOGIN


def test_it_sends_the_code_step_back_without_a_password(client):
    assert client.get(OTP)["Location"] == LOGIN
    assert client.get(SETUP)["Location"] == LOGIN


def test_it_refuses_put_on_the_code_step(client):
    assert client.put(OTP).status_code == 405
    assert client.put(SETUP).status_code == 405
