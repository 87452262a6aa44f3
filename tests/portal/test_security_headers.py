"""Headers and cookies, in development and (in a subprocess) under production settings."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

PRODUCTION_ENV = {
    "PORTAL_ENV": "production",
    "DEBUG": "0",
    "SECRET_KEY": "x" * 64,
    "FIELD_ENCRYPTION_KEY": "test-field-key",
    "ALLOWED_HOSTS": "testserver",
    "EMAIL_URL": "smtp://127.0.0.1:25",
    "PAYMENT_PROVIDER": "stripe",
    "STRIPE_WEBHOOK_SECRET": "whsec_test_production_check",
    "SMS_GATEWAY": "http",
    "SMS_GATEWAY_URL": "https://sms.example.com/send",
    "INVOICE_SELLER_NAME": "Portal S.A.",
    "INVOICE_SELLER_NIP": "5250001233",
    "INVOICE_SELLER_ADDRESS": "ul. Przykładowa 1, 00-950 Warszawa",
    "INVOICE_SELLER_IBAN": "PL61109010140000071219812874",
    "SUBSCRIBER_OPERATOR_NAME": "Idea S.A.",
    "SUBSCRIBER_OPERATOR_ADDRESS": "ul. Przykładowa 1, 00-950 Warszawa",
}


def run_under_production(code: str, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **PRODUCTION_ENV, **overrides}
    env["DATABASE_URL"] = overrides.get("DATABASE_URL", os.environ["DATABASE_URL"])
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"DEBUG": "1"}, "DEBUG must be off"),
        ({"SECRET_KEY": settings.DEV_SECRET_KEY}, "SECRET_KEY"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"FIELD_ENCRYPTION_KEY": settings.DEV_FIELD_KEY}, "FIELD_ENCRYPTION_KEY"),
        ({"STRIPE_WEBHOOK_SECRET": ""}, "STRIPE_WEBHOOK_SECRET"),
    ],
)
def test_production_refuses_to_start_with_development_secrets_or_debug(overrides, complaint):
    result = run_under_production("import django; django.setup()", **overrides)
    assert result.returncode != 0
    assert complaint in result.stderr


PROBE = """
import json, django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
home = client.get("/", secure=True)
admin_login = client.get("/admin/login/", secure=True)
# The admin opens only to a session verified by a second factor.
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import User
staff = User.objects.create_user("probe-staff", is_staff=True, is_superuser=True)
try:
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    admin = client.get("/admin/", secure=True)
finally:
    client.logout()  # its session row is committed on the shared test database too
    staff.delete()
plain = client.get("/", secure=False)
print(json.dumps({
    "home_status": home.status_code,
    "headers": dict(home.headers),
    "admin_status": admin.status_code,
    "admin_csp": admin.headers.get("Content-Security-Policy", ""),
    "admin_html": admin.content.decode(),
    "admin_login_status": admin_login.status_code,
    "admin_login_location": admin_login.headers.get("Location", ""),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "session_secure": django.conf.settings.SESSION_COOKIE_SECURE,
    "csrf_secure": django.conf.settings.CSRF_COOKIE_SECURE,
}))
"""


@pytest.mark.django_db
def test_production_sends_hsts_csp_and_secure_cookies_and_admin_still_works(tmp_path):
    from tests.parallel_guesses import database_url

    # The probe signs a staff user in on the test database (and removes it).
    result = run_under_production(PROBE, STATIC_ROOT=str(tmp_path), DATABASE_URL=database_url())
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    headers = data["headers"]
    assert data["home_status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    csp = headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert data["session_secure"] and data["csrf_secure"]
    # Plain HTTP is redirected to HTTPS.
    assert data["plain_status"] == 301
    assert data["plain_location"].startswith("https://")
    # The admin renders under the strict policy: its scripts carry the nonce.
    assert data["admin_status"] == 200
    assert data["admin_login_status"] == 302
    assert data["admin_login_location"].startswith("/konto/obsluga/logowanie/")
    nonce = data["admin_csp"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in data["admin_html"]


@pytest.mark.django_db
def test_cookies_are_httponly_and_samesite_lax(client, alice):
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": "alice-secret-pass"}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 30 * 60


@pytest.mark.django_db
def test_inline_scripts_need_the_nonce(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "<script>" not in response.content.decode()
