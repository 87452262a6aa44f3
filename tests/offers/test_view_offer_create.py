from datetime import timedelta

from django.urls import reverse

from offers import services
from offers.models import Offer

from .conftest import NIP, PESEL, REGON, package

URL = reverse("offers:create")


def _form(**overrides):
    data = {
        "package": package("FM_T").pk,
        "protection_start": (services.local_today() + timedelta(days=20)).isoformat(),
        "holder_kind": "person",
        "holder_name": "Anna Kowalska",
        "holder_pesel": PESEL,
        "insured_same_as_holder": "on",
        "email": "anna@example.com",
        "mobile": "600 100 200",
        "email_consent": "on",
    }
    data.update(overrides)
    return data


def test_it_shows_the_form_with_packages_and_premiums(alice_client):
    response = alice_client.get(URL)
    assert response.status_code == 200
    assert "FM_T — Fizjoterapeuta (406,00\u00a0zł)" in response.text


def test_it_creates_a_draft(alice, alice_client):
    response = alice_client.post(URL, _form())
    offer = Offer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("offers:detail", args=[offer.pk])
    assert offer.agent == alice
    assert offer.state == Offer.State.DRAFT
    assert offer.mobile == "+48600100200"
    assert offer.holder_pesel == PESEL


def test_it_rejects_a_wrong_pesel_in_polish_and_keeps_the_input(alice_client):
    response = alice_client.post(URL, _form(holder_pesel="85010112346"))
    assert response.status_code == 200
    assert "Nieprawidłowy numer PESEL." in response.text
    assert 'value="85010112346"' in response.text
    assert not Offer.objects.exists()


def test_it_needs_nip_and_regon_for_a_company(alice_client):
    data = _form(package=package("POC_T").pk, holder_kind="company", holder_pesel="")
    response = alice_client.post(URL, data)
    assert "Podaj numer NIP." in response.text
    assert "Podaj numer REGON." in response.text
    response = alice_client.post(URL, {**data, "holder_nip": "5260250275", "holder_regon": REGON})
    assert "Nieprawidłowy numer NIP." in response.text
    response = alice_client.post(URL, {**data, "holder_nip": NIP, "holder_regon": REGON})
    assert response.status_code == 302


def test_it_needs_a_person_with_pesel_for_new_portal_products(alice_client):
    data = _form(holder_kind="company", holder_pesel="", holder_nip=NIP, holder_regon=REGON)
    response = alice_client.post(URL, data)
    assert "osobą fizyczną z numerem PESEL" in response.text


def test_it_refuses_a_start_in_the_past(alice_client):
    response = alice_client.post(URL, _form(protection_start=services.local_today().isoformat()))
    assert "Ochrona musi się zaczynać" in response.text


def test_it_needs_an_email_for_consent(alice_client):
    response = alice_client.post(URL, _form(email=""))
    assert "Zgoda na kontakt e-mailowy wymaga adresu e-mail." in response.text


def test_it_refuses_other_roles(charlie):
    from .conftest import verified_client

    assert verified_client(charlie).get(URL).status_code == 403


def test_it_refuses_put(alice_client):
    assert alice_client.put(URL).status_code == 405
