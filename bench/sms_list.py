"""SMS message list of one agency holding 100,000 messages, against the reference view.

    .venv/bin/python bench/sms_list.py [--duration 3] [--rounds 5] [--keep-db]

Seeds one agency with 100,000 messages over 60 days (every status), logs its
user in and measures the first page of `/sms/wiadomosci/`, page 1000 reached by
its "Następna" cursor (`?po=`), and the first page filtered by status (50 rows
each, no total counted). The query count of the page is constant
(tests/sms/test_view_messages.py asserts it).
"""

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in {None, ""}:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_sms")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")

from bench.harness import Target, session_cookie  # noqa: E402
from bench.run import arguments, report_pages  # noqa: E402

MESSAGES = 100_000
USER = "biuro@bench-agencja.pl"
LIST = "/sms/wiadomosci/"
# Fixed times, so that a page's cursor is known before seeding: message i was
# queued GAP * i before BASE, newest first.
BASE = datetime(2026, 11, 30, 12, tzinfo=UTC)
GAP = timedelta(seconds=50)


def cursor_before(index: int) -> str:
    """The `?po=` of the page whose first row is message `index` (0 is the newest).

    It points at the previous message's time with id 0: only that message holds
    the time, and no id is below 0, so the page starts exactly at `index`.
    """
    micros = (BASE - GAP * (index - 1) - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(
        microseconds=1
    )
    return f"{micros}.0"


def seed() -> None:
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.models import Membership, Organisation, User
    from accounts.roles import Role
    from notifications.sms.models import Agency, Message, Template

    user = User.objects.create_user(username=USER, email=USER)  # logged in by session_cookie
    user.groups.add(Group.objects.get(name=Role.SMS_USER))
    organisation = Organisation.objects.create(
        kind=Organisation.Kind.SMS_AGENCY,
        name="Agencja Bench",
        nip="5260250274",
        address="ul. Polna 1, 00-001 Warszawa",
    )
    Membership.objects.create(organisation=organisation, user=user)
    agency = Agency.objects.create(organisation=organisation, registration_code="SMSBENCH2")
    templates = [
        Template.objects.create(agency=agency, kind="inspection", name=f"Wzór {i}", text="x")
        for i in range(3)
    ]
    statuses = [s for s, _label in Message.Status.choices]
    for start in range(0, MESSAGES, 10_000):
        Message.objects.bulk_create(
            [
                Message(
                    agency=agency,
                    template=templates[i % 3],
                    kind="inspection",
                    recipient=f"+48600{i:06d}",
                    recipient_name=f"Jan Kowalski {i}",
                    sender="Bramka SMS",
                    text=f"Dzien dobry Jan, badanie pojazdu WPI {i} mija 15.01.2027. "
                    "Zapraszamy - tel. +48600100200",
                    parts=1,
                    cost=Decimal("0.29"),
                    status=statuses[i % 5],
                    gateway_id=f"bench-{i}",
                    queued_at=BASE - GAP * i,
                )
                for i in range(start, start + 10_000)
            ],
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE sms_message")


def cookie() -> str:
    return session_cookie(USER)


def main() -> int:
    options = arguments(__doc__.splitlines()[0]).parse_args()
    return report_pages(
        {
            "message list, page 1": Target(LIST, cookie=cookie),
            "message list, page 1000": Target(
                LIST + f"?po={cursor_before(999 * 50)}", cookie=cookie
            ),
            "message list, delivered": Target(LIST + "?status=delivered", cookie=cookie),
        },
        options,
        "sms_list",
        seed=seed,
    )


if __name__ == "__main__":
    sys.exit(main())
