"""What the DMS benchmarks share: sent offers waiting for payment, and signed events.

The offers are made through the services a client's browser would call
(create, send, three downloads, consents, start a BLIK payment in the sandbox),
so that each payment is PENDING exactly as after a real checkout. The events
are built from Stripe's published fixtures (`tests/payments/stripe_fixtures.json`,
copied from stripe/openapi `fixtures3.json`) and signed as Stripe signs them.

Import this module only once Django is set up (inside a seed function).
"""

import copy
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.harness import ROOT

FIXTURES = ROOT / "tests" / "payments" / "stripe_fixtures.json"
PROVIDER = "sandbox"  # the only provider that can start payments without the internet
WEBHOOK_PATH = f"/platnosci/webhook/{PROVIDER}/"
AGENT = "bench-agent"
PESEL = "85010112345"
SERIES = "FM_T"  # new portal: the policy PDF opens with the PESEL
# The bulk offers' "offer PDF" download is recorded with these bytes instead of
# a WeasyPrint render (~0.1 s each): the evidence row is all a payment needs.
STAND_IN_PDF = b"%PDF-1.7\n% bench stand-in for the client's offer download\n"

EVENT_TYPES = ("payment_intent.succeeded", "checkout.session.completed")


@dataclass(frozen=True)
class Pending:
    """A seeded offer with a pending sandbox payment: what an event has to name."""

    offer_id: int
    payment_id: int
    public_id: str
    checkout_id: str
    intent_id: str
    amount_minor: int
    method: str


def agent() -> Any:
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role

    user = User.objects.filter(username=AGENT).first()
    if user is None:
        user = User.objects.create_user(
            username=AGENT,
            password=secrets.token_urlsafe(16),
            email="agent@bench.example",
            first_name="Agnieszka",
            last_name="Bench",
        )
        user.groups.add(Group.objects.get(name=Role.AGENT))
    return user


def sent_offer(*, number: int, real_documents: bool = False) -> Any:
    """An FM_T offer sent by DMS, its three documents downloaded and consents ticked."""
    from offers import client_services as cs
    from offers import services
    from offers.evidence import DocumentDownload
    from offers.models import Package

    user = agent()
    package = Package.objects.filter(product__code=SERIES).order_by("position").first()
    assert package is not None, f"no {SERIES} package: are the data migrations applied?"
    details = services.OfferDetails(
        package=package,
        protection_start=services.local_today() + timedelta(days=30),
        holder_kind="person",
        holder_name=f"Anna Kowalska {number}",
        holder_pesel=PESEL,
        email=f"klient{number}@bench.example",
        mobile="+48600100200",
        email_consent=True,
    )
    offer = services.offer_create(agent=user, details=details)
    services.offer_send_dms(offer=offer, actor=user)
    offer = cs.offer_for_client(offer.pk)
    visitor = cs.Visitor(ip="127.0.0.1", user_agent="bench")
    for kind in cs.DOCUMENT_KINDS:
        if kind == DocumentDownload.Kind.OFFER and not real_documents:
            filename, data = "Oferta.pdf", STAND_IN_PDF
        else:
            filename, data = cs.document_for_client(offer=offer, kind=kind)
        cs.document_download_record(
            offer=offer, kind=kind, filename=filename, data=data, visitor=visitor
        )
    cs.consents_accept(offer=offer, codes={c.code for c in cs.CONSENTS}, visitor=visitor)
    return offer


def pending_payment(*, number: int, method: str = "blik") -> Pending:
    """A sent offer whose client has started paying (sandbox checkout open, payment PENDING)."""
    from offers import client_services as cs
    from offers.models import PAYABLE_TYPE
    from payments.models import Payment

    offer = sent_offer(number=number)
    cs.offer_payment_start(
        offer=offer, method=method, visitor=cs.Visitor(ip="127.0.0.1", user_agent="bench")
    )
    payment = Payment.objects.get(payable_type=PAYABLE_TYPE, payable_id=str(offer.pk))
    assert payment.status == Payment.Status.PENDING, payment.status
    return Pending(
        offer_id=offer.pk,
        payment_id=payment.pk,
        public_id=str(payment.public_id),
        checkout_id=payment.checkout_id,
        intent_id=payment.intent_id,
        amount_minor=payment.amount_minor,
        method=payment.method or method,
    )


# Events ------------------------------------------------------------------------------


_resources: dict[str, Any] = {}


def _resource(name: str, **fields: Any) -> dict[str, Any]:
    if not _resources:
        _resources.update(json.loads(Path(FIXTURES).read_text())["resources"])
    obj = copy.deepcopy(_resources[name])
    obj.update(fields)
    return obj


def _session(p: Pending) -> dict[str, Any]:
    return _resource(
        "checkout.session",
        id=p.checkout_id,
        amount_total=p.amount_minor,
        amount_subtotal=p.amount_minor,
        currency="pln",
        client_reference_id=p.public_id,
        metadata={"payment_id": p.public_id},
        payment_intent=p.intent_id,
        payment_method_types=[p.method],
        payment_status="paid",
        status="complete",
        livemode=False,
    )


def _intent(p: Pending) -> dict[str, Any]:
    return _resource(
        "payment_intent",
        id=p.intent_id,
        amount=p.amount_minor,
        amount_received=p.amount_minor,
        currency="pln",
        metadata={"payment_id": p.public_id},
        payment_method_types=[p.method],
        status="succeeded",
        last_payment_error=None,
        livemode=False,
    )


def success_event(event_type: str, pending: Pending) -> bytes:
    """A `payment_intent.succeeded` or `checkout.session.completed` event with a fresh id."""
    obj = _intent(pending) if event_type == "payment_intent.succeeded" else _session(pending)
    event = _resource(
        "event",
        id=f"evt_{secrets.token_hex(12)}",
        type=event_type,
        created=int(time.time()),
        api_version="2026-09-30.endive",
        pending_webhooks=1,
        data={"object": obj},
    )
    return json.dumps(event, separators=(",", ":")).encode()


def sign(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`, as Stripe documents it."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"
