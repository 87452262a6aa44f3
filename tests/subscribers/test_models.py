from datetime import date

import pytest
from django.core.management import call_command

from subscribers.demo import load as load_demo
from subscribers.models import (
    Contract,
    Invoice,
    ProfitTransaction,
    SubscriberAccount,
    add_months,
)

pytestmark = pytest.mark.django_db


def test_it_loads_demo_subscribers_once_whatever_the_runs(capsys):
    call_command("demo_data")
    call_command("demo_data")
    individual = SubscriberAccount.objects.get(kind="individual")
    business = SubscriberAccount.objects.get(kind="business")
    assert individual.contracts.count() == 2
    assert business.contracts.count() == 5
    assert Invoice.objects.filter(account=individual).count() == 13
    assert ProfitTransaction.objects.filter(account=individual).exists()
    out = capsys.readouterr().out
    assert "601100200" in out and "A1B2C3" in out and "602200304" in out


def test_it_stores_subscriber_codes_hashed():
    load_demo()
    account = SubscriberAccount.objects.get(kind="individual")
    contract = Contract.objects.get(msisdn="48601100200")
    assert "A1B2C3" not in account.code_hash and account.check_code("A1B2C3")
    assert "4K7Q2Z" not in contract.code_hash and contract.check_code("4K7Q2Z")
    assert not contract.check_code("A1B2C3")


def test_it_adds_months_clamped_to_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2026, 12, 14), date(2026, 11, 15), date(2026, 12, 14)),
        (date(2026, 12, 15), date(2026, 12, 15), date(2027, 1, 14)),
        (date(2027, 1, 1), date(2026, 12, 15), date(2027, 1, 14)),
    ],
)
def test_it_finds_the_billing_period_of_a_day(day, start, end):
    account = SubscriberAccount(billing_day=15)
    assert account.period_containing(day) == (start, end)


def test_it_shows_every_subscriber_model_in_the_admin(staff_client):
    call_command("demo_data")
    client = staff_client
    for model in (
        "subscriberaccount", "contract", "invoice", "tariffplan", "service",
        "order", "case", "profittransaction",
    ):  # fmt: skip
        response = client.get(f"/admin/subscribers/{model}/")
        assert response.status_code == 200, model
    account = SubscriberAccount.objects.get(kind="business")
    page = client.get(f"/admin/subscribers/subscriberaccount/{account.pk}/change/")
    assert page.status_code == 200
    assert "code_hash" not in page.content.decode()


def test_it_refuses_an_invalid_nip_on_an_account(catalogue):
    from django.core.exceptions import ValidationError

    from .conftest import make_account

    account = make_account("nip-sub", numbers=("48604000001",))
    account.nip = "1234567890"
    with pytest.raises(ValidationError) as refused:
        account.full_clean()
    assert "Nieprawidłowy NIP" in str(refused.value.message_dict["nip"])
    account.nip = "5260250274"
    account.full_clean()
