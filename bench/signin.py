"""Sign-in: from "Zaloguj" to the code page, Argon2id against PBKDF2, through gunicorn.

    .venv/bin/python bench/signin.py [--duration 3] [--rounds 5] [--connections 20] [--keep-db]

Each request is the agent's password step as a browser sends it: a POST of
username, right password and CSRF token to /agent/logowanie/, answered by a
redirect to the code page (the limiter counts the attempt, the password is
hashed and checked, a pending session is written). Three servers in turn, on
the same database: the portal's hashers (Argon2id first), the hashers as they
were (PBKDF2 with 1,500,000 iterations first: `bench/settings_pbkdf2.py`,
with the user's hash made by PBKDF2 so nothing is upgraded), and a locked
account's attempt (refused before any hash). Each slice of sign-ins is
followed by a slice of the reference view, and the ratio is taken as in every
other figure of bench/README.md. Before the servers, this process times one
hash of each kind (CPU time, median of 15).

Closed loop with Python threads, not wrk: wrk's Lua would need the CSRF
cookie and token anyway, and a sign-in costs tens of milliseconds, so the
client's own cost stays small next to it.
"""

import os
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

if __package__ in {None, ""}:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_signin"
)
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")

from bench.harness import (  # noqa: E402
    RESULTS,
    BenchError,
    GunicornServer,
    machine_description,
    server_environment,
    setup_django,
)
from bench.run import arguments  # noqa: E402

USERNAME = "agent-bench"
PASSWORD = "haslo-agenta-do-testu-1"  # noqa: S105 (benchmark database only)
LOCKED = "agent-zablokowany"
LOGIN = "/agent/logowanie/"
CODE_PAGE = "/agent/logowanie/kod/"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def seed() -> None:
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from accounts.roles import Role

    for name in (USERNAME, LOCKED):
        user, _ = User.objects.get_or_create(username=name)
        user.groups.add(Group.objects.get(name=Role.AGENT))
        TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)


def _set_password(hasher: str) -> None:
    from django.contrib.auth.hashers import make_password

    from accounts.models import User

    User.objects.filter(username__in=[USERNAME, LOCKED]).update(
        password=make_password(PASSWORD, hasher=hasher)
    )


def hash_costs() -> dict[str, float]:
    """CPU milliseconds of one hash, median of 15, in this process."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from accounts.hashers import PortalArgon2PasswordHasher

    costs = {}
    for name, hasher in (
        ("Argon2id (m=32 MiB, t=3, p=1)", PortalArgon2PasswordHasher()),
        ("PBKDF2-SHA256, 1,500,000 iterations", PBKDF2PasswordHasher()),
    ):
        encoded = hasher.encode(PASSWORD, hasher.salt())
        samples = []
        for _ in range(15):
            started = time.process_time()
            hasher.verify(PASSWORD, encoded)
            samples.append((time.process_time() - started) * 1000)
        costs[name] = statistics.median(samples)
    return costs


def _csrf(server: GunicornServer) -> tuple[str, str]:
    with urllib.request.urlopen(server.url(LOGIN), timeout=10) as page:  # noqa: S310
        html = page.read().decode()
        cookies = page.headers.get_all("Set-Cookie") or []
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    cookie = next((c.split(";")[0] for c in cookies if c.startswith("csrftoken=")), "")
    if token is None or not cookie:
        raise BenchError("the login page gave no CSRF token")
    return token.group(1), cookie


def _sign_in(
    server: GunicornServer, csrf: tuple[str, str], username: str, password: str = PASSWORD
) -> tuple[int, str]:
    token, cookie = csrf
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (127.0.0.1 only)
        server.url(LOGIN),
        data=body,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with _opener.open(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location", "")


def _reference(server: GunicornServer) -> tuple[int, str]:
    with urllib.request.urlopen(server.url("/bench/reference"), timeout=30) as answer:  # noqa: S310
        return answer.status, ""


def _slice(call, connections: int, duration: float) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """`connections` threads calling `call` in a closed loop for `duration` seconds."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def loop() -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            ok = call()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors[0] += 0 if ok else 1

    threads = [threading.Thread(target=loop) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / took,
        "p50": latencies[len(latencies) // 2] if latencies else 0.0,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0,
        "errors": errors[0],
        "count": len(latencies),
    }


def _measure(server, csrf, username, expect, options) -> dict[str, float]:  # type: ignore[no-untyped-def]
    def sign_in() -> bool:
        status, where = _sign_in(server, csrf, username)
        return expect(status, where)

    def reference() -> bool:
        return _reference(server)[0] == 200

    ratios, pages = [], []
    before = _slice(reference, options.connections, options.duration)
    for _ in range(options.rounds):
        page = _slice(sign_in, options.connections, options.duration)
        after = _slice(reference, options.connections, options.duration)
        ratios.append(page["rps"] / ((before["rps"] + after["rps"]) / 2))
        pages.append(page)
        before = after
    return {
        "rps": statistics.median(p["rps"] for p in pages),
        "ratio": statistics.median(ratios),
        "ratio_low": min(ratios),
        "ratio_high": max(ratios),
        "p50": statistics.median(p["p50"] for p in pages),
        "p99": statistics.median(p["p99"] for p in pages),
        "errors": sum(p["errors"] for p in pages),
        "count": sum(p["count"] for p in pages),
    }


def _to_code_page(status: int, where: str) -> bool:
    return status == 302 and where == CODE_PAGE


def _refused(status: int, body: str) -> bool:
    return status == 200 and "zablokowane" in body


def main() -> int:
    options = arguments(__doc__.splitlines()[0]).parse_args()
    env = server_environment()
    try:
        setup_django(env, fresh_db=not options.keep_db, log=print)
        seed()
        costs = hash_costs()
        rows = []
        for label, settings_module, hasher in (
            ("sign-in, Argon2id (now)", "portal.settings", "argon2"),
            ("sign-in, PBKDF2 1.5M (before)", "bench.settings_pbkdf2", "pbkdf2_sha256"),
        ):
            _set_password(hasher)
            server_env = {**env, "DJANGO_SETTINGS_MODULE": settings_module}
            with GunicornServer(server_env, workers=options.workers) as server:
                csrf = _csrf(server)
                if not _to_code_page(*_sign_in(server, csrf, USERNAME)):
                    raise BenchError(f"{label}: the right password did not lead to the code page")
                print(f"measuring {label} …", flush=True)
                rows.append((label, _measure(server, csrf, USERNAME, _to_code_page, options)))
                if settings_module == "portal.settings":
                    for n in range(5):  # lock the second account
                        _sign_in(server, csrf, LOCKED, f"zle-{n}")
                    if not _refused(*_sign_in(server, csrf, LOCKED)):
                        raise BenchError("the locked account's attempt was not refused")
                    print("measuring a locked account's attempt …", flush=True)
                    rows.append(
                        ("locked account's attempt (no hash)",
                         _measure(server, csrf, LOCKED, _refused, options))
                    )  # fmt: skip
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    lines = [
        f"{machine_description()}; {options.workers} gunicorn sync workers, "
        f"{options.connections} connection{'s' if options.connections != 1 else ''} × "
        f"{options.duration} s × {options.rounds} rounds",
        "",
        "| one hash, in-process | CPU ms (median of 15) |",
        "|---|---:|",
        *(f"| {name} | {ms:.0f} |" for name, ms in costs.items()),
        "",
        "| request | req/s | × reference | (rounds) | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {label} | {r['rps']:.1f} | {r['ratio']:.3f} | "
            f"{r['ratio_low']:.3f}–{r['ratio_high']:.3f} | {r['p50']:.0f} | {r['p99']:.0f} | "
            f"{int(r['errors'])} |"
            for label, r in rows
        ),
    ]
    text = "\n".join(lines)
    print("\n" + text)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"signin-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.md"
    path.write_text(text + "\n")
    print(f"\nsaved to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
