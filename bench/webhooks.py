"""Webhook acknowledgement: signed payment events against the reference, interleaved.

    .venv/bin/python bench/webhooks.py [--duration 3] [--rounds 5] [--connections 20]
                                       [--latency-connections 2] [--keep-db]

Every request is a correctly signed `payment_intent.succeeded` or
`checkout.session.completed` with its own event id, for one of the seeded
pending payments, so each one is verified, stored, queued and answered: the
whole acknowledgement. wrk's Lua has no HMAC, so before each slice this
process signs enough events (a little more than the reference managed in a
slice) into a file that wrk's script reads in `init`; a request beyond the
file would be a replay, and is counted as such. No Celery worker runs: the
tasks pile up in Redis (database 8), which is counted and emptied afterwards.

Two concurrency levels: `--latency-connections` (default 2, one request per
gunicorn worker: latency is the endpoint's own) and `--connections` (default
20: the saturated rate, where latency is mostly waiting in the listen queue).
"""

import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Our own database, Redis database and media directory, so that a run never
# touches `portal_bench` (the harness default) or the tree's var/media.
os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_webhooks"
)
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
os.environ.setdefault("MEDIA_ROOT", str(Path(__file__).resolve().parent / "results" / "media"))

# The harness's private slice runner, summary and parser too: the same ratio
# method as every other figure in bench/README.md.
from bench.harness import (  # noqa: E402
    REFERENCE_NAME,
    REFERENCE_PATH,
    BenchError,
    GunicornServer,
    Measurement,
    Report,
    _measurement,
    _summarise,
    _wrk,
    machine_description,
    server_environment,
    setup_django,
)
from bench.run import arguments  # noqa: E402

PAYMENTS = 20
BODIES_MIN = 2_000
BODIES_MAX = 60_000

# Reads "signature<TAB>body" lines once per thread, then hands out one
# pre-formatted POST per request. `done` prints exact microseconds, as the
# harness's hook does, plus how many requests were made (replays = sent - lines).
_SIGNED_LUA = """
local requests = {}
local lines = 0
sent = 0

init = function(args)
  for line in io.lines(args[1]) do
    local tab = line:find("\\t", 1, true)
    lines = lines + 1
    requests[lines] = wrk.format("POST", nil, {
      ["Content-Type"] = "application/json",
      ["Stripe-Signature"] = line:sub(1, tab - 1),
    }, line:sub(tab + 1))
  end
end

request = function()
  sent = sent + 1
  return requests[(sent - 1) % lines + 1]
end

local threads = {}
setup = function(thread) table.insert(threads, thread) end

done = function(summary, latency, requests_)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("sent") end
  local e = summary.errors
  io.write(string.format(
    '\\nBENCH-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, '
    .. '"p99_us": %d, "max_us": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d, "sent": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout, total))
end
"""


_pending: list[Any] = []  # bench.dms.Pending, filled by seed()


def seed() -> None:
    from bench import dms

    _pending[:] = [dms.pending_payment(number=n) for n in range(PAYMENTS)]


def _signed_file(event_type: str, count: int) -> str:
    from django.conf import settings

    from bench import dms

    secret = settings.SANDBOX_WEBHOOK_SECRET
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as out:
        for i in range(count):
            body = dms.success_event(event_type, _pending[i % len(_pending)])
            out.write(f"{dms.sign(body, secret)}\t{body.decode()}\n")
    return out.name


def _wrk_signed(url: str, lines: str, *, connections: int, duration: int) -> dict[str, int]:
    """wrk posting the signed events of `lines`, one per request."""
    return _wrk(
        url, {}, connections=connections, duration=duration, threads=1,
        lua=_SIGNED_LUA, lua_args=[lines],
    )  # fmt: skip


def _post(url: str, body: bytes, signature: str) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310 (127.0.0.1, checked by the harness)
        url,
        data=body,
        headers={"Content-Type": "application/json", "Stripe-Signature": signature},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _check_endpoint(server: GunicornServer) -> None:
    """One good event must be acknowledged, and a wrong signature refused, before timing."""
    from django.conf import settings

    from bench import dms

    url = server.url(dms.WEBHOOK_PATH)
    body = dms.success_event(dms.EVENT_TYPES[0], _pending[0])
    status, text = _post(url, body, dms.sign(body, settings.SANDBOX_WEBHOOK_SECRET))
    if (status, text) != (200, "ok"):
        raise BenchError(f"a signed event answered {status} {text!r}, not 200 'ok'.")
    status, _ = _post(url, body, dms.sign(body, "whsec_wrong"))
    if status != 400:
        raise BenchError(f"a wrongly signed event answered {status}, not 400.")


def _measure_level(
    server: GunicornServer,
    *,
    connections: int,
    duration: int,
    rounds: int,
    log: Callable[[str], None],
) -> tuple[list[Measurement], int]:
    """Reference, then per round each event type followed by the reference. Returns replays."""
    from bench import dms

    order = [(0, REFERENCE_NAME)]
    for number in range(1, rounds + 1):
        for event_type in dms.EVENT_TYPES:
            order += [(number, event_type), (number, REFERENCE_NAME)]
    measurements: list[Measurement] = []
    replays = 0
    reference_rps = 0.0
    for sequence, (number, name) in enumerate(order):
        if name == REFERENCE_NAME:
            url = server.url(REFERENCE_PATH)
            raw = _wrk(url, {}, connections=connections, duration=duration, threads=1)
        else:
            # The reference is the ceiling: the webhook cannot outrun it.
            count = int(min(BODIES_MAX, max(BODIES_MIN, reference_rps * duration * 1.3)))
            lines = _signed_file(name, count)
            try:
                raw = _wrk_signed(
                    server.url(dms.WEBHOOK_PATH), lines, connections=connections, duration=duration
                )
            finally:
                os.unlink(lines)
            replays += max(0, raw["sent"] - count)
        m = _measurement(name, number, sequence, raw)
        if name == REFERENCE_NAME:
            reference_rps = m.requests_per_s
        log(
            f"{connections:>3} conn round {number}/{rounds} {name:<27} "
            f"{m.requests_per_s:8.1f} req/s  p50 {m.p50_ms:6.1f} ms  p99 {m.p99_ms:6.1f} ms  "
            f"errors {m.errors}"
        )
        measurements.append(m)
    return measurements, replays


def run(
    *,
    duration: int,
    rounds: int,
    connections: int,
    latency_connections: int,
    workers: int,
    fresh_db: bool,
    log: Callable[[str], None] = print,
) -> tuple[list[Report], dict[str, Any]]:
    import redis

    env = server_environment()
    setup_django(env, fresh_db=fresh_db, log=log)
    from bench import dms
    from payments.models import WebhookEvent

    log(f"seeding {PAYMENTS} offers with pending sandbox payments …")
    seed()
    broker = redis.Redis.from_url(env["REDIS_URL"])
    broker.flushdb()  # the seed's own e-mails were queued: not ours to count
    stored_before = WebhookEvent.objects.count()
    reports = []
    replays = 0
    with GunicornServer(env, workers=workers) as server:
        _check_endpoint(server)
        log("warming up …")
        _wrk(server.url(REFERENCE_PATH), {}, connections=connections, duration=1, threads=1)
        for level in dict.fromkeys((latency_connections, connections)):
            measurements, level_replays = _measure_level(
                server, connections=level, duration=duration, rounds=rounds, log=log
            )
            replays += level_replays
            plan = {REFERENCE_NAME: (REFERENCE_PATH, {})}
            plan |= {t: (dms.WEBHOOK_PATH, {}) for t in dms.EVENT_TYPES}
            reports.append(
                Report(
                    results=_summarise(plan, measurements),
                    measurements=measurements,
                    settings={
                        "date": datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%MZ"),
                        "machine": machine_description(),
                        "workers": workers,
                        "connections": level,
                        "duration": duration,
                        "rounds": rounds,
                    },
                )
            )
    slices = [
        (m, r.settings["connections"])
        for r in reports
        for m in r.measurements
        if m.name != REFERENCE_NAME
    ]
    answered = sum(m.requests - m.errors for m, _ in slices)
    # wrk stops counting at the end of a slice while each connection may still
    # have one request in flight, which the server then completes and stores.
    in_flight = sum(connections for _, connections in slices)
    stored = WebhookEvent.objects.count() - stored_before - 1  # less the check's event
    queued = broker.llen("celery") - 1
    broker.flushdb()
    checks = {
        "answered": answered,
        "in_flight": in_flight,
        "stored": stored,
        "queued": queued,
        "replays": replays,
    }
    return reports, checks


def main() -> int:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument(
        "--latency-connections",
        type=int,
        default=2,
        help="connections of the latency level (one per gunicorn worker by default)",
    )
    options = parser.parse_args()
    try:
        reports, checks = run(
            duration=options.duration,
            rounds=options.rounds,
            connections=options.connections,
            latency_connections=options.latency_connections,
            workers=options.workers,
            fresh_db=not options.keep_db,
        )
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    for report in reports:
        print()
        print(report.markdown())
        p99 = max(r.p99_ms for r in report.results if r.name != REFERENCE_NAME)
        verdict = "met" if p99 < 50 else "MISSED"
        print(f"\nwebhook p99 (worst type, median of rounds) {p99:.1f} ms: < 50 ms {verdict}")
        print(f"saved to {report.save(f'webhooks-{report.settings["connections"]}c')}")
    print(
        f"\nevents answered 2xx: {checks['answered']:,}; stored: {checks['stored']:,}; "
        f"tasks queued: {checks['queued']:,}; replays (file exhausted): {checks['replays']:,}"
    )
    kept = checks["answered"] <= checks["stored"] <= checks["answered"] + checks["in_flight"]
    if checks["replays"] == 0 and not (kept and checks["queued"] == checks["stored"]):
        print("bench: an acknowledged event was not stored or not queued", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
