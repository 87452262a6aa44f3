"""Subscribers for the tests: alice (an individual with two numbers), bob (a company
with three), charlie (another individual: the outsider whose ids must answer 404)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from subscribers import auth
from subscribers.billing import net_of
from subscribers.demo import load_catalogue
from subscribers.models import (
    Contract,
    Invoice,
    InvoiceItem,
    PeriodUsage,
    SmsDevice,
    SubscriberAccount,
    TariffPlan,
    add_months,
)
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _fast_hashes(settings):  # type: ignore[no-untyped-def]
    # Subscriber codes are hashed like passwords; the slow hasher adds nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogue(db):  # type: ignore[no-untyped-def]
    load_catalogue()


def make_account(
    username: str,
    *,
    kind: str = "individual",
    numbers: tuple[str, ...] = ("48600000001",),
    code: str = "KONTO1",
    email: str = "",
) -> SubscriberAccount:
    from accounts.roles import Role

    user = make_user(username, Role.SUBSCRIBER)
    account = SubscriberAccount(
        number=f"9.{abs(hash(username)) % 10**8:08d}",
        kind=kind,
        name=f"{username.title()} Testowa",
        email=email or f"{username}@example.com",
        street="ul. Prosta 1",
        postal_code="00-001",
        city="Warszawa",
        user=user,
        billing_day=1,
    )
    account.set_code(code)
    account.save()
    tariff = TariffPlan.objects.filter(segment=kind).order_by("monthly_fee").first()
    for index, msisdn in enumerate(numbers):
        contract = Contract(
            account=account, msisdn=msisdn, tariff=tariff, signed_on=date(2010, 1, 1)
        )
        contract.set_code(f"NUMER{index}")
        contract.save()
    return account


def make_invoice(
    account: SubscriberAccount, period_start: date, lines: list[tuple[str, str, str]]
) -> Invoice:
    """An invoice whose `lines` are (kind, key, gross) on the account's first number."""
    contract = account.contracts.order_by("pk").first()
    end = add_months(period_start, 1) - timedelta(days=1)
    invoice = Invoice.objects.create(
        account=account,
        number=f"F/{account.pk}/{period_start:%Y/%m}",
        period_start=period_start,
        period_end=end,
        issued_on=end + timedelta(days=1),
        due_on=end + timedelta(days=15),
        net_total=0,
        vat_total=0,
        gross_total=0,
        address="\n".join(account.address_lines),
    )
    total = Decimal("0")
    for kind, key, gross in lines:
        amount = Decimal(gross)
        net = net_of(amount)
        InvoiceItem.objects.create(
            invoice=invoice, contract=contract, kind=kind, key=key,
            description=key.split(":")[-1], net=net, vat=amount - net, gross=amount,
        )  # fmt: skip
        total += amount
    invoice.gross_total = total
    invoice.net_total = net_of(total)
    invoice.vat_total = total - invoice.net_total
    invoice.save()
    return invoice


@pytest.fixture
def alice_account(catalogue) -> SubscriberAccount:  # type: ignore[no-untyped-def]
    account = make_account("alice-sub", numbers=("48601000001", "48601000002"), code="ALICE1")
    start, _end = account.period_containing(timezone.localdate())
    for contract in account.contracts.all():
        PeriodUsage.objects.create(
            contract=contract, period_start=start, minutes_used=150, sms_used=30,
            data_mb_used=2048,
        )  # fmt: skip
    return account


@pytest.fixture
def bob_account(catalogue) -> SubscriberAccount:  # type: ignore[no-untyped-def]
    return make_account(
        "bob-firma",
        kind="business",
        numbers=("48602000001", "48602000002", "48602000003"),
        code="FIRMA1",
    )


@pytest.fixture
def charlie_account(catalogue) -> SubscriberAccount:  # type: ignore[no-untyped-def]
    account = make_account("charlie-sub", numbers=("48603000001",), code="CHARL1")
    make_invoice(account, date(2026, 10, 1), [("subscription", "tariff:x", "49.99")])
    return account


def login_as(
    account: SubscriberAccount, *, code: bool = False, contract: Contract | None = None
) -> Client:
    """A browser session past the SMS password (and the subscriber code if `code`)."""
    client = Client()
    contract = contract or account.contracts.order_by("pk").first()
    device, _created = SmsDevice.objects.get_or_create(
        msisdn=contract.msisdn, defaults={"user": account.user, "name": "SMS", "confirmed": True}
    )
    client.force_login(account.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[auth.SESSION_LOGIN] = {"contract": contract.pk}
    session[auth.SESSION_CONTRACT] = contract.pk
    session[auth.SESSION_CODE] = {"account": code, "contracts": []}
    session.save()
    return client
