"""Subscriber self-service: the main page, and the median time of an invoice PDF.

    .venv/bin/python bench/subscribers.py [--duration 3] [--connections 20] [--rounds 5] [--keep-db]

Targets (2 cores): the main page (`/abonent/`, side panel and all) reaches at
least 0.1 of the reference's requests per second; a two-page itemised invoice
renders in under 150 ms median. The account holds 36 invoices, every service
and 500 Profit transactions: the page's queries do not grow with them.
"""

import statistics
import sys
import time
from pathlib import Path

if __package__ in {None, ""}:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Target, session_cookie  # noqa: E402
from bench.run import arguments, report_pages  # noqa: E402

USERNAME = "bench-abonent"
PDF_RUNS = 30


def seed() -> None:
    """A business account with five numbers, 36 invoices of ~60 lines, services, points."""
    from datetime import date, datetime, timedelta
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from subscribers.billing import net_of
    from subscribers.demo import load_catalogue
    from subscribers.models import (
        ActiveService,
        Contract,
        Invoice,
        InvoiceItem,
        PeriodUsage,
        ProfitTransaction,
        Service,
        SubscriberAccount,
        TariffPlan,
        add_months,
    )

    load_catalogue()
    user, _ = User.objects.get_or_create(username=USERNAME)
    user.groups.add(Group.objects.get(name=Role.SUBSCRIBER))
    if SubscriberAccount.objects.filter(user=user).exists():
        return
    account = SubscriberAccount.objects.create(
        number="7.00000001", kind="business", name="Firma Benchmark sp. z o.o.",
        email="bench@example.com", street="ul. Długa 1", postal_code="80-827", city="Gdańsk",
        user=user, billing_day=1, profit_joined_at=timezone.now(),
    )  # fmt: skip
    tariff = TariffPlan.objects.get(code="firma-60")
    contracts = [
        Contract.objects.create(
            account=account, msisdn=f"4860990000{i}", tariff=tariff, signed_on=date(2015, 1, 1)
        )
        for i in range(5)
    ]
    start, _end = account.period_containing(timezone.localdate())
    for contract in contracts:
        PeriodUsage.objects.create(
            contract=contract, period_start=start, minutes_used=321, sms_used=45, data_mb_used=9000
        )
    for service in Service.objects.all():
        ActiveService.objects.create(contract=contracts[0], service=service, active_from=start)
    for month in range(1, 37):
        period_start = add_months(start, -month)
        period_end = add_months(period_start, 1) - timedelta(days=1)
        invoice = Invoice.objects.create(
            account=account, number=f"F/B/{period_start:%Y/%m}", period_start=period_start,
            period_end=period_end, issued_on=period_end + timedelta(days=1),
            due_on=period_end + timedelta(days=15), net_total=0, vat_total=0,
            gross_total=Decimal("0"), address="\n".join(account.address_lines),
        )  # fmt: skip
        items = []
        for contract in contracts:
            for line in range(12):
                gross = Decimal("1.00") + line
                net = net_of(gross)
                items.append(InvoiceItem(
                    invoice=invoice, contract=contract, kind="usage", key=f"usage:{line}",
                    description=f"Połączenia do sieci {line}", net=net, vat=gross - net,
                    gross=gross,
                ))  # fmt: skip
        InvoiceItem.objects.bulk_create(items)
        total = sum((i.gross for i in items), Decimal("0"))
        Invoice.objects.filter(pk=invoice.pk).update(
            gross_total=total, net_total=net_of(total), vat_total=total - net_of(total)
        )
    warsaw = ZoneInfo("Europe/Warsaw")
    ProfitTransaction.objects.bulk_create(
        ProfitTransaction(
            account=account,
            kind="earned",
            points=10,
            description="Faktura",
            occurred_at=datetime(2024, 1, 1, tzinfo=warsaw) + timedelta(days=i),
            expires_on=date(2027, 6, 1),
        )  # fmt: skip
        for i in range(500)
    )


def subscriber_cookie() -> str:
    from django_otp import DEVICE_ID_SESSION_KEY

    from subscribers import auth
    from subscribers.models import Contract, SmsDevice

    contract = Contract.objects.filter(account__user__username=USERNAME).order_by("msisdn")[0]
    device, _created = SmsDevice.objects.get_or_create(
        msisdn=contract.msisdn,
        defaults={"user": contract.account.user, "name": "SMS", "confirmed": True},
    )
    login = {"contract": contract.pk}
    return session_cookie(
        USERNAME,
        session={
            DEVICE_ID_SESSION_KEY: device.persistent_id,
            auth.SESSION_LOGIN: login,
            auth.SESSION_CONTRACT: contract.pk,
            auth.SESSION_CODE: {"account": False, "contracts": []},
        },
    )


def pdf_median() -> str:
    import io

    from pypdf import PdfReader

    from subscribers.billing import invoice_pdf
    from subscribers.models import Invoice

    invoice = (
        Invoice.objects.filter(account__user__username=USERNAME).order_by("-period_start").first()
    )
    pages = len(PdfReader(io.BytesIO(invoice_pdf(invoice))).pages)  # also warms fonts
    timings = []
    for _ in range(PDF_RUNS):
        started = time.perf_counter()
        invoice_pdf(invoice)
        timings.append((time.perf_counter() - started) * 1000)
    return (
        f"invoice PDF ({pages} pages, {invoice.items.count()} lines): median "
        f"{statistics.median(timings):.1f} ms over {PDF_RUNS} renders (WeasyPrint)"
    )


def main() -> int:
    options = arguments(__doc__.splitlines()[0]).parse_args()
    return report_pages(
        {
            "subscriber main page": Target("/abonent/", cookie=subscriber_cookie),
            "subscriber invoices (12 months)": Target(
                "/abonent/platnosci/", cookie=subscriber_cookie
            ),
        },
        options,
        "subscribers",
        seed=seed,
        after=pdf_median,
    )


if __name__ == "__main__":
    sys.exit(main())
