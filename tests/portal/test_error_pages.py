"""The error pages: Polish, in the portal's layout, saying what happened and where to go next."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.offers.conftest import make_offer, verified_client

ERROR_URLS = "tests.portal.error_urls"


@pytest.fixture(autouse=True)
def _production_like(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False


def assert_error_page(response, status: int, heading: str) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    page = response.content.decode()
    assert '<html lang="pl">' in page
    assert 'class="site-header"' in page  # base.html's layout
    assert f"<h1>{heading}</h1>" in page
    assert "Dokąd dalej" in page
    assert f'href="{reverse("home")}"' in page
    assert f'href="{reverse("offers:client-access")}"' in page
    assert "Not Found" not in page and "Server Error" not in page and "Forbidden" not in page
    return page


@pytest.mark.django_db
def test_it_answers_an_unknown_address_with_the_polish_404(client):
    response = client.get("/nie-ma-takiej-strony/")
    page = assert_error_page(response, 404, "Nie ma takiej strony")
    assert "Błąd 404" in page


@pytest.mark.django_db
def test_it_answers_another_agents_offer_with_the_polish_404(alice, bob):
    offer = make_offer(bob)
    response = verified_client(alice).get(reverse("offers:detail", args=[offer.pk]))
    assert_error_page(response, 404, "Nie ma takiej strony")


@pytest.mark.django_db
@pytest.mark.urls(ERROR_URLS)
def test_it_answers_a_refusal_with_the_polish_403(client):
    response = client.get("/test/zabronione/")
    page = assert_error_page(response, 403, "Nie masz dostępu do tej strony")
    assert "Błąd 403" in page


@pytest.mark.django_db
def test_it_answers_a_form_without_its_csrf_token_with_the_polish_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a", "password": "b"})
    page = assert_error_page(response, 403, "Nie udało się wysłać formularza")
    assert "odśwież" in page


@pytest.mark.django_db
def test_it_answers_an_unknown_host_with_the_polish_400(client):
    response = client.get("/", headers={"host": "intruz.example"})
    page = assert_error_page(response, 400, "Nie udało się odczytać żądania")
    assert "Błąd 400" in page


@pytest.mark.django_db
@pytest.mark.urls(ERROR_URLS)
def test_it_answers_tampered_input_with_the_polish_400(client):
    response = client.get("/test/podejrzane/")
    assert_error_page(response, 400, "Nie udało się odczytać żądania")


@pytest.mark.django_db
@pytest.mark.urls(ERROR_URLS)
def test_it_answers_a_failing_view_with_the_polish_500(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    response = client.get("/test/blad/")
    page = assert_error_page(response, 500, "Coś poszło nie tak po naszej stronie")
    assert "nie płać drugi raz" in page
    # Rendered without the request: no user menu, no form that would fail its CSRF check.
    assert "Wyloguj" not in page
    assert 'action="/i18n/setlang/"' not in page
    assert "Content-Security-Policy" in response.headers


def test_the_500_page_needs_no_database_and_no_context_processor():
    # No django_db mark: any query, from a context processor or the layout, would raise.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Coś poszło nie tak po naszej stronie" in response.content.decode()
