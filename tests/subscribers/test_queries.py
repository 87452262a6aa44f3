"""The main page and the lists run a fixed number of queries, whatever the account holds."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subscribers.models import ActiveService, ProfitTransaction, Service, add_months

from .conftest import login_as, make_invoice

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")


def grow(account, size: int) -> None:  # type: ignore[no-untyped-def]
    """Add `size` invoices, services and Profit transactions (and cases) to the account."""
    contract = account.contracts.order_by("pk").first()
    start = account.invoices.order_by("period_start").first()
    first = start.period_start if start else date(2026, 11, 1)
    for index in range(1, size + 1):
        make_invoice(account, add_months(first, -index), [("subscription", "tariff:a", "49.99")])
        when = datetime(2026, 1, 1, tzinfo=WARSAW) - timedelta(days=index)
        ProfitTransaction.objects.create(
            account=account, occurred_at=when, kind="earned", points=10, description="x"
        )
    for service in Service.objects.exclude(
        pk__in=ActiveService.objects.filter(contract=contract).values("service")
    )[:size]:
        ActiveService.objects.create(contract=contract, service=service, active_from=first)


def count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/abonent/", "/abonent/platnosci/", "/abonent/uslugi/", "/abonent/profit/"]
)
def test_it_runs_a_constant_number_of_queries(alice_account, url, django_assert_max_num_queries):
    client = login_as(alice_account)
    grow(alice_account, 1)
    small = count(client, url)
    grow(alice_account, 12)
    big = count(client, url)
    assert big == small
    # The user; the numbers with their account, tariffs, side panel and the account's
    # summary in one statement; and the page's own reads.
    with django_assert_max_num_queries(4):
        client.get(url)


def test_it_reads_the_main_page_in_two_queries(alice_account, django_assert_num_queries):
    client = login_as(alice_account)
    grow(alice_account, 12)
    client.get("/abonent/")
    # The user; the numbers with their account, tariffs, panel, summary and services.
    with django_assert_num_queries(2):
        page = client.get("/abonent/")
    assert "do zapłaty" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_it_reads_the_panel_again_on_a_new_database_session(reference_data, alice_account):  # type: ignore[no-untyped-def]
    client = login_as(alice_account)
    first = client.get("/abonent/").content.decode()
    connection.close()  # the next request opens a new session, where nothing is prepared yet
    again = client.get("/abonent/").content.decode()
    assert "601 000 001" in first and "601 000 001" in again
