import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from accounts.models import User
from accounts.roles import Role

OUR_APPS = {"accounts", "offers", "payments", "notifications", "subscribers", "partners"}
OUR_APPS |= {"invoicing"}
OUR_APPS |= {"sms"}


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS | {"auth", "otp_totp", "otp_static"}
    }


@pytest.mark.django_db
def test_it_is_idempotent(capsys):
    call_command("demo_data")
    counts = _row_counts()
    call_command("demo_data")
    assert _row_counts() == counts
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.check_password("admin")
    assert admin.has_role(Role.STAFF)
    assert "admin / admin" in capsys.readouterr().out


def test_it_refuses_to_run_under_production_settings():
    env = {
        **os.environ,
        "PORTAL_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": "y" * 64,
        "FIELD_ENCRYPTION_KEY": "k",
        "ALLOWED_HOSTS": "portal.example.com",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_WEBHOOK_SECRET": "whsec_test_production_check",
        "SMS_GATEWAY": "http",
        "INVOICE_SELLER_NAME": "Portal S.A.",
        "INVOICE_SELLER_NIP": "5250001233",
        "INVOICE_SELLER_ADDRESS": "ul. Przykładowa 1, 00-950 Warszawa",
        "INVOICE_SELLER_IBAN": "PL61109010140000071219812874",
        "SUBSCRIBER_OPERATOR_NAME": "Idea S.A.",
        "SUBSCRIBER_OPERATOR_ADDRESS": "ul. Przykładowa 1, 00-950 Warszawa",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "demo_data"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "refuses to run with PORTAL_ENV=production" in result.stderr
