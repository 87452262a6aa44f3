"""An agent logs in with a password and TOTP, prepares an FM_T offer and sends it via DMS."""

from datetime import timedelta

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from notifications.models import OutboxMessage
from offers.models import Offer
from offers.services import local_today

from ..conftest import make_user
from .harness import assert_no_horizontal_scroll, check_page, visit

# Products and roles come from data migrations: keep them across the live server's flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data"),
]

PESEL = "85010112345"


def _current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _log_in(page: Page) -> TOTPDevice:
    from accounts.roles import Role

    agent = make_user("agentka", Role.AGENT, first_name="Ewa", last_name="Agentka")
    device = TOTPDevice.objects.create(user=agent, name="app", confirmed=True)
    visit(page, "/agent/logowanie/")
    page.get_by_label("Nazwa użytkownika").fill("agentka")
    page.get_by_label("Hasło").fill("agentka-secret-pass")
    page.get_by_role("button", name="Zaloguj").click()
    page.wait_for_url("**/agent/logowanie/kod/")
    check_page(page)
    page.get_by_label("Kod z aplikacji lub kod zapasowy").fill(_current_code(device))
    page.get_by_role("button", name="Potwierdź").click()
    page.wait_for_url("**/agent/oferty/")
    check_page(page)
    return device


def test_it_sends_an_fm_t_offer_via_dms_after_a_totp_login(page: Page) -> None:
    device = _log_in(page)
    agent = device.user

    page.get_by_role("link", name="Nowa oferta").first.click()
    page.wait_for_url("**/agent/oferty/nowa/")
    check_page(page)
    package = "FM_T — Fizjoterapeuta (406,00\u00a0zł)"
    page.get_by_label("Produkt i pakiet").select_option(label=package)
    start = local_today() + timedelta(days=20)
    page.get_by_label("Początek ochrony").fill(start.isoformat())
    page.get_by_label("Imię i nazwisko lub nazwa firmy ubezpieczającego").fill("Anna Kowalska")
    page.get_by_label("PESEL ubezpieczającego").fill(PESEL)
    page.get_by_label("E-mail klienta").fill("anna@example.com")
    page.get_by_label("Telefon komórkowy klienta").fill("600 100 200")
    page.get_by_label("Klient zgodził się na kontakt e-mailowy").check()
    page.get_by_role("button", name="Utwórz ofertę").click()

    offer = Offer.objects.get(agent=agent)
    page.wait_for_url(f"**/agent/oferty/{offer.pk}/")
    expect(page.locator("h1")).to_have_text(f"Oferta DMS {offer.display_number}")
    check_page(page)

    page.get_by_role("button", name="Wyślij w DMS").click()
    success = page.locator(".alert--success", has_text="Wysłanie linka do oferty DMS powiodło się")
    expect(success).to_be_visible()
    # Green: the text colour's green channel dominates.
    red, green, blue = success.evaluate(
        "el => getComputedStyle(el).color.match(/\\d+/g).slice(0, 3).map(Number)"
    )
    assert green > red and green > blue
    check_page(page)

    message = OutboxMessage.objects.get(recipient="anna@example.com")
    assert offer.display_number in message.subject
    assert "/oferta/link/" in message.body_text
    assert any("/oferta/link/" in sent.body for sent in mail.outbox)
    offer.refresh_from_db()
    assert offer.state == Offer.State.SENT


def test_it_fits_the_agent_pages_in_360_px(mobile_page: Page) -> None:
    from offers.services import offer_send_dms

    from ..offers.conftest import make_offer

    device = _log_in(mobile_page)
    offer = make_offer(device.user)
    offer_send_dms(offer=offer, actor=device.user)
    for path in ("/agent/oferty/", "/agent/oferty/nowa/", f"/agent/oferty/{offer.pk}/"):
        visit(mobile_page, path)
        assert_no_horizontal_scroll(mobile_page)
