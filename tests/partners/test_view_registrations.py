"""Sales registration: the first valid registration of a NIP and program holds it for 90 days."""

import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from partners import services
from partners.models import Program, SalesClaim, SalesRegistration

from .conftest import make_company, make_user

URL = reverse("partners:registrations")
CUSTOMER = "5213017228"


def _data(program, nip=CUSTOMER, licences=3):
    return {
        "customer_nip": nip,
        "customer_name": "Piekarnia Kłos",
        "program": program.pk,
        "licences": licences,
    }


def test_it_registers_a_sale_and_lists_it(alice, client, program):
    client.force_login(alice)
    response = client.post(URL, _data(program, nip="521-301-72-28"))
    assert response.status_code == 302
    registration = SalesRegistration.objects.get()
    assert registration.customer_nip == CUSTOMER and registration.licences == 3
    assert "Piekarnia Kłos" in client.get(URL).text


def test_it_refuses_an_invalid_nip_and_keeps_the_form(alice, client, program):
    client.force_login(alice)
    response = client.post(URL, _data(program, nip="1234567890"))
    assert "Nieprawidłowy NIP" in response.text and "Piekarnia Kłos" in response.text


def test_it_tells_a_second_partner_the_pair_is_unavailable_without_naming_the_holder(
    alice, charlie, client, program
):
    client.force_login(alice)
    client.post(URL, _data(program))
    client.force_login(charlie)
    response = client.post(URL, _data(program))
    assert response.status_code == 200
    assert "jest już zarejestrowana przez innego Partnera" in response.text
    assert "Alfa" not in response.text
    assert SalesRegistration.objects.count() == 1


def test_it_frees_the_pair_after_the_hold(alice, charlie, client, program, settings):
    assert settings.PARTNER_SALES_HOLD_DAYS == 90
    with time_machine.travel("2026-01-10 23:30:00+01:00", tick=False):
        client.force_login(alice)
        client.post(URL, _data(program))
    with time_machine.travel("2026-04-10 23:29:59+02:00", tick=False):  # across DST, 1 s early
        client.force_login(charlie)
        assert "niedostępna" in client.post(URL, _data(program)).text
    with time_machine.travel("2026-04-10 23:30:00+02:00", tick=False):
        assert client.post(URL, _data(program)).status_code == 302
    claim = SalesClaim.objects.get()
    assert claim.registration.company.name == "Gamma Soft s.c."


def test_it_lets_the_holder_register_again(alice, bob, client, program):
    client.force_login(alice)
    client.post(URL, _data(program))
    client.force_login(bob)
    assert client.post(URL, _data(program, licences=2)).status_code == 302
    assert SalesRegistration.objects.count() == 2


def test_it_shows_a_company_only_its_own_registrations(alice, charlie, client, program):
    client.force_login(alice)
    client.post(URL, _data(program))
    client.force_login(charlie)
    assert "Piekarnia Kłos" not in client.get(URL).text
    csv = b"".join(client.get(reverse("partners:registrations-csv")).streaming_content)
    assert "Piekarnia" not in csv.decode()


def test_it_exports_csv_with_formulas_neutralised(alice, client, program):
    client.force_login(alice)
    data = _data(program)
    data["customer_name"] = '=HYPERLINK("http://x")'
    client.post(URL, data)
    data = _data(program, nip="7740001454")
    data["customer_name"] = "@SUM(A1)"
    client.post(URL, data)
    response = client.get(reverse("partners:registrations-csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    assert "\n=" not in text and ";=" not in text


def test_it_neutralises_every_formula_prefix(alice, client, program):
    client.force_login(alice)
    for i, name in enumerate(("+48 22", "-1 zł")):
        data = _data(program, nip=["5252248481", "1132853869"][i])
        data["customer_name"] = name
        client.post(URL, data)
    text = b"".join(client.get(reverse("partners:registrations-csv")).streaming_content)
    assert "'+48 22" in text.decode() and "'-1 zł" in text.decode()


def test_it_lists_registrations_in_constant_queries(
    alice, client, program, django_assert_max_num_queries
):
    company = alice.organisations.get()
    for i in range(30):
        other = Program.objects.create(code=f"p{i}", name=f"Program {i}")
        services.sales_register(
            company=company,
            user=alice,
            customer_nip=CUSTOMER,
            customer_name="K",
            program=other,
            licences=1,
        )
    client.force_login(alice)
    client.get(URL)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_two_racing_partners_hold_the_pair(reference_data):
    program = Program.objects.create(code="gratyfikant", name="Gratyfikant")
    companies = [make_company("Wyścig A", nip="5260250274"), make_company("Wyścig B")]
    users = [make_user("wa"), make_user("wb")]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def register(index: int) -> None:
        try:
            barrier.wait()
            services.sales_register(
                company=companies[index],
                user=users[index],
                customer_nip=CUSTOMER,
                customer_name="K",
                program=program,
                licences=1,
            )
            results.append("ok")
        except services.RegistrationUnavailable:
            results.append("unavailable")
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "unavailable"]
    assert SalesClaim.objects.count() == 1 and SalesRegistration.objects.count() == 1
