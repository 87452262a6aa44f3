"""A subscriber logs in with an SMS password, changes the address with the subscriber code,
switches on "Trzy i Ja", downloads an invoice, files a complaint and sees its countdown."""

import re
from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from notifications.models import OutboxMessage
from subscribers import services
from subscribers.demo import load_catalogue
from subscribers.models import ActiveService, Service, SubscriberAccount

from ..subscribers.conftest import make_account, make_invoice
from .harness import MOBILE, assert_no_horizontal_scroll, check_page, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture
def subscriber(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_catalogue()
    account = make_account("anna", numbers=("48601000001", "48601000002"), code="ANNA12")
    make_invoice(account, date(2026, 10, 1), [("subscription", "tariff:ciebie-50", "49.99")])
    make_invoice(
        account,
        date(2026, 11, 1),
        [("subscription", "tariff:ciebie-50", "49.99"), ("usage", "usage:minutes", "3.48")],
    )
    return account


def log_in(page: Page, on_password_step: Callable[[], None] = lambda: None) -> None:
    visit(page, "/abonent/logowanie/")
    page.get_by_label("Numer telefonu").fill("601 000 001")
    page.get_by_role("button", name="Wyślij hasło SMS-em").click()
    page.wait_for_url("**/abonent/logowanie/haslo/")
    on_password_step()
    sms = OutboxMessage.objects.filter(recipient="48601000001").order_by("-pk").first()
    token = re.search(r"\b(\d{6})\b", sms.body_text).group(1)
    page.get_by_label("Hasło tymczasowe z SMS-a").fill(token)
    page.get_by_role("button", name="Zaloguj").click()
    page.wait_for_url("**/abonent/")


def test_a_subscriber_uses_the_self_service(page: Page, subscriber) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    panel = page.locator(".sub-panel")
    expect(panel.get_by_test_id("panel-number")).to_contain_text("601 000 001")
    expect(panel.locator("meter")).to_have_count(3)
    check_page(page)

    # The address: the code is asked for first, then the form comes back.
    page.get_by_role("link", name="Dane abonenta").first.click()
    page.get_by_role("link", name="Zmień", exact=True).click()
    page.wait_for_url("**/abonent/kod/**")
    # The address is the whole account's: the account's code, not one number's.
    expect(page.get_by_text("podaj kod abonencki dla konta").first).to_be_visible()
    check_page(page)
    page.get_by_label("Kod abonencki").fill("ANNA12")
    page.get_by_role("button", name="Potwierdź kod").click()
    page.wait_for_url("**/abonent/dane/adres/")
    page.get_by_label("Ulica, numer domu i mieszkania").fill("ul. Floriańska 3")
    page.get_by_label("Kod pocztowy").fill("31-019")
    page.get_by_label("Miejscowość").fill("Kraków")
    page.get_by_role("button", name="Zapisz nowy adres").click()
    page.wait_for_url("**/abonent/dane/")
    expect(page.get_by_test_id("address")).to_contain_text("31-019 Kraków")

    # "Trzy i Ja" with three numbers, the fee shown before confirming.
    page.get_by_role("link", name="Usługi").first.click()
    page.get_by_role("link", name="Trzy i Ja").click()
    check_page(page)
    page.get_by_role("link", name="Włącz").click()
    expect(page.get_by_test_id("fee")).to_contain_text("5,00\u00a0zł")
    for index, number in enumerate(("501 234 567", "226543210", "601999111"), start=1):
        page.get_by_label(f"Numer {index}").fill(number)
    page.get_by_role("button", name="Zatwierdzam i włączam").click()
    expect(page.get_by_test_id("service-numbers")).to_contain_text("501234567")

    # The latest invoice as a PDF.
    page.get_by_role("link", name="Płatności").first.click()
    check_page(page)
    latest = subscriber.invoices.order_by("-period_start").first()
    page.get_by_role("link", name=latest.number, exact=True).first.click()
    expect(page.get_by_text("Porównanie z poprzednią fakturą")).to_be_visible()
    # The first PDF of a process loads WeasyPrint and its fonts: allow it time.
    with page.expect_download(timeout=30_000) as download:
        page.get_by_test_id("invoice-pdf").click(timeout=30_000)
    assert download.value.suggested_filename.endswith(".pdf")
    assert open(download.value.path(), "rb").read(4) == b"%PDF"

    # A complaint: kind, type, form, "Wyślij"; the case number and countdown follow.
    page.get_by_role("link", name="Kontakt z BOK").first.click()
    page.get_by_role("link", name=re.compile("Nowe pismo")).click()
    page.get_by_label("Reklamacja").check()
    page.get_by_role("button", name="Dalej").click()
    page.get_by_label("2. Typ").select_option(label="Reklamacja faktury")
    page.get_by_role("button", name="Pokaż formularz").click()
    page.get_by_label("Kwota kwestionowana (zł)").fill("3.48")
    page.get_by_label("Opis (dane zamówienia, opis problemu)").fill("Nie dzwoniłam ponad pakiet.")
    page.get_by_role("button", name="Wyślij").click()
    page.wait_for_url(re.compile(r".*/abonent/bok/\d+/$"))
    expect(page.get_by_test_id("case-number")).to_contain_text("RK/")
    expect(page.get_by_test_id("countdown")).to_contain_text("zostało 30 dni")
    check_page(page)


def test_every_subscriber_page_fits_360_px(new_page, subscriber) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=MOBILE, mobile=True)
    for path in ("/abonent/logowanie/", "/abonent/kod-abonencki/"):
        visit(page, path, accessibility=False)
        assert_no_horizontal_scroll(page)
    log_in(page, on_password_step=lambda: assert_no_horizontal_scroll(page))
    # On a phone the panel is folded above the content.
    expect(page.locator(".sub-panel")).not_to_have_attribute("open", "")
    invoice = subscriber.invoices.order_by("-period_start").first()
    contract = subscriber.contracts.order_by("msisdn").first()
    voicemail = Service.objects.get(slug="poczta-glosowa")
    ActiveService.objects.create(
        contract=contract, service=Service.objects.get(slug="trzy-i-ja"),
        numbers=["501234567", "226543210", "601999111"], active_from=date(2026, 11, 1),
    )  # fmt: skip
    order = services.payment_form_request(
        account=subscriber, payment_form=SubscriberAccount.PaymentForm.DIRECT_DEBIT,
        bank_account="PL61109010140000071219812874",
    )  # fmt: skip
    case = services.case_file(
        account=subscriber, contract=contract, category="reklamacja",
        kind=services.case_type("reklamacja", "faktura"), fields={},
        description="Nie dzwoniłam ponad pakiet.", delivery="email", invoice=invoice,
    )  # fmt: skip
    # Changes ask for the code: the account's code opens them all.
    visit(page, "/abonent/kod/", accessibility=False)
    page.get_by_label("Kod abonencki").fill("ANNA12")
    page.get_by_role("button", name="Potwierdź kod").click()
    page.wait_for_url("**/abonent/")
    paths = [
        "/abonent/dane/adres/",
        "/abonent/platnosci/forma/",
        f"/abonent/platnosci/forma/{order.pk}/",
        f"/abonent/uslugi/{voicemail.slug}/wlacz/",
        "/abonent/uslugi/trzy-i-ja/wylacz/",
        "/abonent/uslugi/trzy-i-ja/numery/",
        f"/abonent/bok/{case.pk}/",
        "/abonent/",
        "/abonent/dane/",
        "/abonent/platnosci/",
        f"/abonent/platnosci/faktury/{invoice.pk}/",
        "/abonent/taryfa/",
        "/abonent/taryfa/ciebie-70/",
        "/abonent/uslugi/",
        "/abonent/uslugi/trzy-i-ja/",
        "/abonent/bok/",
        "/abonent/bok/nowe/?rodzaj=reklamacja&typ=faktura",
        "/abonent/profit/",
        "/abonent/kod/",
        "/abonent/kod-abonencki/",
    ]
    for path in paths:
        visit(page, path, accessibility=False)
        assert_no_horizontal_scroll(page)
