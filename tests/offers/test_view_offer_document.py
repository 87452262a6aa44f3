import io

from django.urls import reverse
from pypdf import PdfReader

from offers.models import ProductDocument

from .conftest import make_offer


def _get(client, offer, kind):
    return client.get(reverse("offers:document", args=[offer.pk, kind]))


def _pdf(response) -> PdfReader:
    return PdfReader(io.BytesIO(b"".join(response.streaming_content)))


def test_it_serves_a_multipage_owu_with_polish_text(alice, alice_client):
    offer = make_offer(alice)
    response = _get(alice_client, offer, "owu")
    assert response.status_code == 200
    reader = _pdf(response)
    assert len(reader.pages) >= 2
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Ogólne warunki ubezpieczenia" in text
    assert "§ 5. Oferta i jej przyjęcie" in text
    assert "FM_T" in text
    assert "zażółć" not in text  # sanity: the check below is meaningful
    assert "ż" in text and "ł" in text and "ę" in text


def test_it_serves_the_payment_regulations(alice, alice_client):
    offer = make_offer(alice, "DOR_T")
    reader = _pdf(_get(alice_client, offer, "regulamin"))
    assert len(reader.pages) >= 2
    assert "Regulamin płatności" in reader.pages[0].extract_text()


def test_it_renders_each_document_once_per_product_version(alice, alice_client):
    first = make_offer(alice)
    second = make_offer(alice)
    _get(alice_client, first, "owu")
    _get(alice_client, second, "owu")
    assert ProductDocument.objects.filter(kind="owu").count() == 1
    product = first.product
    product.documents_version = 2
    product.save(update_fields=["documents_version"])
    response = _get(alice_client, first, "owu")
    assert "OWU_FM_T_v2.pdf" in response["Content-Disposition"]
    assert ProductDocument.objects.filter(kind="owu").count() == 2


def test_it_answers_404_for_an_unknown_document(alice, alice_client):
    offer = make_offer(alice)
    assert _get(alice_client, offer, "inne").status_code == 404


def test_it_hides_another_agents_offer(bob, alice_client):
    offer = make_offer(bob)
    assert _get(alice_client, offer, "owu").status_code == 404


def test_it_refuses_post(alice, alice_client):
    offer = make_offer(alice)
    url = reverse("offers:document", args=[offer.pk, "owu"])
    assert alice_client.post(url).status_code == 405
