"""An agency user writes a template with "Wstaw", fixes "ą", sends to three, refreshes."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from notifications.sms import gsm7, services
from notifications.sms.fields import sample_text
from notifications.sms.models import Message

from ..conftest import make_user
from ..sms.conftest import add_person, add_vehicle, make_agency
from .harness import assert_no_horizontal_scroll, check_page, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data"),
]


def _agency_user():  # type: ignore[no-untyped-def]
    from accounts.roles import Role

    user = make_user("biuro@alfa.pl", Role.SMS_USER, first_name="Ewa", last_name="Biuro")
    user.email = "biuro@alfa.pl"
    user.save()
    agency = make_agency("Agencja Alfa", "SMSALFA22", user)
    # Open all day, so the test does not depend on the hour it runs at.
    agency.window_start, agency.window_end = 0, 24
    agency.save()
    services.sms_balance_credit(agency=agency, amount=Decimal("5.00"), reason="test")
    people = [
        add_person(agency, "Łukasz", "Wójcik", "+48600100201"),
        add_person(agency, "Anna", "Nowak", "+48600100202"),
        add_person(agency, "Zofia", "Łęcka", "+48600100203"),
    ]
    for index, person in enumerate(people):
        add_vehicle(person, f"WPI 10{index}", timezone.localdate() + timedelta(days=5))
    return agency


def test_an_agency_writes_a_template_sends_to_three_and_refreshes(page: Page, sms_gateway) -> None:
    agency = _agency_user()
    visit(page, "/sms/logowanie/")
    page.get_by_label("E-mail").fill("biuro@alfa.pl")
    page.get_by_label("Hasło").fill("biuro@alfa.pl-secret-pass")
    page.get_by_role("button", name="Zaloguj").click()
    page.wait_for_url("**/sms/")

    page.get_by_role("link", name="Wzory SMS").first.click()
    page.get_by_role("link", name="Nowy wzór").click()
    check_page(page)
    page.get_by_label("Typ wiadomości").select_option("inspection")
    page.get_by_label("Nazwa").fill("Badanie")
    text = page.get_by_label("Treść")
    text.fill("Dzien dobry ")
    page.get_by_label("Pole do wstawienia").select_option("imie")
    page.get_by_role("button", name="Wstaw").click()
    text.press("End")
    text.type(", badanie auta ")
    page.get_by_label("Pole do wstawienia").select_option("rejestracja")
    page.get_by_role("button", name="Wstaw").click()
    text.press("End")
    text.type(" mija ")
    page.get_by_label("Pole do wstawienia").select_option("data_badania")
    page.get_by_role("button", name="Wstaw").click()
    text.press("End")
    text.type(". Zapraszamy [tel] ą")

    offenders = page.locator("#sms-offenders")
    expect(offenders).to_be_visible()
    expect(offenders).to_contain_text("„ą” → „a”")
    typed = text.input_value()
    counter = page.locator("#sms-counter")
    assert counter.get_attribute("data-parts") == str(gsm7.parts(sample_text(typed)))
    assert counter.get_attribute("data-chars") == str(gsm7.length(sample_text(typed)))
    page.get_by_role("button", name="zamień").click()
    expect(offenders).to_be_hidden()
    fixed = text.input_value()
    assert fixed.endswith("[tel] a") and "{imie}" in fixed and "{rejestracja}" in fixed
    assert counter.get_attribute("data-chars") == str(gsm7.length(sample_text(fixed)))
    page.get_by_role("button", name="Zapisz").click()
    expect(page.locator(".alert--success")).to_contain_text("Zapisano wzór")
    # The server's own count of the saved text is what the browser showed.
    assert page.locator("#sms-counter").get_attribute("data-parts") == str(
        gsm7.parts(sample_text(fixed))
    )

    page.get_by_role("link", name="Wyślij").first.click()
    page.get_by_label("Wzór").select_option(label="Badanie (przypomnienie o badaniu technicznym)")
    page.get_by_label("Do wybranych osób").check()
    for name in ("Wójcik Łukasz", "Nowak Anna", "Łęcka Zofia"):
        page.get_by_label(name).check()
    page.get_by_role("button", name="Podgląd").click()
    check_page(page)
    expect(page.locator("#preview-count")).to_have_text("3")
    expect(page.locator("#preview-cost")).to_have_text("0,87 zł")
    expect(page.locator(".sms-final").first).to_contain_text("Dzien dobry")
    page.get_by_role("button", name=re.compile(r"Wyślij \(koszt 0,87\s?zł\)")).click()
    page.wait_for_url("**/sms/wiadomosci/")
    assert services.agency_balance(agency) == Decimal("4.13")
    assert len(sms_gateway.sent) == 3
    assert "Lukasz" in " ".join(s.text for s in sms_gateway.sent)

    for message in Message.objects.filter(agency=agency):
        sms_gateway.set_status(message.gateway_id, "delivered")
    boxes = page.locator(".msg-select")
    expect(boxes).to_have_count(3)
    boxes.nth(0).click()
    boxes.nth(2).click(modifiers=["Shift"])
    for index in range(3):
        expect(boxes.nth(index)).to_be_checked()
    page.get_by_role("button", name="Odśwież status zaznaczonych").click()
    page.wait_for_url("**/sms/wiadomosci/")
    expect(page.locator("td.status--delivered")).to_have_count(3)
    check_page(page)

    page.get_by_role("link", name="Stan konta").first.click()
    expect(page.locator("#balance")).to_have_text("4,13 zł")
    check_page(page)
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/sms/", "/sms/wiadomosci/", "/sms/konto/", "/sms/wzory/nowy/"):
        visit(page, path)
        assert_no_horizontal_scroll(page)
