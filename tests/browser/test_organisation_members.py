"""An owner opens her organisation from the menu, invites someone, and the page fits 360 px."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Invitation, Membership, Organisation

from ..conftest import make_user
from .harness import assert_no_horizontal_scroll, check_page, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_an_owner_invites_from_the_members_page_at_360_px(mobile_page: Page) -> None:
    owner = make_user("wlascicielka", first_name="Ewa", last_name="Właścicielka")
    agency = Organisation.objects.create(
        kind=Organisation.Kind.SMS_AGENCY,
        name="Agencja Ubezpieczeniowa Bardzo Długa Nazwa Sp. z o.o.",
        nip="7740001454",
        address="ul. Polna 1, 00-001 Warszawa",
    )
    Membership.objects.create(organisation=agency, user=owner, role=Membership.Role.OWNER)
    member = make_user("czlonek.zespolu.z.bardzo.dlugim.adresem", first_name="Jan")
    Membership.objects.create(organisation=agency, user=member)

    page = mobile_page
    visit(page, "/konto/logowanie/")
    page.get_by_label("Nazwa użytkownika").fill("wlascicielka")
    page.get_by_label("Hasło").fill("wlascicielka-secret-pass")
    page.get_by_role("button", name="Zaloguj").click()
    page.wait_for_url("**/")
    page.get_by_role("link", name="Organizacje").click()
    page.wait_for_url("**/konto/organizacje/")
    check_page(page)
    page.get_by_role("link", name=agency.name).click()
    page.wait_for_url(f"**/konto/organizacje/{agency.pk}/")
    check_page(page)
    assert_no_horizontal_scroll(page)

    page.get_by_label("Adres e-mail osoby zapraszanej").fill("nowa.osoba@example.com")
    page.get_by_role("button", name="Wyślij zaproszenie").click()
    expect(
        page.get_by_text("Wysłaliśmy zaproszenie na adres nowa.osoba@example.com")
    ).to_be_visible()
    check_page(page)
    assert_no_horizontal_scroll(page)
    assert Invitation.objects.get().email == "nowa.osoba@example.com"
