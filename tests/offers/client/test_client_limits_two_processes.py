"""The client-entry limits are shared by every web process (Redis), judged by a frozen clock."""

import os
import subprocess
import sys

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .conftest import OTHER_PESEL, PESEL, Sent

SCRIPT = """
import os, django, time_machine
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()
from django.conf import settings
from accounts import ratelimit
from offers.client_services import OFFER_LIMIT
settings.RATELIMIT_PREFIX = os.environ["RL_PREFIX"]
with time_machine.travel(float(os.environ["RL_AT"]), tick=False):
    for _ in range(3):
        ratelimit.record_failure(OFFER_LIMIT, "offer:" + os.environ["RL_OFFER"])
"""


def test_wrong_answers_in_another_process_count_towards_the_offers_lock(client, new_sent: Sent):
    client.get(new_sent.link)
    at = timezone.now().timestamp() + 1
    env = {
        **os.environ,
        "RL_PREFIX": settings.RATELIMIT_PREFIX,
        "RL_AT": str(at),
        "RL_OFFER": str(new_sent.offer.pk),
    }
    other = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, cwd=settings.BASE_DIR, timeout=60, check=False
    )
    assert other.returncode == 0

    with time_machine.travel(at + 60, tick=False) as clock:
        for _ in range(2):  # 3 elsewhere + 2 here = 5
            client.post(reverse("offers:client-pesel"), {"pesel": OTHER_PESEL})
        locked = client.post(reverse("offers:client-pesel"), {"pesel": PESEL})
        assert "zablokowane na 15 min" in locked.content.decode()
        clock.shift(15 * 60)
        assert client.post(reverse("offers:client-pesel"), {"pesel": PESEL}).status_code == 303
