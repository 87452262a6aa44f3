from django.urls import reverse

from offers.models import Product

from .conftest import PESEL, sent_offer


def test_it_lists_offers_for_staff_with_masked_identifiers(alice, staff_client):
    client = staff_client
    offer = sent_offer(alice)
    response = client.get(reverse("admin:offers_offer_changelist"))
    assert response.status_code == 200
    assert offer.display_number in response.text
    assert PESEL not in response.text
    response = client.get(reverse("admin:offers_offer_change", args=[offer.pk]))
    assert response.status_code == 200
    assert PESEL not in response.text
    assert "wysłano link DMS" in response.text


def test_it_lets_staff_edit_products_and_packages(staff_client):
    client = staff_client
    product = Product.objects.get(code="FM_T")
    response = client.get(reverse("admin:offers_product_change", args=[product.pk]))
    assert response.status_code == 200
    assert "406.00" in response.text or "406,00" in response.text


def test_it_keeps_agents_out_of_the_admin(alice, client):
    client.force_login(alice)
    response = client.get(reverse("admin:offers_offer_changelist"))
    assert response.status_code == 302
