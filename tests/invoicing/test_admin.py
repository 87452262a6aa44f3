import pytest
from django.urls import reverse
from lxml import etree

from invoicing.models import Invoice

from .conftest import issue

pytestmark = pytest.mark.django_db


def test_it_lists_invoices_for_staff_in_polish(staff_client, django_assert_max_num_queries):
    invoices = [issue(f"sms-topup:{i}") for i in range(15)]
    client = staff_client
    # Session, user, counts, the page of rows, the filters: as many for 15 rows as for 1.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("admin:invoicing_invoice_changelist"))
    assert response.status_code == 200
    text = response.text
    assert "Numer" in text and "Nabywca" in text and "Razem brutto" in text
    assert "Stan w KSeF" in text and "nie wysłano" in text
    assert invoices[-1].number in text
    assert "72••••••••" in text  # the buyer's NIP masked on the list
    assert "7251801126" not in text


def test_it_shows_an_issued_invoice_read_only(staff_client):
    invoice = issue()
    client = staff_client
    url = reverse("admin:invoicing_invoice_change", args=[invoice.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert invoice.number in response.text
    assert 'name="buyer_name"' not in response.text  # no input: nothing to edit
    assert "Doładowanie konta SMS" in response.text
    response = client.post(url, {"buyer_name": "Ktoś inny"})
    assert response.status_code == 403
    invoice.refresh_from_db()
    assert invoice.buyer_name.startswith("Agencja")
    add = client.get(reverse("admin:invoicing_invoice_add"))
    delete = client.get(reverse("admin:invoicing_invoice_delete", args=[invoice.pk]))
    assert (add.status_code, delete.status_code) == (403, 403)


def test_it_lets_staff_download_the_pdf_and_the_xml(staff_client):
    invoice = issue()
    client = staff_client
    pdf = client.get(reverse("admin:invoicing_invoice_pdf", args=[invoice.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert f'filename="{invoice.filename_stem}.pdf"' in pdf["Content-Disposition"]
    xml = client.get(reverse("admin:invoicing_invoice_xml", args=[invoice.pk]))
    assert xml.status_code == 200
    assert etree.fromstring(xml.content).tag.endswith("}Faktura")
    missing = client.get(reverse("admin:invoicing_invoice_pdf", args=[invoice.pk + 1000]))
    assert missing.status_code == 404


@pytest.mark.parametrize("who", ["alice", "staff"])
def test_it_keeps_everyone_else_out_of_the_downloads(request, client, who):
    """An agent, and staff who signed in without the second factor."""
    invoice = issue()
    client.force_login(request.getfixturevalue(who))
    for name in ("admin:invoicing_invoice_pdf", "admin:invoicing_invoice_xml"):
        response = client.get(reverse(name, args=[invoice.pk]))
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_staff_can_send_unsent_invoices_to_ksef(staff_client, ksef_fake):
    invoice = issue()
    client = staff_client
    response = client.post(
        reverse("admin:invoicing_invoice_changelist"),
        {"action": "ksef_send", "_selected_action": [invoice.pk]},
        follow=True,
    )
    assert "Zlecono wysyłkę faktur: 1" in response.text
    invoice.refresh_from_db()
    assert invoice.ksef_state == Invoice.KsefState.ACCEPTED
