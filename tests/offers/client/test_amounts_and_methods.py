"""One way to write money and payment methods: pages, e-mails and PDFs agree.

PL_T "OC obowiązkowe podmiotu leczniczego" costs 1200.00, so every place that
shows its premium must read "1 200,00 zł" (non-breaking spaces).
"""

import io
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from notifications.models import OutboxMessage
from offers.evidence import Policy
from offers.models import Package
from payments.formatting import format_amount
from payments.models import Payment

from ..conftest import verified_client
from .conftest import (
    Sent,
    enter_old,
    pay_in_sandbox,
    pdf_text,
    ready_to_pay,
    send,
    start_payment,
)

AMOUNT = "1\u00a0200,00\u00a0zł"
METHODS = ("BLIK", "Przelew (Przelewy24)", "Karta płatnicza")


def _pl_t(alice) -> Sent:  # type: ignore[no-untyped-def]
    package = Package.objects.get(product__code="PL_T", name="OC obowiązkowe podmiotu leczniczego")
    assert package.premium == Decimal("1200.00")
    return send(alice, "PL_T", package=package)


def _text(data: bytes, password: str = "") -> str:
    if password:
        return " ".join(pdf_text(data, password).split(" "))
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_helper_groups_thousands_the_polish_way():
    assert format_amount(Decimal("1200")) == AMOUNT
    assert format_amount(Decimal("1234567.5")) == "1\u00a0234\u00a0567,50\u00a0zł"
    assert format_amount(Decimal("406"), "PLN") == "406,00\u00a0zł"
    assert format_amount(Decimal("10"), "eur") == "10,00\u00a0EUR"
    with translation.override("en"):
        assert format_amount(Decimal("1200")) == "1,200.00\u00a0zł"


def test_no_template_formats_money_by_itself():
    templates = Path(settings.BASE_DIR) / "templates"
    offenders = [
        str(path.relative_to(templates))
        for path in templates.rglob("*")
        if path.is_file()
        and (
            'floatformat:"2' in (text := path.read_text(encoding="utf-8"))
            or re.search(r"(\}\}|%\}) ?zł", text)
        )
    ]
    assert offenders == []


def test_every_page_email_and_pdf_writes_the_premium_alike(
    client, alice, django_capture_on_commit_callbacks
):
    sent = _pl_t(alice)
    agent = verified_client(alice)
    offer_url = reverse("offers:detail", args=[sent.offer.pk])
    assert AMOUNT in agent.get(offer_url).text
    assert AMOUNT in agent.get(reverse("offers:create")).text  # the package select
    link_mail = OutboxMessage.objects.filter(topic=f"offer:{sent.offer.pk}").latest("pk")
    assert AMOUNT in link_mail.body_text and AMOUNT in link_mail.body_html
    assert AMOUNT in _text(agent.get(reverse("offers:pdf", args=[sent.offer.pk])).content)

    enter_old(client, sent)
    assert f"Zapłać {AMOUNT}" in client.get(reverse("offers:client-offer")).text
    ready_to_pay(client)
    payment = start_payment(client, Payment.Method.CARD)
    assert AMOUNT in client.get(reverse("payments:sandbox", args=[payment.checkout_id])).text
    assert AMOUNT in client.get(reverse("payments:wait", args=[payment.public_id])).text
    with django_capture_on_commit_callbacks(execute=True):
        pay_in_sandbox(payment)

    policy = Policy.objects.get(offer=sent.offer)
    assert AMOUNT in agent.get(reverse("offers:policy", args=[sent.offer.pk])).text
    paid_mail = next(m for m in mail.outbox if "Potwierdzenie opłacenia" in m.subject)
    assert AMOUNT in paid_mail.body
    policy_mail = next(m for m in mail.outbox if "Twoja polisa" in m.subject)
    assert AMOUNT in _text(policy_mail.attachments[0][1], "0274")
    certificate = agent.get(reverse("offers:certificate", args=[sent.offer.pk])).content
    assert AMOUNT in _text(certificate)
    assert policy.number in _text(certificate)


def test_payment_methods_read_the_same_on_every_page(
    client, alice, django_capture_on_commit_callbacks
):
    sent = _pl_t(alice)
    enter_old(client, sent)
    offer_page = client.get(reverse("offers:client-offer")).text
    for label in METHODS:
        assert label in offer_page
    ready_to_pay(client)
    payment = start_payment(client, Payment.Method.CARD)
    sandbox_page = client.get(reverse("payments:sandbox", args=[payment.checkout_id])).text
    for label in METHODS:
        assert label in sandbox_page
    assert "Karta płatnicza" in client.get(reverse("payments:wait", args=[payment.public_id])).text
    with django_capture_on_commit_callbacks(execute=True):
        pay_in_sandbox(payment)
    agent = verified_client(alice)
    certificate = agent.get(reverse("offers:certificate", args=[sent.offer.pk])).content
    assert "Karta płatnicza" in _text(certificate)
    assert {str(label) for _value, label in Payment.Method.choices} == set(METHODS)
