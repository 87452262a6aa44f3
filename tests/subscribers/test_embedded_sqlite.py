"""`make run` on SQLite: the subscriber's pages work there too.

The side panel's statement is compiled once and run as raw SQL; on SQLite it
must still be valid, and its dates and amounts must come back as dates and
decimals (the embedded database returns text and floats without converters).
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
from subscribers.demo import load
from subscribers.models import Contract, SmsDevice

load()
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
home = client.get("/abonent/").content.decode()
assert '<meter' in home and "zł" in home, home[:2000]
assert "0000" not in home.split('class="sub-facts"')[1].split("</dl>")[0]
"""


def test_the_subscriber_pages_work_on_the_embedded_sqlite(tmp_path):
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
    assert result.stdout.count(" 200") == 7, result.stdout
