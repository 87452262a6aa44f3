"""Demo data shared by all areas: the staff account, with a fixed TOTP secret.

Development only: the secret below is public, printed by `make run` and in the README.
"""

import base64

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import ensure_user
from accounts.otp import recovery_codes_issue
from accounts.roles import Role

__all__ = ["ensure_user", "load"]

ADMIN_TOTP_HEX = "41646d696e21cafebabe41646d696e21cafebabe"
ADMIN_TOTP_BASE32 = base64.b32encode(bytes.fromhex(ADMIN_TOTP_HEX)).decode()


def load() -> list[str]:
    admin = ensure_user(
        username="admin",
        password="admin",
        role=Role.STAFF,
        is_staff=True,
        is_superuser=True,
        email="admin@portal.localhost",
        first_name="Administrator",
    )
    # The admin opens only after a second factor: the demo admin has one ready.
    device, created = TOTPDevice.objects.get_or_create(
        user=admin, name="Demo", defaults={"key": ADMIN_TOTP_HEX, "confirmed": True}
    )
    if created:
        recovery_codes_issue(admin)
    return [
        "Obsługa portalu: admin / admin + kod TOTP  →  /konto/obsluga/logowanie/ → /admin/"
        " oraz /powiadomienia/skrzynka/",
        f"  TOTP administratora (tylko dev): sekret {ADMIN_TOTP_BASE32}",
        f"  {device.config_url}",
        "  bieżący kod: .venv/bin/python manage.py demo_totp admin",
    ]
