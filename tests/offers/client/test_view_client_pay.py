"""POST /oferta/platnosc/: "Zapłać" hands the client to the provider's hosted page."""

from django.urls import reverse

from offers.models import OfferEvent
from payments.models import Payment

from .conftest import Sent, fail, ready_to_pay, start_payment


def test_it_starts_a_payment_for_the_offers_premium_and_redirects_to_the_provider(
    new_client, new_sent: Sent
):
    ready_to_pay(new_client)

    response = new_client.post(reverse("offers:client-pay"), {"method": "blik"})

    payment = Payment.objects.get()
    assert response.status_code == 303
    assert (
        response["Location"].endswith(reverse("payments:sandbox", args=[payment.checkout_id]))
        or payment.checkout_id in response["Location"]
    )
    assert payment.payable_type == "offers.offer"
    assert payment.payable_id == str(new_sent.offer.pk)
    assert payment.amount == new_sent.offer.premium
    assert payment.currency == "PLN"
    assert payment.method == "blik"
    assert payment.success_url == reverse("offers:client-paid")
    event = new_sent.offer.events.get(kind=OfferEvent.Kind.PAYMENT_STARTED)
    assert event.details["method"] == "blik"


def test_it_refuses_to_pay_before_documents_and_consents(new_client):
    response = new_client.post(reverse("offers:client-pay"), {"method": "card"})

    assert response["Location"].startswith(reverse("offers:client-offer"))
    assert (
        "pobierz wszystkie trzy dokumenty" in new_client.get(response["Location"]).content.decode()
    )
    assert not Payment.objects.exists()


def test_it_refuses_an_unknown_method(new_client):
    ready_to_pay(new_client)

    new_client.post(reverse("offers:client-pay"), {"method": "gotowka"})

    assert not Payment.objects.exists()


def test_a_failed_payment_is_explained_on_the_offer_page(new_client, new_sent: Sent):
    ready_to_pay(new_client)
    payment = start_payment(new_client, "blik")

    fail(payment, "code_expired")

    page = new_client.get(reverse("offers:client-offer")).content.decode()
    assert "Kod BLIK wygasł" in page
    assert new_sent.offer.events.filter(kind=OfferEvent.Kind.PAYMENT_FAILED).exists()


def test_it_needs_a_session(client, db):
    response = client.post(reverse("offers:client-pay"), {"method": "blik"})

    assert response["Location"] == reverse("offers:client-access")


def test_it_refuses_get(new_client):
    assert new_client.get(reverse("offers:client-pay")).status_code == 405
