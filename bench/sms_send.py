"""Preparing and queuing 10,000 reminders, then handing them to the in-memory gateway.

    .venv/bin/python bench/sms_send.py [--messages 10000] [--rounds 3]

1. Seeds one agency with N insured persons (consent given), each with a vehicle
   due for inspection within 14 days, and an inspection template with fields.
2. Times, in this process, what one "send to everyone the type matches" does:
   finding the targets, filling and transliterating each text, counting its
   parts, one ledger debit under the agency's row lock, writing the N message
   rows and publishing their delivery tasks to Redis (batches of 200). The
   messages are removed between rounds.
3. Starts a real Celery worker (prefork, 2 processes, SMS_GATEWAY=memory) and
   times from publishing the last round's N messages to all of them "sent".

Targets: step 2 under 3 s, step 3 at least 500 messages per second.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __package__ in {None, ""}:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_sms_send"
)
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")

from bench.harness import (  # noqa: E402
    RESULTS,
    ROOT,
    machine_description,
    server_environment,
    setup_django,
)

PREPARE_TARGET_S = 3.0
DELIVERY_TARGET_PER_S = 500.0


def _log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def seed(count: int) -> tuple[int, int]:
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import Organisation
    from notifications.sms import services
    from notifications.sms.models import Agency, InsuredPerson, Template, Vehicle

    organisation = Organisation.objects.create(
        kind=Organisation.Kind.SMS_AGENCY,
        name="Agencja Bench",
        nip="5260250274",
        address="ul. Polna 1, 00-001 Warszawa",
    )
    # Open all day: the figures must not depend on the hour the benchmark runs at.
    agency = Agency.objects.create(
        organisation=organisation,
        registration_code="SMSBENCH3",
        window_start=0,
        window_end=24,
        agent_phone="+48600100200",
    )
    services.sms_balance_credit(agency=agency, amount=Decimal("100000"), reason="bench")
    template = Template.objects.create(
        agency=agency,
        kind="inspection",
        name="Badanie",
        text="Dzien dobry {imie} {nazwisko}! Badanie techniczne pojazdu {rejestracja} "
        "mija {data_badania}. Zapraszamy - tel. {telefon_agenta}",
    )
    persons = InsuredPerson.objects.bulk_create(
        [
            InsuredPerson(
                agency=agency,
                first_name=["Łukasz", "Żaneta", "Anna"][i % 3],
                last_name=["Wójcik", "Żółć", "Nowak"][i % 3],
                phone=f"+48600{i:06d}",
                marketing_consent=True,
                consent_at=timezone.now(),
                consent_source="form",
            )
            for i in range(count)
        ],
        batch_size=5000,
    )
    today = timezone.localdate()
    Vehicle.objects.bulk_create(
        [
            Vehicle(
                agency=agency,
                person=p,
                registration=f"WPI {i:05d}",
                inspection_date=today + timedelta(days=1 + i % 13),
            )
            for i, p in enumerate(persons)
        ],
        batch_size=5000,
    )
    return agency.pk, template.pk


def prepare_and_queue(agency_id: int, template_id: int) -> tuple[float, list[int]]:
    from django.db import transaction
    from django.utils import timezone

    from notifications.sms import selectors, services
    from notifications.sms.models import Agency, Template

    started = time.perf_counter()
    with transaction.atomic():
        agency = Agency.objects.get(pk=agency_id)
        template = Template.objects.get(pk=template_id)
        today = timezone.localdate()
        targets = selectors.targets_matching(agency, template.kind, today)
        preview = services.send_prepare(agency=agency, template=template, targets=targets, on=today)
        messages = services.sms_send(agency=agency, preview=preview)
    elapsed = time.perf_counter() - started
    return elapsed, [m.pk for m in messages]


def clear_messages() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE sms_deliveryevent, sms_message")


def deliver_with_worker(env: dict[str, str], ids: list[int]) -> float:
    import redis

    from notifications.sms.models import Message
    from notifications.sms.services import _queue_delivery

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()  # the rounds' tasks, not this one's
    worker_env = {**env, "SMS_GATEWAY": "memory", "LOG_LEVEL": "WARNING"}
    log = (RESULTS / "sms-worker.log").open("w")
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "portal",
            "worker",
            "-c",
            "2",
            "-P",
            "prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=worker_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(6)  # let both children start and import Django before the clock runs
        started = time.perf_counter()
        _queue_delivery(ids)
        while Message.objects.filter(pk__in=ids, status="sent").count() < len(ids):
            if worker.poll() is not None:
                raise RuntimeError("the worker stopped; see bench/results/sms-worker.log")
            if time.perf_counter() - started > 300:
                raise RuntimeError("not all messages were sent within 300 s")
            time.sleep(0.05)
        return time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    env = server_environment()
    setup_django(env, fresh_db=True, log=_log)
    _log(f"seeding {options.messages} insured persons with vehicles …")
    agency_id, template_id = seed(options.messages)
    timings, ids = [], []
    for number in range(options.rounds):
        if ids:
            clear_messages()
        elapsed, ids = prepare_and_queue(agency_id, template_id)
        assert len(ids) == options.messages, len(ids)
        timings.append(elapsed)
        _log(f"round {number + 1}: prepared and queued {len(ids)} in {elapsed:.2f} s")
    delivery = deliver_with_worker(env, ids)
    per_s = len(ids) / delivery
    lines = [
        machine_description(),
        "",
        "| step | figure | target |",
        "|---|---:|---:|",
        f"| prepare and queue {len(ids):,} reminders (median of {options.rounds}; "
        f"min–max {min(timings):.2f}–{max(timings):.2f} s) | {statistics.median(timings):.2f} s "
        f"| < {PREPARE_TARGET_S:.0f} s |",
        f"| hand {len(ids):,} to the in-memory gateway, 2 worker processes "
        f"({delivery:.2f} s) | {per_s:,.0f} msg/s | ≥ {DELIVERY_TARGET_PER_S:.0f} msg/s |",
    ]
    report = "\n".join(lines)
    print(report)
    stamp = time.strftime("%Y-%m-%dT%H%MZ", time.gmtime())
    (RESULTS / f"sms_send-{stamp}.md").write_text(report + "\n")
    ok = statistics.median(timings) < PREPARE_TARGET_S and per_s >= DELIVERY_TARGET_PER_S
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
