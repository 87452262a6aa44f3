"""Agent's offer list with 5,000 offers, and the median time to render an offer PDF.

    .venv/bin/python bench/offers.py [--duration 3] [--connections 20] [--rounds 5] [--keep-db]

Targets (2 cores): the list at 50 rows per page reaches at least 0.06 of the
reference's requests per second with p99 under 100 ms at 20 connections; an
offer PDF renders in under 120 ms median. Figures go into bench/README.md.
"""

import statistics
import sys
import time
from pathlib import Path

if __package__ in {None, ""}:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Target, session_cookie  # noqa: E402
from bench.run import arguments, report_pages  # noqa: E402

OFFERS = 5_000
LIST = "/agent/oferty/"
PDF_RUNS = 30
PESEL = "85010112345"


def seed() -> None:
    """alice, a confirmed TOTP device, and 5,000 offers across every series and state."""
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.fields import blind_index
    from accounts.models import User
    from accounts.roles import Role
    from offers.models import Offer, Package, payment_deadline_for, protection_end_for

    alice, _ = User.objects.get_or_create(username="alice", defaults={"email": "a@example.com"})
    alice.groups.add(Group.objects.get(name=Role.AGENT))
    TOTPDevice.objects.get_or_create(user=alice, name="bench", defaults={"confirmed": True})
    if Offer.objects.filter(agent=alice).count() >= OFFERS:
        return
    packages = list(Package.objects.select_related("product"))
    states = list(Offer.State.values)
    today = timezone.localdate()
    offers = []
    for i in range(OFFERS):
        package = packages[i % len(packages)]
        start = today + timedelta(days=1 + i % 60)
        offers.append(
            Offer(
                number=500_000_000 + i,
                agent=alice,
                product=package.product,
                package=package,
                premium=Decimal(package.premium),
                issued_on=today,
                protection_start=start,
                protection_end=protection_end_for(start),
                payment_deadline=payment_deadline_for(start),
                holder_kind="person",
                holder_name=f"Klient Testowy {i}",
                holder_pesel=PESEL,
                holder_pesel_index=blind_index(PESEL),
                email=f"klient{i}@example.com",
                email_consent=True,
                state=states[i % len(states)],
            )
        )
    Offer.objects.bulk_create(offers, batch_size=1000)
    # As in production after autovacuum: planner statistics, and a visibility map
    # that lets the list's COUNT(*) read the index alone.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE offers_offer")


def agent_cookie() -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username="alice", name="bench")
    return session_cookie("alice", session={"otp_device_id": device.persistent_id})


def pdf_median_ms() -> float:
    from offers import documents
    from offers.models import Offer

    offer = Offer.objects.select_related("product", "package", "agent").first()
    documents.offer_pdf(offer)  # fonts and templates warm
    timings = []
    for _ in range(PDF_RUNS):
        started = time.perf_counter()
        documents.offer_pdf(offer)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> int:
    options = arguments(__doc__.splitlines()[0]).parse_args()
    return report_pages(
        {
            "offer list, 50 rows": Target(LIST + "?na_stronie=50&strona=7", cookie=agent_cookie),
            "offer list, 100 rows": Target(LIST + "?na_stronie=100&strona=7", cookie=agent_cookie),
            "offer list, search": Target(
                LIST + "?q=Klient+Testowy+12&stan=sent", cookie=agent_cookie
            ),
            "bare 50-row ORM list (yardstick)": "/bench/bare-list",
        },
        options,
        "offers",
        seed=seed,
        after=lambda: (
            f"offer PDF: median {pdf_median_ms():.1f} ms over {PDF_RUNS} renders (WeasyPrint)"
        ),
    )


if __name__ == "__main__":
    sys.exit(main())
