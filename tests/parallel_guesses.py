"""Guesses sent at once from several processes, each with several threads.

`guess_in_processes` starts real Python processes (each sets Django up on the
test database and the test's Redis namespace), releases them at one instant,
and returns how many guesses were judged: counted by the security events the
code writes when it judges a wrong answer. The guessers are below, by name.
"""

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection

SCRIPT = """
import json, logging, os, threading, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
import django
django.setup()
from django.conf import settings
from django.db import connection
settings.RATELIMIT_PREFIX = os.environ["RL_PREFIX"]
from tests.parallel_guesses import GUESSERS

judged = []
event = "event=" + os.environ["JUDGED_EVENT"] + " "


class Count(logging.Handler):
    def emit(self, record):
        if record.getMessage().startswith(event):
            judged.append(1)


logging.getLogger("portal.security").addHandler(Count())
guess = GUESSERS[os.environ["GUESSER"]]
first, count = int(os.environ["FIRST"]), int(os.environ["COUNT"])
todo = list(range(first, first + count))
lock = threading.Lock()


def work():
    try:
        while True:
            with lock:
                if not todo:
                    return
                i = todo.pop()
            guess(i)
    finally:
        connection.close()


threads = [threading.Thread(target=work) for _ in range(int(os.environ["THREADS"]))]
time.sleep(max(0.0, float(os.environ["START_AT"]) - time.time()))
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps({"judged": len(judged)}))
"""


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def guess_in_processes(
    guesser: str,
    judged_event: str,
    *,
    guesses: int = 200,
    processes: int = 2,
    threads: int = 8,
    **env: str,
) -> int:
    """Send `guesses` guesses over `processes` processes at once; return how many were judged."""
    per_process = guesses // processes
    start_at = time.time() + 4  # every process has set Django up by then
    base = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "RL_PREFIX": settings.RATELIMIT_PREFIX,
        "GUESSER": guesser,
        "JUDGED_EVENT": judged_event,
        "THREADS": str(threads),
        "COUNT": str(per_process),
        "START_AT": str(start_at),
        **env,
    }
    running = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT],
            env={**base, "FIRST": str(n * per_process)},
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    judged = 0
    for process in running:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-3000:]
        judged += json.loads(out.strip().splitlines()[-1])["judged"]
    return judged


# The guessers: each makes guess number i, a wrong one, through the real code path.


def _request(ip: str):  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    return RequestFactory().post("/", REMOTE_ADDR=ip)


def _password(i: int) -> None:
    """A wrong password for one account, each from its own address."""
    from accounts.forms import PortalLoginForm

    data = {"username": os.environ["USERNAME"], "password": f"wrong-password-{i}"}
    PortalLoginForm(_request(f"198.51.{i // 250}.{i % 250 + 1}"), data=data).is_valid()


def _totp(i: int) -> None:
    """A wrong one-time code for one account (the test passes codes that are wrong now)."""
    from accounts import otp
    from accounts.models import User

    user = User.objects.get(pk=int(os.environ["USER_ID"]))
    code = os.environ["CODES"].split(",")[i]
    try:
        otp.verify_code(_request("198.51.100.1"), user, code)
    except otp.Locked:
        pass


def _client_code_unknown_email(i: int) -> None:
    """E-mail + access code for an e-mail no offer has, all from one address."""
    from offers import client_services as cs

    try:
        cs.offer_enter_by_code(
            email="nikt@example.com", code=f"INTER{i:04d}", visitor=cs.Visitor(ip="203.0.113.9")
        )
    except cs.EntryRefused:
        pass


def _client_pesel(i: int) -> None:
    """A wrong PESEL for one offer, each from its own address."""
    from offers import client_services as cs
    from offers.models import Offer

    offer = Offer.objects.select_related("product").get(pk=int(os.environ["OFFER_ID"]))
    visitor = cs.Visitor(ip=f"198.51.{i // 250}.{i % 250 + 1}")
    try:
        cs.offer_check_pesel(offer=offer, pesel="90020223457", visitor=visitor)
    except cs.EntryRefused:
        pass


GUESSERS: dict[str, Callable[[int], None]] = {
    "password": _password,
    "totp": _totp,
    "client-code-unknown-email": _client_code_unknown_email,
    "client-pesel": _client_pesel,
}
