"""The home page explains the company's standing and what the next level changes."""

from datetime import date

import time_machine
from django.urls import reverse

from partners.models import Level, PartnerProfile

from .conftest import login_client, make_company, set_level

HOME = reverse("partners:home")


def test_it_explains_a_level_2_standing_and_the_next_level(alice, client):
    client.force_login(alice)
    page = client.get(HOME).text
    assert "Poziom 2 – Pozostałe Punkty Sprzedaży (PPS)" in page
    assert "Następny poziom: 3" in page
    assert "Specjalna sekcja dla PI" in page  # what level 3 adds
    assert "firma znajduje się na liście dystrybutorów" in page
    assert "Brakuje jednego z powyższych warunków." in page


def test_it_says_level_4_loses_the_pi_section(alice, firm_a):
    set_level(firm_a, 3)
    page = login_client(alice).get(HOME).text
    loses = page.split("Stracisz:")[1]
    assert "Specjalna sekcja dla PI" in loses
    assert "Instrukcje i materiały dla serwisantów" in page.split("Zyskasz:")[1]


def test_it_says_a_listed_distributor_may_apply(alice, firm_a, client):
    PartnerProfile.objects.filter(organisation=firm_a).update(on_distributor_list=True)
    client.force_login(alice)
    assert "Firma spełnia warunek i może złożyć wniosek." in client.get(HOME).text


def test_it_tells_an_expired_technician_why_it_is_at_level_3(alice, firm_a):
    PartnerProfile.objects.filter(organisation=firm_a).update(
        level=Level.objects.get(number=4), technician_until=date(2026, 11, 30)
    )
    client = login_client(alice)
    with time_machine.travel("2026-12-01 00:00:30+01:00", tick=False):
        page = client.get(HOME).text
    assert "Uprawnienia serwisanta wygasły 30.11.2026" in page
    assert "Specjalna sekcja dla PI" in page.split("Twoje uprawnienia")[1].split("Następny")[0]


def test_it_shows_a_company_its_own_standing_only(alice, charlie, firm_c):
    set_level(firm_c, 5)
    page = login_client(charlie).get(HOME).text
    assert "Gamma Soft" in page and "Alfa Serwis" not in page


def test_it_refuses_post(alice, client):
    client.force_login(alice)
    assert client.post(HOME).status_code == 405


def test_it_runs_a_constant_number_of_queries(alice, client, django_assert_max_num_queries):
    client.force_login(alice)
    client.get(HOME)
    with django_assert_max_num_queries(12):
        assert client.get(HOME).status_code == 200


def test_it_lets_staff_view_a_company_as_another_level(staff_client, db):
    company = make_company("Podgląd", level=1)
    url = reverse("partners:view-as", args=[company.partner_profile.pk])
    page = staff_client.get(url, {"poziom": "3"}).text
    assert "Podgląd jako poziom 3" in page
    assert "Uprawnienie daje poziom 3" in page


def test_it_hides_the_view_as_page_from_partners(alice, client):
    client.force_login(alice)
    url = reverse("partners:view-as", args=[alice.organisations.get().partner_profile.pk])
    assert client.get(url).status_code == 302
