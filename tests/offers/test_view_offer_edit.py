from django.urls import reverse

from offers import services
from offers.models import OfferEvent

from .conftest import make_offer, package, sent_offer


def _url(offer):
    return reverse("offers:edit", args=[offer.pk])


def _form(offer, **overrides):
    data = {
        "package": offer.package_id,
        "protection_start": offer.protection_start.isoformat(),
        "holder_kind": offer.holder_kind,
        "holder_name": offer.holder_name,
        "holder_pesel": offer.holder_pesel,
        "insured_same_as_holder": "on",
        "email": offer.email,
        "mobile": offer.mobile,
        "email_consent": "on",
    }
    data.update(overrides)
    return data


def test_it_prefills_the_form(alice, alice_client):
    offer = make_offer(alice)
    response = alice_client.get(_url(offer))
    assert response.status_code == 200
    assert 'value="Anna Kowalska"' in response.text


def test_it_saves_a_new_version_of_a_sent_offer(alice, alice_client):
    offer = sent_offer(alice)
    other = package("FM_T").product.packages.last()
    response = alice_client.post(_url(offer), _form(offer, package=other.pk), follow=True)
    offer.refresh_from_db()
    assert offer.version == 2
    assert offer.package == other
    assert "musi ponownie pobrać dokumenty" in response.text
    assert offer.events.filter(kind=OfferEvent.Kind.EDITED).exists()


def test_a_new_email_address_tells_the_agent_to_send_a_fresh_link(alice, alice_client):
    offer = sent_offer(alice)
    response = alice_client.post(
        _url(offer), _form(offer, email="poprawiony@example.com"), follow=True
    )
    assert "wysłane wcześniej linki przestały działać" in response.text
    assert not any(link.is_active() for link in offer.links.all())


def test_an_unchanged_email_address_keeps_the_links_quiet(alice, alice_client):
    offer = sent_offer(alice)
    other = package("FM_T").product.packages.last()
    response = alice_client.post(_url(offer), _form(offer, package=other.pk), follow=True)
    assert "przestały działać" not in response.text


def test_it_refuses_to_edit_a_paid_offer(alice, alice_client):
    offer = sent_offer(alice)
    services.offer_mark_paid(offer=offer, paid_at=offer.sent_at, payment_reference="p")
    response = alice_client.post(_url(offer), _form(offer, holder_name="Zmiana"))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.holder_name == "Anna Kowalska"


def test_it_hides_another_agents_offer(bob, alice_client):
    offer = make_offer(bob)
    assert alice_client.get(_url(offer)).status_code == 404
    assert alice_client.post(_url(offer), _form(offer)).status_code == 404


def test_it_refuses_delete(alice, alice_client):
    offer = make_offer(alice)
    assert alice_client.delete(_url(offer)).status_code == 405
