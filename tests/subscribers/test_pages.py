"""Every page: the side panel is there, and another account's ids answer 404."""

from datetime import date

import pytest
from django.utils import timezone
from django.utils.html import escape

from subscribers.demo import load as load_demo
from subscribers.models import (
    ActiveService,
    Case,
    Contract,
    Invoice,
    Order,
    Service,
    SubscriberAccount,
)

from .conftest import login_as, make_invoice

pytestmark = pytest.mark.django_db

PAGES = [
    "/abonent/",
    "/abonent/dane/",
    "/abonent/dane/adres/",
    "/abonent/platnosci/",
    "/abonent/platnosci/forma/",
    "/abonent/taryfa/",
    "/abonent/taryfa/ciebie-70/",
    "/abonent/uslugi/",
    "/abonent/uslugi/trzy-i-ja/",
    "/abonent/uslugi/trzy-i-ja/wlacz/",
    "/abonent/bok/",
    "/abonent/bok/nowe/",
    "/abonent/bok/nowe/?rodzaj=reklamacja",
    "/abonent/bok/nowe/?rodzaj=reklamacja&typ=faktura",
    "/abonent/bok/nowe/?rodzaj=zlecenie&typ=biling",
    "/abonent/profit/",
    "/abonent/kod/",
]


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    load_demo()
    return SubscriberAccount.objects.get(kind="individual")


def test_it_shows_the_side_panel_on_every_page(alice_account):
    client = login_as(alice_account, code=True)
    make_invoice(alice_account, date(2026, 10, 1), [("subscription", "tariff:a", "49.99")])
    for url in PAGES:
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert 'class="sub-panel"' in html, url
        assert "601 000 001" in html and alice_account.number in html, url
        assert "<meter" in html and "49,99\u00a0zł" in html, url


def test_it_shows_the_demo_pages_with_their_data(demo):
    client = login_as(demo, code=True)
    invoice = demo.invoices.order_by("-period_start").first()
    pages = [p.replace("trzy-i-ja/wlacz", "roaming/wlacz") for p in PAGES]
    for url in [
        *pages,
        f"/abonent/platnosci/faktury/{invoice.pk}/",
        "/abonent/uslugi/trzy-i-ja/numery/",
    ]:
        assert client.get(url).status_code == 200, url


def test_it_lets_a_business_switch_numbers_in_the_panel(bob_account):
    client = login_as(bob_account)
    third = bob_account.contracts.order_by("msisdn")[2]
    html = client.get("/abonent/").content.decode()
    assert html.count('action="/abonent/numer/') == 2
    client.post(f"/abonent/numer/{third.pk}/", {"next": "/abonent/uslugi/"})
    assert "602 000 003" in client.get("/abonent/").content.decode().split("<summary>")[1][:200]


def test_it_keeps_an_individual_on_the_number_logged_in(alice_account):
    client = login_as(alice_account)
    second = alice_account.contracts.order_by("msisdn")[1]
    assert 'action="/abonent/numer/' not in client.get("/abonent/").content.decode()
    assert client.post(f"/abonent/numer/{second.pk}/").status_code == 404


def test_it_answers_404_for_every_id_of_another_account(alice_account, charlie_account):
    charlie_contract = charlie_account.contracts.get()
    invoice = Invoice.objects.get(account=charlie_account)
    order = Order.objects.create(
        account=charlie_account, kind=Order.Kind.PAYMENT_FORM, summary="x",
        details={"to": "paper"},
    )  # fmt: skip
    case = Case.objects.create(
        account=charlie_account, contract=charlie_contract, number="RK/2026/999999",
        category="reklamacja", type_code="faktura", type_label="x", description="x",
        filed_at="2026-11-01T10:00:00+01:00", receipt_pdf=b"%PDF",
    )  # fmt: skip
    client = login_as(alice_account, code=True)
    gets = [
        f"/abonent/platnosci/faktury/{invoice.pk}/",
        f"/abonent/platnosci/faktury/{invoice.pk}/pdf/",
        f"/abonent/platnosci/forma/{order.pk}/",
        f"/abonent/platnosci/forma/{order.pk}/pdf/",
        f"/abonent/bok/{case.pk}/",
        f"/abonent/bok/{case.pk}/potwierdzenie/",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        f"/abonent/numer/{charlie_contract.pk}/",
        f"/abonent/platnosci/faktury/{invoice.pk}/zaplac/",
        f"/abonent/bok/{case.pk}/ponownie/",
        f"/abonent/bok/{case.pk}/",
    ]
    for url in posts:
        assert client.post(url, {"method": "blik", "addition": "x"}).status_code == 404, url
    # A business tariff is not offered to an individual either.
    assert client.get("/abonent/taryfa/firma-60/").status_code == 404


def test_it_refuses_wrong_methods(alice_account):
    client = login_as(alice_account, code=True)
    assert client.get("/abonent/wyloguj/").status_code == 405
    assert client.get(f"/abonent/numer/{alice_account.contracts.first().pk}/").status_code == 405
    assert client.post("/abonent/platnosci/").status_code == 405
    assert client.delete("/abonent/dane/adres/").status_code == 405


def test_it_logs_out(alice_account):
    client = login_as(alice_account)
    assert client.post("/abonent/wyloguj/")["Location"] == "/abonent/logowanie/"
    assert client.get("/abonent/").status_code == 302


def test_it_never_shows_a_contract_of_another_account_in_the_panel(alice_account, bob_account):
    client = login_as(alice_account)
    session = client.session
    session["_sub_contract"] = Contract.objects.filter(account=bob_account).first().pk
    session.save()
    html = client.get("/abonent/").content.decode()
    assert "602 000" not in html and "601 000 001" in html


def test_it_lists_the_number_s_active_services_on_the_main_page(alice_account):  # type: ignore[no-untyped-def]
    first, second = alice_account.contracts.order_by("pk")
    services = list(Service.objects.order_by("name")[:3])
    today = timezone.localdate()
    for service in reversed(services[:2]):
        ActiveService.objects.create(contract=first, service=service, active_from=today)
    ActiveService.objects.create(
        contract=first, service=services[2], active_from=today, active_until=today
    )
    ActiveService.objects.create(contract=second, service=services[2], active_from=today)

    html = login_as(alice_account).get("/abonent/").content.decode()

    assert (
        f"<p>{escape(services[0].name)}, {escape(services[1].name)}</p>" in html
    )  # alphabetical, ended left out
    assert escape(services[2].name) not in html.split("Usługi</a></h2>")[1].split("</li>")[0]
    other = login_as(alice_account, contract=second).get("/abonent/").content.decode()
    assert f"<p>{escape(services[2].name)}</p>" in other
