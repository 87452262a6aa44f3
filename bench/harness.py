"""Benchmark harness: gunicorn on PostgreSQL, wrk against 127.0.0.1 only.

Every figure is a ratio to `/bench/reference` (a bare plain-text view that exists
only with PORTAL_BENCHMARK=1) measured just before and just after the page, so
that the numbers survive a noisy or different machine. See bench/README.md.

    from bench.harness import Target, run_pages, session_cookie

    def seed() -> None:          # runs in this process, Django already set up
        from offers.models import Offer
        ...

    offers = Target("/agent/oferty/", cookie=lambda: session_cookie("alice"))
    report = run_pages({"home": "/", "offers": offers}, seed=seed)
    print(report.markdown())
"""

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
REFERENCE_PATH = "/bench/reference"
REFERENCE_NAME = "reference"
HOST = "127.0.0.1"
WRK = os.environ.get("BENCH_WRK", "/usr/bin/wrk")
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
# A Redis database of its own, so that a run never flushes or fills the tests' ones.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")

# wrk's default report rounds percentiles to two digits and mixes units; this
# prints exact microseconds as one JSON line that the harness parses.
_WRK_REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nBENCH-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, '
    .. '"p99_us": %d, "max_us": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


class BenchError(RuntimeError):
    """The run cannot give honest figures (server down, page not 200, wrk missing)."""


@dataclass(frozen=True)
class Target:
    """One page to measure. `cookie` is a Cookie header value, or a function that
    returns one; a function is called after seeding, so it can log a seeded user in."""

    path: str
    cookie: str | Callable[[], str] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    name: str
    round: int
    sequence: int  # position in the run; a page's neighbours are reference slices
    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int
    requests: int


@dataclass(frozen=True)
class PageResult:
    name: str
    path: str
    requests_per_s: float  # median of rounds
    ratio: float  # median of rounds of (page req/s ÷ mean of the reference slices around it)
    ratio_low: float  # lowest and highest round: how far to trust the median
    ratio_high: float
    p50_ms: float
    p99_ms: float
    errors: int  # summed over rounds: socket errors, timeouts and 4xx/5xx answers


@dataclass
class Report:
    results: list[PageResult]
    measurements: list[Measurement]
    settings: dict[str, Any]

    def markdown(self) -> str:
        s = self.settings
        lines = [
            f"{s['date']} · {s['machine']} · gunicorn {s['workers']} sync workers · "
            f"wrk {s['connections']} connections × {s['duration']} s × {s['rounds']} rounds",
            "",
            "| page | path | req/s | × reference | (rounds) | p50 ms | p99 ms | errors |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in self.results:
            lines.append(
                f"| {r.name} | `{r.path}` | {r.requests_per_s:,.0f} | {r.ratio:.3f} "
                f"| {r.ratio_low:.3f}–{r.ratio_high:.3f} "
                f"| {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} |"
            )
        return "\n".join(lines)

    def save(self, stem: str) -> Path:
        """Write the table and the raw rounds under bench/results/ (git-ignored)."""
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{stem}-{self.settings['date'].replace(':', '')}.md"
        raw = json.dumps([m.__dict__ for m in self.measurements], indent=1)
        path.write_text(f"{self.markdown()}\n\n```json\n{raw}\n```\n")
        return path


def run_pages(
    pages: Mapping[str, str | Target],
    *,
    seed: Callable[[], None] | None = None,
    connections: int = 20,
    duration: int = 3,
    rounds: int = 5,
    workers: int = 2,
    threads: int = 1,
    fresh_db: bool = True,
    log: Callable[[str], None] | None = None,
) -> Report:
    """Measure `pages` interleaved with the reference, on a freshly migrated database.

    `seed` runs in this process once Django is set up on the benchmark database
    (import models inside it). Each round measures every page once, each page
    slice between two slices of the reference; a page's ratio is the median over
    rounds of its req/s divided by the mean of those two neighbours. A run takes
    about (1 + rounds × 2 × len(pages)) × duration seconds, plus a second of
    warm-up per URL.
    """
    if not pages:
        raise BenchError("Give at least one page to measure.")
    log = log or _say
    if not Path(WRK).exists():
        raise BenchError(f"wrk is missing at {WRK}: install it with `apt-get install wrk`.")
    targets = {name: t if isinstance(t, Target) else Target(t) for name, t in pages.items()}
    if REFERENCE_NAME in targets:
        raise BenchError(f"{REFERENCE_NAME!r} is the harness's own page name; rename yours.")

    env = server_environment()
    setup_django(env, fresh_db=fresh_db, log=log)
    if seed is not None:
        log("seeding …")
        seed()
    headers = {name: _headers(target) for name, target in targets.items()}
    plan = {
        REFERENCE_NAME: (REFERENCE_PATH, {}),
        **{n: (t.path, headers[n]) for n, t in targets.items()},
    }

    with GunicornServer(env, workers=workers) as server:
        for name, (path, hdrs) in plan.items():
            _require_ok(server.url(path), hdrs, name)
        log(f"warming up {len(plan)} URLs …")
        for path, hdrs in plan.values():
            _wrk(server.url(path), hdrs, connections=connections, duration=1, threads=threads)
        measurements = _measure(server, plan, connections, duration, rounds, threads, log)

    return Report(
        results=_summarise(plan, measurements),
        measurements=measurements,
        settings={
            "date": datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%MZ"),
            "machine": machine_description(),
            "workers": workers,
            "connections": connections,
            "duration": duration,
            "rounds": rounds,
        },
    )


def _measure(
    server: "GunicornServer",
    plan: Mapping[str, tuple[str, Mapping[str, str]]],
    connections: int,
    duration: int,
    rounds: int,
    threads: int,
    log: Callable[[str], None],
) -> list[Measurement]:
    # The reference runs before the first page and after every page, so each
    # page slice sits between two reference slices taken seconds apart: a
    # neighbour's test run or CPU steal then slows both sides of the ratio.
    pages = [name for name in plan if name != REFERENCE_NAME]
    order = [(0, REFERENCE_NAME)]
    for number in range(1, rounds + 1):
        for name in pages:
            order += [(number, name), (number, REFERENCE_NAME)]
    measurements: list[Measurement] = []
    for sequence, (number, name) in enumerate(order):
        path, hdrs = plan[name]
        raw = _wrk(
            server.url(path), hdrs, connections=connections, duration=duration, threads=threads
        )
        m = _measurement(name, number, sequence, raw)
        log(
            f"round {number}/{rounds} {name:<20} {m.requests_per_s:9.1f} req/s  "
            f"p50 {m.p50_ms:6.1f} ms  p99 {m.p99_ms:6.1f} ms  errors {m.errors}"
        )
        measurements.append(m)
    return measurements


def _measurement(name: str, number: int, sequence: int, raw: Mapping[str, int]) -> Measurement:
    errors = sum(raw[key] for key in ("connect", "read", "write", "status", "timeout"))
    return Measurement(
        name=name,
        round=number,
        sequence=sequence,
        requests_per_s=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=errors,
        requests=raw["requests"],
    )


def _summarise(
    plan: Mapping[str, tuple[str, Mapping[str, str]]], measurements: list[Measurement]
) -> list[PageResult]:
    by_sequence = {m.sequence: m for m in measurements}

    def ratio(m: Measurement) -> float:
        if m.name == REFERENCE_NAME:
            return 1.0
        around = (by_sequence[m.sequence - 1], by_sequence[m.sequence + 1])
        return m.requests_per_s / statistics.mean(r.requests_per_s for r in around)

    results = []
    for name, (path, _) in plan.items():
        own = [m for m in measurements if m.name == name]
        ratios = [ratio(m) for m in own]
        results.append(
            PageResult(
                name=name,
                path=path,
                requests_per_s=statistics.median(m.requests_per_s for m in own),
                ratio=statistics.median(ratios),
                ratio_low=min(ratios),
                ratio_high=max(ratios),
                p50_ms=statistics.median(m.p50_ms for m in own),
                p99_ms=statistics.median(m.p99_ms for m in own),
                errors=sum(m.errors for m in own),
            )
        )
    return results


# Server side ------------------------------------------------------------------


def server_environment() -> dict[str, str]:
    """Environment of both this process and gunicorn: DEBUG off, benchmark view on."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        PORTAL_ENV="development",
        DEBUG="0",
        PORTAL_BENCHMARK="1",
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        # The server's log would otherwise compete with it for the same two cores.
        LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
    )
    return env


def setup_django(env: Mapping[str, str], *, fresh_db: bool, log: Callable[[str], None]) -> None:
    """Point this process at the benchmark database, recreate it if asked, migrate."""
    if "django.conf" in sys.modules:
        from django.conf import settings

        if settings.configured:
            raise BenchError("Django was set up before the harness: import models inside seed().")
    _require_local(env["DATABASE_URL"], "BENCH_DATABASE_URL")
    _require_local(env["REDIS_URL"], "BENCH_REDIS_URL")
    if fresh_db:
        log(f"recreating database {urlsplit(env['DATABASE_URL']).path.lstrip('/')} …")
        _recreate_database(env["DATABASE_URL"])
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    log("migrating …")
    call_command("migrate", verbosity=0, interactive=False)
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def _recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _require_local(url: str, variable: str) -> None:
    # Recreating a database and flushing Redis are only acceptable on this machine.
    if urlsplit(url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise BenchError(f"{variable} must point at 127.0.0.1, not {url!r}.")


class GunicornServer:
    """gunicorn with sync workers on a free 127.0.0.1 port, stopped on exit."""

    def __init__(self, env: Mapping[str, str], *, workers: int = 2, start_timeout: float = 30):
        self.env = dict(env)
        self.workers = workers
        self.start_timeout = start_timeout
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = RESULTS / "gunicorn.log"

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def __enter__(self) -> "GunicornServer":
        RESULTS.mkdir(exist_ok=True)
        command = [
            sys.executable, "-m", "gunicorn", "portal.wsgi:application",
            "--bind", f"{HOST}:{self.port}",
            "--workers", str(self.workers),
            "--worker-class", "sync",
            "--log-level", "warning",
            "--error-logfile", str(self.log_path),
        ]  # fmt: skip
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log_file, stderr=subprocess.STDOUT
            )
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.start_timeout
        last_error = ""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"gunicorn exited ({self.process.returncode}); see {self.log_path}"
                )
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=2) as response:  # noqa: S310
                    body = json.loads(response.read())
                if body.get("status") == "ok":
                    return
                last_error = str(body)
            except (OSError, ValueError) as exc:
                last_error = str(exc)
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise BenchError(f"/healthz did not answer ok within {self.start_timeout} s: {last_error}")

    def __exit__(self, *exc_info: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _say(message: str) -> None:
    # Flushed, so that progress shows while wrk runs even when output is piped.
    print(message, flush=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# Client side --------------------------------------------------------------------


def _headers(target: Target) -> dict[str, str]:
    headers = dict(target.headers)
    cookie = target.cookie() if callable(target.cookie) else target.cookie
    if cookie:
        headers["Cookie"] = cookie
    return headers


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _require_ok(url: str, headers: Mapping[str, str], name: str) -> None:
    """Refuse to measure a page that redirects or fails: wrk would happily time the error."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers=dict(headers))  # noqa: S310
    try:
        with opener.open(request, timeout=10) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        hint = " (a login page? check the cookie)" if 300 <= status < 400 else ""
        raise BenchError(f"{name}: {url} answered {status}, not 200{hint}.")


def _wrk(
    url: str,
    headers: Mapping[str, str],
    *,
    connections: int,
    duration: int,
    threads: int,
    lua: str = _WRK_REPORT_LUA,
    lua_args: Sequence[str] = (),
) -> dict[str, int]:
    """Run wrk against `url` with a Lua script that prints its figures as BENCH-JSON."""
    if urlsplit(url).hostname != HOST:
        raise BenchError(f"The harness only loads {HOST}, not {url}.")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    command = [
        WRK,
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={duration}s",
        "--timeout=5s",
        f"--script={script.name}",
    ]
    for key, value in headers.items():
        command += ["--header", f"{key}: {value}"]
    command.append(url)
    if lua_args:
        command += ["--", *lua_args]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + 60, check=False
        )
    finally:
        os.unlink(script.name)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            return dict(json.loads(line.removeprefix("BENCH-JSON ")))
    raise BenchError(f"wrk gave no figures for {url}:\n{done.stdout}\n{done.stderr}")


def session_cookie(username: str, *, session: Mapping[str, object] | None = None) -> str:
    """Log `username` in on the benchmark database; return a Cookie header value.

    Call it from a Target's `cookie` function (after seeding). `session` adds keys,
    e.g. ``{"otp_device_id": device.persistent_id}`` for a page behind TOTP.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.sessions import STARTED_AT

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    store = client.session
    store[STARTED_AT] = time.time()
    for key, value in (session or {}).items():
        store[key] = value
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def machine_description() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = os.cpu_count() or 0
    return f"{cores} cores{f' ({model})' if model else ''}, Python {platform.python_version()}"
