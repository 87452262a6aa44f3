"""The client's side of remote sale: entering an offer, its documents, consents and payment.

The secrets a client enters are weak by the insurer's own rules (an access code
and a file password each have 10,000 possible values), so the limits carry the
security: 5 wrong answers for one offer, or from one IP, within 15 minutes lock
entry for 15 minutes (even for the right answer); 10 wrong answers for an offer
since the agent last issued its code void the code and refuse the PESEL and
file-password steps, until the agent sends the offer or issues the code again.
Every wrong answer gets the same message, whatever was wrong.

Nothing here reads the request: views pass the client's IP and user agent.
"""

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import ratelimit
from accounts.audit import security_event
from accounts.fields import blind_index, normalise_identifier
from notifications.pdf import encrypt_pdf
from notifications.services import email_enqueue
from payments import services as payment_services
from payments.models import Payment
from payments.providers.base import ProviderError

from . import documents, services
from .evidence import (
    CONSENTS,
    DOCUMENT_KINDS,
    ClientEntryFailure,
    ConsentAcceptance,
    DocumentDownload,
)
from .models import PAYABLE_TYPE, WARSAW, Offer, OfferEvent, ProductDocument
from .selectors import consents_done, downloads_done

OFFER_LIMIT = ratelimit.Limit("dms-offer", max_failures=5, window=15 * 60, lockout=15 * 60)
IP_LIMIT = ratelimit.Limit("dms-ip", max_failures=5, window=15 * 60, lockout=15 * 60)
CODE_VOID_AFTER = 10

WRONG_ANSWER = _(
    "Podane dane są nieprawidłowe. Sprawdź je i spróbuj ponownie. Jeśli dane są na pewno "
    "poprawne, poproś agenta o ponowne wysłanie linka albo nowy kod dostępu."
)
LOCKED = _(
    "Zbyt wiele nieudanych prób. Wejście do oferty jest zablokowane na %(minutes)s min. "
    "Spróbuj ponownie później albo skontaktuj się z agentem."
)

_PRODUCT_KIND = {
    DocumentDownload.Kind.OWU: ProductDocument.Kind.OWU,
    DocumentDownload.Kind.REGULATIONS: ProductDocument.Kind.REGULATIONS,
}


class EntryRefused(Exception):
    """A wrong answer, or entry locked. The message is for the client."""

    def __init__(self, message: Any, *, locked: bool = False) -> None:
        super().__init__(str(message))
        self.message = message
        self.locked = locked


class ClientStepError(Exception):
    """A step the client cannot take yet (or any more). The message says what to do."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Visitor:
    """Who is on the other end: kept as evidence, never a secret."""

    ip: str
    user_agent: str = ""

    @property
    def ip_or_none(self) -> str | None:
        return None if self.ip == "unknown" else self.ip


# Limits ----------------------------------------------------------------------------


def _offer_key(offer: Offer) -> str:
    return f"offer:{offer.pk}"


def _ip_key(visitor: Visitor) -> str:
    return f"ip:{visitor.ip}"


def _entry_lock(offers: list[Offer]) -> None:
    """Lock the offers' rows until the answer is judged and counted.

    Answers sent at once are then judged one by one, and each sees the lock
    the previous ones set: without it a burst could get many guesses past
    the limiter before the first failure was counted.
    """
    pks = sorted(o.pk for o in offers)
    list(Offer.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk"))


def _attempt(offers: list[Offer], visitor: Visitor) -> ratelimit.Attempt:
    """Count this answer against the IP and each offer before it is judged.

    Refused answers are not judged at all: locked, or the keys already hold
    their 5 answers (however many arrive at once, in however many processes).
    """
    pairs = [(IP_LIMIT, _ip_key(visitor))] + [(OFFER_LIMIT, _offer_key(o)) for o in offers]
    try:
        attempt = ratelimit.attempt(*pairs)
    except ratelimit.Unavailable:
        security_event("dms.limiter_unavailable", who="offer:-")
        raise EntryRefused(ratelimit.UNAVAILABLE_MESSAGE, locked=True) from None
    if attempt.refused:
        minutes = attempt.decision.retry_after_minutes
        raise EntryRefused(LOCKED % {"minutes": minutes}, locked=True)
    return attempt


def code_generation_started(offer: Offer) -> datetime | None:
    """When the agent last issued the access code (generated it, or sent the offer)."""
    moments = [m for m in (offer.access_code_enabled_at, offer.sent_at) if m is not None]
    return max(moments, default=None)


def access_code_voided(offer: Offer) -> bool:
    """Ten wrong answers since the code was issued void it until the agent issues it again."""
    since = code_generation_started(offer)
    failures = offer.entry_failures.all()
    if since is not None:
        failures = failures.filter(at__gte=since)
    return failures.count() >= CODE_VOID_AFTER


def _failure_record(
    offers: list[Offer], kind: str, visitor: Visitor, attempt: ratelimit.Attempt
) -> None:
    """The answer was wrong: lock, void and tell the agent as the rules say."""
    ip_decision, *offer_decisions = attempt.failed()
    if not offers:
        security_event("dms.entry_failure", who="offer:-", kind=kind, ip_locked=ip_decision.locked)
        return
    for offer, offer_decision in zip(offers, offer_decisions, strict=True):
        _failure_record_offer(offer, kind, visitor, ip_decision, offer_decision)


def _failure_record_offer(
    offer: Offer,
    kind: str,
    visitor: Visitor,
    ip_decision: ratelimit.Decision,
    offer_decision: ratelimit.Decision,
) -> None:
    with transaction.atomic():
        offer = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("agent", "product")
            .get(pk=offer.pk)
        )
        voided_before = access_code_voided(offer)
        ClientEntryFailure.objects.create(offer=offer, kind=kind, ip=visitor.ip_or_none)
        security_event(
            "dms.entry_failure",
            who=f"offer:{offer.pk}",
            kind=kind,
            offer_locked=offer_decision.locked,
            ip_locked=ip_decision.locked,
        )
        if offer_decision.locked or ip_decision.locked:
            scope = "offer" if offer_decision.locked else "ip"
            _tell_agent_locked(offer, scope=scope, visitor=visitor)
        if not voided_before and access_code_voided(offer):
            services.offer_record_client_event(
                offer=offer, kind=OfferEvent.Kind.ACCESS_CODE_VOIDED, details={"failures": 10}
            )
            _tell_agent(offer, "client_code_voided")


def _tell_agent_locked(offer: Offer, *, scope: str, visitor: Visitor) -> None:
    services.offer_record_client_event(
        offer=offer,
        kind=OfferEvent.Kind.CLIENT_LOCKED,
        details={"scope": scope, "minutes": OFFER_LIMIT.lockout // 60, "ip": visitor.ip},
    )
    _tell_agent(offer, "client_entry_locked", scope=scope, minutes=OFFER_LIMIT.lockout // 60)


def _tell_agent(offer: Offer, template: str, **extra: Any) -> None:
    email_enqueue(
        to=offer.agent.email,
        template=template,
        context={
            "offer": offer,
            "number": offer.display_number,
            "agent": offer.agent,
            "at": timezone.now().astimezone(WARSAW),
            **extra,
        },
        topic=f"offer:{offer.pk}",
    )


# Entry --------------------------------------------------------------------------------


def _normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


def offer_enter_by_link(*, token: str) -> Offer | None:
    """The offer of an active link (the token is then forgotten), or None."""
    link = services.dms_link_resolve(token=token)
    if link is None:
        return None
    type(link).objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return link.offer


def offer_enter_by_code(*, email: str, code: str, visitor: Visitor) -> Offer:
    """E-mail + access code (old portal, or no e-mail consent). Raises EntryRefused."""
    candidates = list(
        Offer.objects.select_related("product", "agent").filter(
            email__iexact=email.strip(), state=Offer.State.SENT
        )
    )
    code = _normalise_code(code)
    now = timezone.now()
    with transaction.atomic():
        _entry_lock(candidates)
        attempt = _attempt(candidates, visitor)
        for offer in candidates:
            right = hmac.compare_digest(offer.access_code.encode(), code.encode())
            usable = offer.access_code_active and not offer.deadline_passed(now)
            # A voided code is refused with the same message: the code itself never
            # changes (INTER + 4 digits), so telling it apart would confirm a guess.
            if right and usable and not access_code_voided(offer):
                attempt.succeeded()
                return offer
        _failure_record(candidates, ClientEntryFailure.Kind.ACCESS_CODE, visitor, attempt)
    raise EntryRefused(WRONG_ANSWER)


def offer_check_pesel(*, offer: Offer, pesel: str, visitor: Visitor) -> None:
    """New portal: only the policyholder's PESEL lets the client in. Raises EntryRefused."""
    typed = blind_index(normalise_identifier(pesel)) if pesel.strip() else ""
    expected = offer.holder_pesel_index or ""
    with transaction.atomic():
        _entry_lock([offer])
        attempt = _attempt([offer], visitor)
        right = bool(typed and expected and hmac.compare_digest(typed, expected))
        right = right and not access_code_voided(offer)
        if right:
            attempt.succeeded()
        else:
            _failure_record([offer], ClientEntryFailure.Kind.PESEL, visitor, attempt)
    if not right:
        raise EntryRefused(WRONG_ANSWER)


def offer_check_file_password(*, offer: Offer, password: str, visitor: Visitor) -> None:
    """Old portal, "ZOBACZ OFERTĘ": the last 4 digits of the holder's NIP or PESEL."""
    expected = offer.file_password
    typed = password.strip()
    with transaction.atomic():
        _entry_lock([offer])
        attempt = _attempt([offer], visitor)
        right = len(expected) == 4 and hmac.compare_digest(typed.encode(), expected.encode())
        # Ten wrong answers stop this step too, not only the code: the link skips
        # the code, and 10,000 passwords would otherwise be tried 5 per 15 minutes.
        right = right and not access_code_voided(offer)
        if right:
            attempt.succeeded()
        else:
            _failure_record([offer], ClientEntryFailure.Kind.FILE_PASSWORD, visitor, attempt)
    if not right:
        raise EntryRefused(WRONG_ANSWER)


def client_entered(*, offer: Offer, via: str, step: str, visitor: Visitor) -> OfferEvent:
    """The client is in (or has unlocked the offer): one line in the timeline."""
    security_event("dms.client_entered", who=f"offer:{offer.pk}", via=via, step=step)
    return services.offer_record_client_event(
        offer=offer,
        kind=OfferEvent.Kind.CLIENT_LOGIN,
        details={"via": via, "step": step, "ip": visitor.ip},
    )


# What the client may do now -------------------------------------------------------------


def offer_for_client(offer_id: int) -> Offer | None:
    return Offer.objects.select_related("product", "package", "agent").filter(pk=offer_id).first()


def offer_can_pay(offer: Offer, now: datetime | None = None) -> bool:
    return offer.may_take_money(now)


def documents_available(offer: Offer, now: datetime | None = None) -> bool:
    """While the offer can be paid, and after it was; not once it is cancelled or out of time."""
    return offer.state in {Offer.State.PAID, Offer.State.POLICY} or offer_can_pay(offer, now)


def _require_payable(offer: Offer) -> None:
    if offer.state in (Offer.State.PAID, Offer.State.POLICY):
        raise ClientStepError(_("Ta oferta jest już opłacona. Polisę wysłaliśmy na e-mail."))
    if not offer_can_pay(offer):
        raise ClientStepError(
            _(
                "Ta oferta jest już nieaktualna (minął termin płatności albo agent ją anulował). "
                "Poproś agenta o przygotowanie nowej oferty."
            )
        )


# Documents -------------------------------------------------------------------------------


def document_for_client(*, offer: Offer, kind: str) -> tuple[str, bytes]:
    """The exact file to serve: the offer PDF is encrypted, the OWU and regulations are not."""
    if kind == DocumentDownload.Kind.OFFER:
        data = encrypt_pdf(documents.offer_pdf(offer), offer.document_password)
        return documents.offer_pdf_filename(offer), data
    document = documents.product_document(
        product=offer.product, kind=_PRODUCT_KIND[DocumentDownload.Kind(kind)]
    )
    with document.file.open("rb") as handle:
        return document.filename, handle.read()


@transaction.atomic
def document_download_record(
    *, offer: Offer, kind: str, filename: str, data: bytes, visitor: Visitor
) -> DocumentDownload:
    """Keep the SHA-256 of the bytes served, with who and when; add it to the timeline."""
    download = DocumentDownload.objects.create(
        offer=offer,
        offer_version=offer.version,
        kind=kind,
        filename=filename,
        sha256=DocumentDownload.digest(data),
        size=len(data),
        ip=visitor.ip_or_none,
        user_agent=visitor.user_agent[:500],
    )
    services.offer_record_client_event(
        offer=offer,
        kind=OfferEvent.Kind.CLIENT_DOWNLOAD,
        details={"document": kind, "sha256": download.sha256, "ip": visitor.ip},
    )
    return download


# Consents and payment ----------------------------------------------------------------------


@transaction.atomic
def consents_accept(*, offer: Offer, codes: set[str], visitor: Visitor) -> list[ConsentAcceptance]:
    """Record the ticked consents for this version of the offer, after all three downloads."""
    offer = Offer.objects.select_for_update(of=("self",)).select_related("product").get(pk=offer.pk)
    _require_payable(offer)
    if downloads_done(offer) != set(DOCUMENT_KINDS):
        raise ClientStepError(
            _("Najpierw pobierz wszystkie trzy dokumenty: ofertę, OWU i regulamin.")
        )
    missing = [c for c in CONSENTS if c.required and c.code not in codes]
    if missing:
        raise ClientStepError(_("Zaznacz wszystkie wymagane zgody."))
    rows = [
        ConsentAcceptance.objects.create(
            offer=offer,
            offer_version=offer.version,
            code=c.code,
            text_version=c.version,
            text=c.text,
            text_sha256=DocumentDownload.digest(c.text.encode()),
            ip=visitor.ip_or_none,
            user_agent=visitor.user_agent[:500],
        )
        for c in CONSENTS
        if c.code in codes
    ]
    services.offer_record_client_event(
        offer=offer,
        kind=OfferEvent.Kind.CLIENT_ACCEPTED,
        details={"consents": {r.code: r.text_version for r in rows}, "ip": visitor.ip},
    )
    return rows


def offer_payment_start(*, offer: Offer, method: str, visitor: Visitor) -> str:
    """Start paying the offer through `payments`; return where to send the client.

    Not atomic on purpose: payments commits its row before calling the
    provider, and holds no lock while the provider answers.
    """
    offer = offer_for_client(offer.pk) or offer
    _require_payable(offer)
    if downloads_done(offer) != set(DOCUMENT_KINDS) or not consents_done(offer):
        raise ClientStepError(
            _("Przed płatnością pobierz wszystkie trzy dokumenty i zaznacz wymagane zgody.")
        )
    if method not in Payment.Method.values:
        raise ClientStepError(_("Wybierz sposób płatności: BLIK, przelew albo kartę."))
    services.offer_record_client_event(
        offer=offer,
        kind=OfferEvent.Kind.PAYMENT_STARTED,
        details={"method": method, "amount": str(offer.premium), "ip": visitor.ip},
    )
    try:
        _payment, url = payment_services.payment_start(
            payable_type=PAYABLE_TYPE,
            payable_id=str(offer.pk),
            amount=offer.premium,
            description=f"Oferta {offer.display_number}",
            customer_email=offer.email,
            method=method,
            success_url=reverse("offers:client-paid"),
            cancel_url=reverse("offers:client-offer"),
        )
    except payment_services.PaymentStartError as exc:
        raise ClientStepError(
            _("Nie udało się rozpocząć płatności. Odśwież stronę i spróbuj ponownie.")
        ) from exc
    except ProviderError as exc:  # the provider is down or refused: the client can retry
        raise ClientStepError(
            _("Operator płatności jest chwilowo niedostępny. Spróbuj ponownie za kilka minut.")
        ) from exc
    return url
