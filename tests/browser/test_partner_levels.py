"""A level-2 partner sees the forum and the bug database, not the PI section; staff raise the
company to level 4; the user then sees technician materials and still no PI section; another
level-2 user opening the PI section gets the 403 page that names level 3."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from accounts.roles import Role
from partners.models import LevelChange, PartnerProfile

from ..conftest import make_user, session_verified_by
from ..partners.conftest import add_member, make_company
from .harness import (
    assert_no_horizontal_scroll,
    check_accessibility,
    check_page,
    offsite_requests,
    visit,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data"),
]


def _log_in(page: Page, username: str, device: TOTPDevice | None = None) -> None:
    visit(page, "/partner/logowanie/")
    page.get_by_label("Nazwa użytkownika").fill(username)
    page.get_by_label("Hasło").fill(f"{username}-secret-pass")
    page.get_by_role("button", name="Zaloguj").click()
    if device is not None:
        page.wait_for_url("**/partner/logowanie/kod/")
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        page.get_by_label("Kod z aplikacji lub kod zapasowy").fill(f"{code:06d}")
        page.get_by_role("button", name="Potwierdź").click()
    page.wait_for_url("**/partner/")
    check_page(page)


def _nav(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("navigation", name="Nawigacja główna")


def _staff_page(new_page, live_server) -> Page:  # type: ignore[no-untyped-def]
    """Staff with a session verified by a second factor (the admin may demand one)."""
    staff = make_user("obsluga", Role.STAFF, is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    session_key = session_verified_by(staff, device).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": live_server.url}]
    )
    return page


def test_it_follows_the_company_from_level_2_to_level_4(page: Page, new_page, live_server) -> None:  # type: ignore[no-untyped-def]
    company = make_company("Serwis Wisła sp. z o.o.", level=2)
    user = add_member(make_user("wisla", Role.PARTNER), company)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)

    _log_in(page, "wisla")
    nav = _nav(page)
    expect(nav.get_by_role("link", name="Forum dla dystrybutorów")).to_be_visible()
    expect(nav.get_by_role("link", name="Baza Błędów i Sugestii")).to_be_visible()
    expect(nav.get_by_role("link", name="Specjalna sekcja dla PI")).to_have_count(0)
    nav.get_by_role("link", name="Forum dla dystrybutorów").click()
    page.wait_for_url("**/partner/forum/dystrybutorzy/")
    check_page(page)
    _nav(page).get_by_role("link", name="Baza Błędów i Sugestii").click()
    page.wait_for_url("**/partner/bledy-i-sugestie/")
    check_page(page)

    staff = _staff_page(new_page, live_server)
    profile = PartnerProfile.objects.get(organisation=company)
    visit(staff, f"/admin/partners/partnerprofile/{profile.pk}/change/", accessibility=False)
    staff.locator("#id_level").select_option(label="Poziom 4 – serwisant")
    until = timezone.localdate() + timedelta(days=365)
    staff.locator("#id_technician_until").fill(until.strftime("%Y-%m-%d"))
    staff.locator("#id_change_reason").fill("Certyfikat serwisanta")
    staff.locator("input[name=_save]").click()
    expect(staff.locator(".messagelist")).to_be_visible()
    change = LevelChange.objects.get(profile=profile)
    assert (change.from_level_id, change.to_level_id) == (2, 4)

    # Level 4 requires a second factor: the password-only session goes back to the login.
    page.goto("/partner/")
    page.wait_for_url("**/partner/logowanie/**")
    _log_in(page, "wisla", device)
    nav = _nav(page)
    expect(nav.get_by_role("link", name="Instrukcje i materiały dla serwisantów")).to_be_visible()
    expect(nav.get_by_role("link", name="Specjalna sekcja dla PI")).to_have_count(0)
    nav.get_by_role("link", name="Instrukcje i materiały dla serwisantów").click()
    page.wait_for_url("**/partner/dla-serwisantow/")
    check_page(page)
    response = page.goto("/partner/sekcja-pi/")
    assert response is not None and response.status == 403


def test_it_shows_a_level_2_user_the_403_page_naming_level_3(page: Page) -> None:
    company = make_company("PPS Odra s.c.", level=2)
    add_member(make_user("odra", Role.PARTNER), company)
    _log_in(page, "odra")

    response = page.goto("/partner/sekcja-pi/")
    assert response is not None and response.status == 403
    # The browser logs the 403 status itself as a console error; everything else must hold.
    assert offsite_requests(page) == []
    check_accessibility(page)
    expect(page.locator("h1")).to_have_text("Brak uprawnienia")
    expect(page.get_by_text("poziom 3 – Partner", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Złóż wniosek o poziom").first).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 740})
    assert_no_horizontal_scroll(page)


def test_it_fits_the_partner_pages_in_360_px(mobile_page: Page) -> None:
    from partners import services
    from partners.models import Forum, Program

    company = make_company("Autoryzowany Partner Bałtyk S.A.", level=5, subscription_sales=True)
    user = add_member(make_user("baltyk", Role.PARTNER), company)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    program = Program.objects.create(code="rachmistrz", name="Rachmistrz", price_net="790.00")
    topic = services.topic_create(
        forum=Forum.objects.get(slug="dystrybutorzy"),
        author=user,
        company=company,
        title="Długi tytuł wątku o licencjach sieciowych w wielu oddziałach firmy",
        body="| kolumna | druga kolumna |\n|---|---|\n| " + "bardzo długa treść " * 20 + " | x |",
    )
    services.bug_report(
        reporter=user,
        company=company,
        kind="bug",
        program=program,
        version="2.0",
        title="Błąd wydruku",
        description="Opis",
    )
    _log_in(mobile_page, "baltyk", device)
    for path in (
        "/partner/",
        "/partner/forum/dystrybutorzy/",
        f"/partner/forum/watek/{topic.pk}/",
        "/partner/bledy-i-sugestie/",
        "/partner/rejestracja-sprzedazy/",
        "/partner/sklep/",
        "/partner/zapytania/",
        "/partner/wniosek/",
        "/partner/sekcja-api/",
        "/partner/pomoc-techniczna/",
        "/partner/materialy-techniczne/",
    ):
        visit(mobile_page, path)
        assert_no_horizontal_scroll(mobile_page)
