"""Paid offers to e-mailed encrypted policies, end to end, with a real Celery worker.

    .venv/bin/python bench/policies.py [--offers 200] [--events both|intent] [--keep-db]

Seeds N sent FM_T offers whose clients have started a BLIK payment (sandbox),
then starts gunicorn (2 sync workers), a real `celery worker` (prefork,
concurrency 2, the portal's app with timing hooks: `bench.worker`) on Redis
database 9, and an aiosmtpd server on 127.0.0.1 that receives the e-mail.
It delivers the success webhooks over HTTP as fast as 8 client threads can
(by default both events Stripe sends for a Checkout payment:
`checkout.session.completed`, then `payment_intent.succeeded`, which must
change nothing), and measures the time until all N policies exist and all N
policy e-mails are SENT in the outbox; then checks that the SMTP server got
them and that a policy PDF opens with the PESEL and not without it.
"""

import argparse
import email
import http.client
import io
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_policies"
)
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
os.environ.setdefault("MEDIA_ROOT", str(Path(__file__).resolve().parent / "results" / "media"))

from bench.harness import (  # noqa: E402
    HOST,
    RESULTS,
    ROOT,
    BenchError,
    GunicornServer,
    _free_port,
    machine_description,
    server_environment,
    setup_django,
)

TARGET_PER_S = 8.0
CLIENT_THREADS = 8
POLL_SECONDS = 0.1


class Mailbox:
    """aiosmtpd on 127.0.0.1: keeps every message's raw bytes, parses them afterwards."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.lock = threading.Lock()
        self.port = _free_port()
        self.controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.messages.append(bytes(envelope.original_content or envelope.content))
        return "250 OK"

    def __enter__(self) -> "Mailbox":
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname=HOST, port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.controller.stop()


class Worker:
    """`celery -A bench.worker worker` (prefork, concurrency 2), stopped on exit."""

    def __init__(self, env: dict[str, str], *, concurrency: int = 2) -> None:
        self.env = env
        self.concurrency = concurrency
        self.log_path = RESULTS / "celery.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Worker":
        import redis

        from bench.worker import READY

        broker = redis.Redis.from_url(self.env["REDIS_URL"])
        broker.delete(READY)
        command = [
            sys.executable, "-m", "celery", "-A", "bench.worker", "worker",
            "--pool", "prefork", "--concurrency", str(self.concurrency),
            "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--hostname", f"bench-policies-{os.getpid()}@%h",
        ]  # fmt: skip
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log_file, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while not broker.exists(READY):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise BenchError(f"the Celery worker did not start; see {self.log_path}")
            time.sleep(0.2)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # warm shutdown: finish, then exit
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _deliver(port: int, bodies: list[tuple[bytes, str]], path: str) -> list[int]:
    """POST every signed body once, from CLIENT_THREADS threads; return the statuses."""
    local = threading.local()

    def post(item: tuple[bytes, str]) -> int:
        body, signature = item
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection(HOST, port, timeout=10)
        headers = {"Content-Type": "application/json", "Stripe-Signature": signature}
        try:
            local.conn.request("POST", path, body=body, headers=headers)
            response = local.conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            local.conn.close()
            local.conn = http.client.HTTPConnection(HOST, port, timeout=10)
            local.conn.request("POST", path, body=body, headers=headers)
            response = local.conn.getresponse()
            response.read()
        if response.getheader("Connection", "").lower() == "close":
            local.conn.close()
            del local.conn
        return response.status

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        return list(pool.map(post, bodies))


def _progress(offer_ids: list[int]) -> tuple[int, int]:
    """(policies issued, policy e-mails SENT) for the seeded offers."""
    from notifications.models import OutboxMessage
    from offers.evidence import Policy

    policies = Policy.objects.filter(offer_id__in=offer_ids).count()
    sent = (
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.SENT,
            topic__in=[f"offer:{pk}" for pk in offer_ids],
            attachments__filename__startswith="Polisa_",
        )
        .distinct()
        .count()
    )
    return policies, sent


def _timings(redis_url: str) -> dict[str, list[float]]:
    import redis

    from bench.worker import TIMINGS

    rows = redis.Redis.from_url(redis_url).lrange(TIMINGS, 0, -1)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        item = json.loads(row)
        by_kind[item["kind"]].append(item["s"])
    return by_kind


def _check_mail(mailbox: Mailbox, count: int, pesel: str) -> dict[str, Any]:
    """The SMTP server got every policy; one PDF opens with the PESEL and not without."""
    from pypdf import PdfReader

    policies = []
    for raw in mailbox.messages:
        message = email.message_from_bytes(raw)
        for part in message.walk():
            if (part.get_filename() or "").startswith("Polisa_"):
                policies.append(part.get_payload(decode=True))
    result: dict[str, Any] = {
        "smtp_messages": len(mailbox.messages),
        "smtp_policies": len(policies),
    }
    if policies:
        reader = PdfReader(io.BytesIO(policies[0]))
        result["encrypted"] = reader.is_encrypted
        result["opens_without_password"] = bool(reader.decrypt(""))
        reader = PdfReader(io.BytesIO(policies[0]))
        result["opens_with_pesel"] = bool(reader.decrypt(pesel))
    result["ok"] = (
        len(policies) == count
        and result.get("encrypted")
        and not result.get("opens_without_password")
        and result.get("opens_with_pesel")
    )
    return result


def _render_alone(offer_id: int, repeat: int = 10) -> dict[str, float]:
    """One policy's PDF rendered and encrypted in this process, with nothing else running.

    Taken right after the run (gunicorn and the worker stopped) on the same
    machine: the worker's figures divided by these say how much of the time
    went to sharing the cores rather than to the PDF itself.
    """
    from notifications.pdf import encrypt_pdf
    from offers import policy as policy_module
    from offers.evidence import Policy

    policy = Policy.objects.select_related("offer__product", "offer__package", "offer__agent").get(
        offer_id=offer_id
    )
    policy_module.policy_pdf(policy)  # first render in a process loads the fonts
    render, encrypt = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        data = policy_module.render_pdf(
            "policy",
            {
                "policy": policy,
                "offer": policy.offer,
                "product": policy.offer.product,
                "package": policy.offer.package,
                "issued": policy.issued_at,
            },
        )
        middle = time.perf_counter()
        encrypt_pdf(data, policy.offer.document_password)
        render.append(middle - start)
        encrypt.append(time.perf_counter() - middle)
    return {
        "render_p50_ms": statistics.median(render) * 1000,
        "encrypt_p50_ms": statistics.median(encrypt) * 1000,
    }


def run(
    *, offers: int, events: str, workers: int, fresh_db: bool, log: Callable[[str], None] = print
) -> dict[str, Any]:
    import redis

    env = server_environment()
    with Mailbox() as mailbox:
        env["EMAIL_URL"] = f"smtp://{HOST}:{mailbox.port}"
        env["CELERY_TASK_ALWAYS_EAGER"] = "0"
        setup_django(env, fresh_db=fresh_db, log=log)
        from django.conf import settings

        from bench import dms

        started = time.monotonic()
        log(f"seeding {offers} offers with pending sandbox payments …")
        pending = [dms.pending_payment(number=n) for n in range(offers)]
        log(f"  seeded in {time.monotonic() - started:.0f} s")
        broker = redis.Redis.from_url(env["REDIS_URL"])
        broker.flushdb()  # the seed's own e-mails (DMS links) were queued: not part of this
        kinds = ("checkout.session.completed", "payment_intent.succeeded")
        kinds = kinds if events == "both" else kinds[1:]
        secret = settings.SANDBOX_WEBHOOK_SECRET
        offer_ids = [p.offer_id for p in pending]
        with GunicornServer(env, workers=workers) as server, Worker(env):
            # Signed just before sending: the tolerance is 300 s.
            bodies = []
            for p in pending:
                for kind in kinds:
                    body = dms.success_event(kind, p)
                    bodies.append((body, dms.sign(body, secret)))
            log(f"delivering {len(bodies)} webhooks for {offers} payments …")
            # Delivered from a thread while this one watches the database, so
            # that the first policy's time is not hidden behind the delivery.
            delivery: dict[str, Any] = {}

            def deliver() -> None:
                delivery["statuses"] = _deliver(server.port, bodies, dms.WEBHOOK_PATH)
                delivery["s"] = time.monotonic() - t0

            sender = threading.Thread(target=deliver, daemon=True)
            t0 = time.monotonic()
            sender.start()
            deadline = t0 + max(120.0, offers)
            policies = sent = 0
            first_policy = None
            while time.monotonic() < deadline:
                policies, sent = _progress(offer_ids)
                if policies and first_policy is None:
                    first_policy = time.monotonic() - t0
                if policies == sent == offers:
                    break
                time.sleep(POLL_SECONDS)
            elapsed = time.monotonic() - t0
            sender.join(timeout=60)
            log(f"  {policies} policies, {sent} e-mails sent after {elapsed:.1f} s")
        mail = _check_mail(mailbox, offers, dms.PESEL)
        alone = _render_alone(offer_ids[0])
        mail = _check_mail(mailbox, offers, dms.PESEL)
    timings = _timings(env["REDIS_URL"])
    broker.flushdb()
    return {
        "date": datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%MZ"),
        "machine": machine_description(),
        "offers": offers,
        "webhooks": len(bodies),
        "events": list(kinds),
        "non_2xx": sum(1 for s in delivery.get("statuses", []) if s != 200),
        "delivered_s": delivery.get("s", float("nan")),
        "first_policy_s": first_policy,
        "elapsed_s": elapsed,
        "policies": policies,
        "sent": sent,
        "per_s": sent / elapsed if elapsed else 0.0,
        "mail": mail,
        "timings": {k: _stats(v) for k, v in sorted(timings.items())},
        "alone": alone,
    }


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "total_s": sum(values),
        "mean_ms": statistics.mean(values) * 1000,
        "p50_ms": statistics.median(values) * 1000,
        "max_ms": max(values) * 1000,
    }


def markdown(result: dict[str, Any]) -> str:
    r = result
    done = r["policies"] == r["sent"] == r["offers"]
    verdict = "met" if done and r["per_s"] >= TARGET_PER_S else "MISSED"
    lines = [
        f"{r['date']} · {r['machine']} · gunicorn 2 sync workers · celery prefork concurrency 2",
        "",
        "| offers | webhooks | all delivered | first policy | all e-mailed | policies/s | target |",
        "|---:|---:|---:|---:|---:|---:|---|",
        f"| {r['offers']} | {r['webhooks']} ({r['non_2xx']} not 200) | {r['delivered_s']:.1f} s "
        f"| {r['first_policy_s'] or 0:.2f} s | {r['elapsed_s']:.1f} s "
        f"| **{r['per_s']:.1f}** | ≥ {TARGET_PER_S:.0f}/s {verdict} |",
        "",
        "| worker step | count | mean ms | p50 ms | max ms | busy s | share of busy |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    tasks_total = sum(t["total_s"] for k, t in r["timings"].items() if k.startswith("task "))
    for kind, t in r["timings"].items():
        share = t["total_s"] / tasks_total if tasks_total else 0
        lines.append(
            f"| {kind} | {t['count']} | {t['mean_ms']:.1f} | {t['p50_ms']:.1f} "
            f"| {t['max_ms']:.0f} | {t['total_s']:.1f} | {share:.0%} |"
        )
    a = r["alone"]
    lines += [
        "",
        f"The same policy PDF in the bench process with nothing of ours running, right after: "
        f"render {a['render_p50_ms']:.0f} ms, encrypt {a['encrypt_p50_ms']:.0f} ms (p50 of 10).",
    ]
    m = r["mail"]
    lines += [
        "",
        f"SMTP received {m['smtp_messages']} messages, {m['smtp_policies']} with a policy PDF; "
        f"encrypted: {m.get('encrypted')}, opens without password: "
        f"{m.get('opens_without_password')}, opens with the PESEL: {m.get('opens_with_pesel')}.",
    ]
    return "\n".join(lines)


def main() -> int:
    from bench.run import arguments

    parser: argparse.ArgumentParser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=200, help="paid offers to turn into policies")
    parser.add_argument(
        "--events",
        choices=("both", "intent"),
        default="both",
        help="both Checkout events per payment (as Stripe sends them) or payment_intent only",
    )
    options = parser.parse_args()
    try:
        result = run(
            offers=options.offers,
            events=options.events,
            workers=options.workers,
            fresh_db=not options.keep_db,
        )
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    text = markdown(result)
    print()
    print(text)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"policies-{result['date'].replace(':', '')}.md"
    path.write_text(f"{text}\n\n```json\n{json.dumps(result, indent=1)}\n```\n")
    print(f"\nsaved to {path}")
    ok = result["policies"] == result["sent"] == result["offers"] and result["mail"]["ok"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
