import io

from django.urls import reverse
from pypdf import PdfReader

from .conftest import PESEL, make_offer


def test_it_downloads_the_offer_pdf_with_every_field(alice, alice_client):
    offer = make_offer(alice, holder_name="Zofia Łęcka-Żółć")
    response = alice_client.get(reverse("offers:pdf", args=[offer.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"Oferta_FM_T_{offer.number}.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert abs(float(page.mediabox.width) - 595.28) < 1  # A4
    text = page.extract_text()
    for expected in (
        offer.display_number,
        "Fizjoterapeuta",
        "406,00\u00a0zł",
        "DMS",
        "Zofia Łęcka-Żółć",
        PESEL,
        offer.issued_on.strftime("%d.%m.%Y"),
        offer.valid_until.strftime("%d.%m.%Y"),
        "21:00",
    ):
        assert expected in text, expected


def test_it_hides_another_agents_offer(bob, alice_client):
    offer = make_offer(bob)
    assert alice_client.get(reverse("offers:pdf", args=[offer.pk])).status_code == 404


def test_it_refuses_post(alice, alice_client):
    offer = make_offer(alice)
    assert alice_client.post(reverse("offers:pdf", args=[offer.pk])).status_code == 405
