"""Staff reach the admin only through the two-step login, with the portal's lock-out."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

pytestmark = pytest.mark.django_db

LOGIN = reverse("staff:login")
OTP = reverse("staff:login-otp")
SETUP = reverse("staff:login-setup")
ADMIN = reverse("admin:index")
STAFF_PASSWORD = "staff-secret-pass"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_the_admin_sends_staff_to_the_two_step_login(client, staff):
    response = client.get(ADMIN)
    assert response.status_code == 302
    login = client.get(response["Location"], follow=True)
    assert login.redirect_chain[-1][0].startswith(LOGIN)
    assert "Logowanie obsługi portalu" in login.text


def test_a_password_only_session_does_not_open_the_admin(client, staff):
    response = client.post(
        reverse("accounts:login"), {"username": "staff", "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(staff.pk)

    response = client.get(ADMIN)
    assert response.status_code == 302
    assert "Portal — administracja" not in client.get(ADMIN, follow=True).text


def test_the_admins_own_password_form_logs_no_one_in(client, staff):
    response = client.post(
        reverse("admin:login"), {"username": "staff", "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


def test_staff_open_the_admin_with_password_and_code(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    response = client.post(
        f"{LOGIN}?next={ADMIN}", {"username": "staff", "password": STAFF_PASSWORD}
    )
    assert response["Location"] == OTP
    assert client.get(ADMIN).status_code == 302  # the password alone opens nothing
    response = client.post(OTP, {"code": _code(device)})
    assert response["Location"] == ADMIN
    page = client.get(ADMIN)
    assert page.status_code == 200
    assert "Portal — administracja" in page.text


def test_new_staff_enrol_a_second_factor_by_qr_code(client, staff):
    client.post(LOGIN, {"username": "staff", "password": STAFF_PASSWORD})
    page = client.get(SETUP)
    assert 'src="data:image/svg+xml' in page.text
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    client.post(SETUP, {"code": _code(device)})
    assert client.get(ADMIN).status_code == 200


def test_the_staff_login_refuses_agents(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "alice-secret-pass"})
    assert response.status_code == 200
    assert "nie ma dostępu" in response.text


def test_the_staff_login_locks_out_after_five_wrong_passwords(client, staff):
    for n in range(5):
        client.post(LOGIN, {"username": "staff", "password": f"wrong-{n}"})
    response = client.post(LOGIN, {"username": "staff", "password": STAFF_PASSWORD})
    assert response.status_code == 200
    assert "zablokowane" in response.text
    assert client.session.get("_portal_2fa_pending") is None


def test_the_admin_names_the_second_factor_in_polish(staff_client):
    html = staff_client.get(ADMIN).text
    for english in ("Static devices", "TOTP devices", "Otp_Totp", "OTP_TOTP", "Otp_Static"):
        assert english not in html
    assert "Drugi składnik: aplikacje uwierzytelniające" in html
    assert "Aplikacje uwierzytelniające (TOTP)" in html
    assert "Zestawy kodów zapasowych" in html


def test_the_demo_admin_signs_in_with_its_printed_secret(client, capsys):
    call_command("demo_data")
    out = capsys.readouterr().out
    admin = User.objects.get(username="admin")
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    from portal.demo import ADMIN_TOTP_BASE32

    assert ADMIN_TOTP_BASE32 in out
    assert "demo_totp admin" in out
    call_command("demo_totp", "admin")
    printed = capsys.readouterr().out.strip()
    assert printed == _code(device)

    client.post(LOGIN, {"username": "admin", "password": "admin"})
    response = client.post(OTP, {"code": printed})
    assert response.status_code == 302
    assert client.get(ADMIN).status_code == 200
