"""The agent's offer and policy pages once the client paid: the policy, its PDF, the certificate."""

from django.urls import reverse

from offers.evidence import Policy
from offers.models import Offer

from ..conftest import verified_client
from .conftest import PESEL, Sent, opens_with, pay_in_sandbox, ready_to_pay, send, start_payment


def _paid(client, capture) -> Policy:  # type: ignore[no-untyped-def]
    ready_to_pay(client)
    payment = start_payment(client)
    with capture(execute=True):
        pay_in_sandbox(payment)
    return Policy.objects.get(payment=payment)


def test_the_offer_page_shows_the_policy_instead_of_polisuj(
    new_client, new_sent: Sent, alice, django_capture_on_commit_callbacks
):
    policy = _paid(new_client, django_capture_on_commit_callbacks)
    page = verified_client(alice).get(reverse("offers:detail", args=[new_sent.offer.pk])).text

    assert "Polisuj" not in page
    assert reverse("offers:polisuj", args=[new_sent.offer.pk]) not in page
    assert policy.number in page
    assert f'href="{reverse("offers:policy-pdf", args=[new_sent.offer.pk])}"' in page


def test_the_offer_and_policy_pages_link_to_the_certificate(
    new_client, new_sent: Sent, alice, django_capture_on_commit_callbacks
):
    agent = verified_client(alice)
    certificate = f'href="{reverse("offers:certificate", args=[new_sent.offer.pk])}"'
    assert certificate in agent.get(reverse("offers:detail", args=[new_sent.offer.pk])).text

    policy = _paid(new_client, django_capture_on_commit_callbacks)
    page = agent.get(reverse("offers:policy", args=[new_sent.offer.pk])).text
    assert certificate in page
    assert policy.number in page
    assert agent.get(reverse("offers:certificate", args=[new_sent.offer.pk])).status_code == 200


def test_an_open_offer_still_offers_polisuj(alice, new_sent: Sent):
    page = verified_client(alice).get(reverse("offers:detail", args=[new_sent.offer.pk])).text
    assert "Polisuj" in page


def test_the_agent_downloads_the_policy_pdf_as_the_client_received_it(
    new_client, new_sent: Sent, alice, django_capture_on_commit_callbacks
):
    policy = _paid(new_client, django_capture_on_commit_callbacks)
    response = verified_client(alice).get(reverse("offers:policy-pdf", args=[new_sent.offer.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert policy.number.replace("/", "_") in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert opens_with(response.content, PESEL)


def test_there_is_no_policy_pdf_before_payment(alice, new_sent: Sent):
    url = reverse("offers:policy-pdf", args=[new_sent.offer.pk])
    assert verified_client(alice).get(url).status_code == 404


def test_another_agent_gets_no_policy_pdf(
    new_client, new_sent: Sent, bob, django_capture_on_commit_callbacks
):
    _paid(new_client, django_capture_on_commit_callbacks)
    url = reverse("offers:policy-pdf", args=[new_sent.offer.pk])
    assert verified_client(bob).get(url).status_code == 404
    assert Offer.objects.get(pk=new_sent.offer.pk).state == Offer.State.POLICY


def test_the_policy_pdf_refuses_post(alice, new_sent: Sent):
    url = reverse("offers:policy-pdf", args=[new_sent.offer.pk])
    assert verified_client(alice).post(url).status_code == 405


def test_a_cancelled_offer_offers_no_polisuj(alice):
    from offers import services

    sent = send(alice)
    services.offer_cancel(offer=sent.offer, actor=alice)
    page = verified_client(alice).get(reverse("offers:detail", args=[sent.offer.pk])).text
    assert "Polisuj" not in page
