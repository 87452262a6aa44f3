"""`make run` on SQLite: the pages that run hand-written SQL work there too.

The subscriber's side panel is compiled once and run as raw SQL, and the
partner home page counts unread topics in one written-out statement: on SQLite
both must still be valid, and the panel's dates and amounts must come back as
dates and decimals (the embedded database returns text and floats without
converters).
"""

import os
import subprocess
import sys

from django.conf import settings

SCRIPT = """
import django
django.setup()
from datetime import date
from decimal import Decimal
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from subscribers import auth, selectors
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import User
from subscribers.models import Contract, SmsDevice

call_command("demo_data", stdout=open("/dev/null", "w"))
contract = Contract.objects.get(msisdn="48602200300")
panels = [
    panel
    for msisdn in ("48601100200", "48602200300")
    for panel in selectors.contracts_with_panel(
        user_id=Contract.objects.get(msisdn=msisdn).account.user_id, today=timezone.localdate())
]
assert all(isinstance(p.last_gross, Decimal) for p in panels), [p.last_gross for p in panels]
assert all(isinstance(p.tariff.monthly_fee, Decimal) for p in panels)
starts = [p.usage_start for p in panels if p.usage_start is not None]
assert starts and all(isinstance(day, date) for day in starts), starts
assert all(isinstance(p.account.summary["unpaid_total"], (Decimal, type(None))) for p in panels)
device = SmsDevice.objects.create(
    user=contract.account.user, msisdn=contract.msisdn, name="SMS", confirmed=True)
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(contract.account.user)
session = client.session
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session[auth.SESSION_LOGIN] = {"contract": contract.pk}
session[auth.SESSION_CONTRACT] = contract.pk
session[auth.SESSION_CODE] = {"account": True, "contracts": []}
session.save()
for path in ("/abonent/", "/abonent/platnosci/", "/abonent/taryfa/", "/abonent/uslugi/",
             "/abonent/dane/adres/", "/abonent/bok/", "/abonent/profit/"):
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    print(path, answer.status_code)
for username in ("partner2", "partner5"):
    partner = Client(HTTP_HOST="127.0.0.1")
    user = User.objects.get(username=username)
    partner.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        partner_session = partner.session
        partner_session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        partner_session.save()
    answer = partner.get("/partner/")
    assert answer.status_code == 200, (username, answer.status_code)
    print("/partner/", answer.status_code)
home = client.get("/abonent/").content.decode()
assert '<meter' in home and "zł" in home, home[:2000]
assert "0000" not in home.split('class="sub-facts"')[1].split("</dl>")[0]
"""


def test_pages_with_written_out_sql_work_on_the_embedded_sqlite(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        PORTAL_VAR_DIR=str(tmp_path),
        PORTAL_ENV="development",
        DJANGO_SETTINGS_MODULE="portal.settings",
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONPATH=str(settings.BASE_DIR),
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput", "-v0"],
        env=env, cwd=settings.BASE_DIR, check=True, timeout=300,
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count(" 200") == 9, result.stdout
