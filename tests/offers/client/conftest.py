"""Client-side fixtures: sent offers of both portals, their link tokens, a client that is in."""

import io
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import User
from notifications.models import OutboxMessage
from offers import services
from offers.models import Offer, Package
from payments.models import Payment
from payments.providers.base import OUTCOME_FAILED, OUTCOME_SUCCEEDED, PaymentUpdate
from payments.services import payment_apply_event

PESEL = "85010112345"
OTHER_PESEL = "90020223457"
NIP = "5260250274"  # file password of the old-portal company: 0274
REGON = "012345675"
TOKEN_IN_LINK = re.compile(r"/oferta/link/([A-Za-z0-9_-]+)/")


@dataclass
class Sent:
    offer: Offer
    token: str

    @property
    def link(self) -> str:
        return reverse("offers:client-link", args=[self.token])


def _details(series: str, days: int, **overrides: object) -> services.OfferDetails:
    package = Package.objects.filter(product__code=series).order_by("position").first()
    assert package is not None
    values: dict[str, object] = {
        "package": package,
        "protection_start": services.local_today() + timedelta(days=days),
        "holder_kind": "person",
        "holder_name": "Anna Kowalska",
        "holder_pesel": PESEL,
        "email": "anna@example.com",
        "mobile": "+48600100200",
        "email_consent": True,
    }
    if package.product.portal == "old":
        values.update(
            holder_kind="company",
            holder_name="Przychodnia Zdrowie sp. z o.o.",
            holder_pesel="",
            holder_nip=NIP,
            holder_regon=REGON,
            email="biuro@przychodnia.example",
        )
    values.update(overrides)
    return services.OfferDetails(**values)  # type: ignore[arg-type]


def create(agent: User, series: str = "FM_T", *, days: int = 30, **overrides: object) -> Offer:
    return services.offer_create(agent=agent, details=_details(series, days, **overrides))


def send(agent: User, series: str = "FM_T", *, days: int = 30, **overrides: object) -> Sent:
    """Create and send an offer via DMS; the token is read from the e-mail in the outbox."""
    offer = services.offer_create(agent=agent, details=_details(series, days, **overrides))
    services.offer_send_dms(offer=offer, actor=agent)
    offer.refresh_from_db()
    message = OutboxMessage.objects.filter(topic=f"offer:{offer.pk}").latest("pk")
    match = TOKEN_IN_LINK.search(message.body_text)
    assert match, message.body_text
    return Sent(offer, match.group(1))


@pytest.fixture
def new_sent(alice: User) -> Sent:
    return send(alice, "FM_T")


@pytest.fixture
def old_sent(alice: User) -> Sent:
    return send(alice, "POC_T")


def enter_new(client: Client, sent: Sent, pesel: str = PESEL) -> None:
    client.get(sent.link)
    response = client.post(reverse("offers:client-pesel"), {"pesel": pesel})
    assert response.status_code == 303, response.content.decode()[:2000]


def enter_old(client: Client, sent: Sent, password: str = "0274") -> None:  # noqa: S107
    client.get(sent.link)
    response = client.post(reverse("offers:client-password"), {"password": password})
    assert response.status_code == 303, response.content.decode()[:2000]


@pytest.fixture
def new_client(client: Client, new_sent: Sent) -> Client:
    enter_new(client, new_sent)
    return client


@pytest.fixture
def old_client(client: Client, old_sent: Sent) -> Client:
    enter_old(client, old_sent)
    return client


ALL_CONSENTS = {"documents": "on", "distance": "on", "electronic": "on"}


def download_all(client: Client) -> dict[str, bytes]:
    files = {}
    for slug in ("oferta", "owu", "regulamin"):
        response = client.get(reverse("offers:client-document", args=[slug]))
        assert response.status_code == 200
        files[slug] = response.content
    return files


def ready_to_pay(client: Client) -> None:
    download_all(client)
    response = client.post(reverse("offers:client-consents"), ALL_CONSENTS)
    assert response.status_code == 303


def start_payment(client: Client, method: str = "blik") -> Payment:
    response = client.post(reverse("offers:client-pay"), {"method": method})
    assert response.status_code == 303, response
    return Payment.objects.latest("pk")


def provider_says(
    payment: Payment,
    outcome: str = OUTCOME_SUCCEEDED,
    *,
    amount: Decimal | None = None,
    currency: str = "pln",
    failure_code: str = "",
) -> Payment:
    """Apply a provider's report, as the webhook task would."""
    amount = payment.amount if amount is None else amount
    update = PaymentUpdate(
        outcome=outcome,
        payment_ref=str(payment.public_id),
        amount_minor=int(amount * 100) if outcome == OUTCOME_SUCCEEDED else None,
        currency=currency,
        method=payment.method,
        failure_code=failure_code,
    )
    return payment_apply_event(payment_id=payment.pk, update=update, source="webhook")


def fail(payment: Payment, code: str = "customer_declined") -> Payment:
    return provider_says(payment, OUTCOME_FAILED, failure_code=code)


def opens_with(data: bytes, password: str) -> bool:
    reader = PdfReader(io.BytesIO(data))
    if not reader.is_encrypted:
        return False
    return bool(reader.decrypt(password)) and len(reader.pages) > 0


def pdf_text(data: bytes, password: str) -> str:
    reader = PdfReader(io.BytesIO(data))
    reader.decrypt(password)
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def client_factory(db):  # type: ignore[no-untyped-def]
    """Another browser, from another address."""

    def make(**defaults: str) -> Client:
        return Client(**defaults)

    return make


def frozen():  # type: ignore[no-untyped-def]
    """Freeze the clock at the present moment (after the offer was sent)."""
    import time_machine
    from django.utils import timezone

    return time_machine.travel(timezone.now() + timedelta(seconds=1), tick=False)


def pay_in_sandbox(payment: Payment, method: str = "", *, decline: bool = False) -> None:
    """Pay on the sandbox's hosted page: it signs and delivers the webhook after commit."""
    from payments.sandbox import sandbox_checkout_complete

    sandbox_checkout_complete(
        checkout_id=payment.checkout_id,
        method=method or payment.method or "blik",
        blik_code="123456",
        decline=decline,
    )
