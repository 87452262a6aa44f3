from datetime import timedelta

from django.core import mail
from django.urls import reverse

from offers import services
from offers.models import Offer

from .conftest import make_offer


def _url(offer):
    return reverse("offers:consent", args=[offer.pk])


def test_it_asks_for_missing_contacts(alice, alice_client):
    offer = make_offer(alice, "POC_T", email_consent=False, email="", mobile="")
    response = alice_client.get(_url(offer))
    assert response.status_code == 200
    assert "Brak zgody Klienta" in response.text
    response = alice_client.post(_url(offer), {"informed_on": services.local_today()})
    errors = response.context["form"].errors
    assert "email" in errors and "mobile" in errors


def test_it_generates_the_access_code_and_shows_the_address(
    alice, alice_client, django_capture_on_commit_callbacks
):
    offer = make_offer(alice, "POC_T", email_consent=False, email="", mobile="")
    data = {
        "informed_on": services.local_today().isoformat(),
        "email": "firma@example.com",
        "mobile": "600700800",
        "generate_access_code": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(_url(offer), data, follow=True)
    offer.refresh_from_db()
    assert offer.state == Offer.State.SENT
    assert f"INTER{offer.number % 10000:04d}" in response.text
    assert "http://127.0.0.1:8000/oferta/" in response.text
    assert offer.email == "firma@example.com"
    assert mail.outbox == []  # nothing goes to the client automatically


def test_it_refuses_a_date_in_the_future(alice, alice_client):
    offer = make_offer(alice, email_consent=False)
    tomorrow = services.local_today() + timedelta(days=1)
    response = alice_client.post(_url(offer), {"informed_on": tomorrow.isoformat()})
    assert "Data nie może być z przyszłości." in response.text


def test_it_hides_another_agents_offer(bob, alice_client):
    offer = make_offer(bob, email_consent=False)
    assert alice_client.get(_url(offer)).status_code == 404


def test_it_refuses_put(alice, alice_client):
    offer = make_offer(alice, email_consent=False)
    assert alice_client.put(_url(offer)).status_code == 405
