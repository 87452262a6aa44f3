"""Every change to an offer, in one place.

Each service locks the offer row, checks that the transition is allowed,
changes the row, appends an OfferEvent to the timeline and queues anything
that leaves the machine (e-mail) after commit through the outbox.

State machine (anything else raises OfferError):

    draft ──send / access code──▶ sent ──offer_mark_paid──▶ paid ──offer_issue_policy──▶ policy
    draft, sent ──offer_cancel──▶ cancelled
    draft, sent ──deadline passes (beat)──▶ expired
    expired ──offer_mark_paid, paid before the deadline (late notice)──▶ paid
"""

import secrets
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q
from django.db.models.functions import Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.services import email_enqueue

from .models import (
    LINK_LIFETIME,
    WARSAW,
    DmsLink,
    Offer,
    OfferEvent,
    Package,
    hash_token,
    payment_deadline_for,
    protection_end_for,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise  # lazy text, in the type stubs only

SYSTEM = "system"
CLIENT = "klient"
PAYMENTS = "płatności"
REMINDER_WINDOWS = (
    (timedelta(hours=24), "reminder_24h_sent_at"),
    (timedelta(hours=72), "reminder_72h_sent_at"),
)


class OfferError(Exception):
    """A transition the offer's state or dates do not allow. The message is for the agent."""

    def __init__(self, message: "str | _StrPromise") -> None:
        super().__init__(str(message))
        self.message = message


class OfferNotOpen(OfferError):
    pass


class DeadlinePassed(OfferError):
    pass


class PolicyRequiresPayment(OfferError):
    pass


@dataclass
class OfferDetails:
    """What the agent fills in; the form produces it, offer_create/offer_update consume it."""

    package: Package
    protection_start: date
    holder_kind: str
    holder_name: str
    holder_pesel: str = ""
    holder_nip: str = ""
    holder_regon: str = ""
    holder_address: str = ""
    insured_same_as_holder: bool = True
    insured_kind: str = ""
    insured_name: str = ""
    insured_pesel: str = ""
    insured_nip: str = ""
    insured_regon: str = ""
    email: str = ""
    mobile: str = ""
    email_consent: bool = False

    @classmethod
    def from_offer(cls, offer: Offer) -> "OfferDetails":
        values = {f.name: getattr(offer, f.name) for f in fields(cls)}
        return cls(**values)

    def as_fields(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class SendOutcome(StrEnum):
    SENT = "sent"
    NO_CONSENT = "no_consent"


@dataclass(frozen=True)
class SendResult:
    outcome: SendOutcome
    offer: Offer
    link: DmsLink | None = None


# Helpers ---------------------------------------------------------------------


def local_today() -> date:
    return timezone.now().astimezone(WARSAW).date()


def _lock(offer: Offer) -> Offer:
    # of=("self",): lock the offer only, not the product rows joined for display.
    return (
        Offer.objects.select_for_update(of=("self",))
        .select_related("product", "package", "agent")
        .get(pk=offer.pk)
    )


def _record(
    offer: Offer,
    kind: str,
    *,
    actor: User | None = None,
    actor_label: str = "",
    at: datetime | None = None,
    **details: Any,
) -> OfferEvent:
    return OfferEvent.objects.create(
        offer=offer,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        offer_version=offer.version,
        at=at or timezone.now(),
        details=details,
    )


def _require_open(offer: Offer) -> None:
    if not offer.is_open:
        raise OfferNotOpen(
            _("Oferta jest w stanie „%(state)s” — tej czynności nie można już wykonać.")
            % {"state": offer.get_state_display()}
        )


def _require_before_deadline(offer: Offer, now: datetime) -> None:
    if offer.deadline_passed(now):
        raise DeadlinePassed(
            _("Termin płatności tej oferty minął (%(deadline)s). Przygotuj nową ofertę.")
            % {"deadline": offer.payment_deadline_local.strftime("%d.%m.%Y %H:%M")}
        )


def _next_offer_number() -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('offers_offer_number_seq')")
            return int(cursor.fetchone()[0])
    # SQLite (embedded `make run` only) serialises writers and offers are never
    # deleted, so max + 1 is unique there; PostgreSQL uses the sequence above.
    current = Offer.objects.aggregate(top=Max("number"))["top"] or 248_099_999
    return current + 1


def _apply_details(offer: Offer, details: OfferDetails) -> list[str]:
    """Copy the details onto the offer; return the names of the fields that changed."""
    changed = []
    values = details.as_fields()
    if values["insured_same_as_holder"]:
        for name in (
            "insured_kind",
            "insured_name",
            "insured_pesel",
            "insured_nip",
            "insured_regon",
        ):
            values[name] = ""
    package = values.pop("package")
    if offer.package_id != package.pk:
        offer.package = package
        changed.append("package")
    for name, value in values.items():
        if getattr(offer, name) != value:
            setattr(offer, name, value)
            changed.append(name)
    offer.product = details.package.product
    if offer.premium != details.package.premium:
        offer.premium = details.package.premium
        changed.append("premium")
    offer.protection_end = protection_end_for(offer.protection_start)
    offer.payment_deadline = payment_deadline_for(offer.protection_start)
    return changed


def _email_context(offer: Offer, **extra: Any) -> dict[str, Any]:
    return {
        "offer": offer,
        "number": offer.display_number,
        "deadline": offer.payment_deadline_local,
        "client_access_url": settings.PORTAL_BASE_URL + reverse("offers:client-access"),
        **extra,
    }


# Links -----------------------------------------------------------------------


def client_link_url(token: str) -> str:
    return settings.PORTAL_BASE_URL + reverse("offers:client-link", args=[token])


def _link_create(offer: Offer, *, actor: User | None, now: datetime) -> tuple[DmsLink, str]:
    """A fresh link: 14 days from now, but never past the payment deadline."""
    token = secrets.token_urlsafe(32)  # 256 random bits
    link = DmsLink.objects.create(
        offer=offer,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=min(now + LINK_LIFETIME, offer.payment_deadline),
        created_by=actor,
    )
    return link, token


def _links_end(offer: Offer, now: datetime) -> int:
    return offer.links.filter(revoked_at__isnull=True).update(revoked_at=now)


def dms_link_resolve(*, token: str, now: datetime | None = None) -> DmsLink | None:
    """The active link for a token, with its offer; None when unknown, expired or revoked."""
    now = now or timezone.now()
    link = (
        DmsLink.objects.select_related("offer", "offer__product", "offer__package")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None or not link.is_active(now) or link.offer.state != Offer.State.SENT:
        return None
    return link


@transaction.atomic
def dms_link_revoke(*, link: DmsLink, actor: User) -> DmsLink:
    offer = _lock(link.offer)
    now = timezone.now()
    revoked = DmsLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=now)
    if revoked:
        _record(offer, OfferEvent.Kind.LINK_REVOKED, actor=actor, link=link.pk)
    link.refresh_from_db()
    return link


# Agent's actions ---------------------------------------------------------------


@transaction.atomic
def offer_create(*, agent: User, details: OfferDetails, copied_from: Offer | None = None) -> Offer:
    """A new draft offer with a number from the database sequence."""
    now = timezone.now()
    offer = Offer(agent=agent, number=_next_offer_number(), issued_on=local_today())
    offer.protection_start = details.protection_start
    _apply_details(offer, details)
    _require_before_deadline(offer, now)
    offer.copied_from = copied_from
    offer.save()
    extra = {"copied_from": copied_from.display_number} if copied_from else {}
    _record(offer, OfferEvent.Kind.CREATED, actor=agent, at=now, **extra)
    return offer


@transaction.atomic
def offer_update(*, offer: Offer, details: OfferDetails, actor: User) -> Offer:
    """Change an unpaid offer; the version goes up so the client must accept it again."""
    offer = _lock(offer)
    _require_open(offer)
    now = timezone.now()
    old_deadline = offer.payment_deadline
    changed = _apply_details(offer, details)
    _require_before_deadline(offer, now)
    if not changed:
        return offer
    offer.version += 1
    update_fields = [*changed, "product", "protection_end", "payment_deadline", "version"]
    if offer.payment_deadline != old_deadline:
        offer.reminder_72h_sent_at = offer.reminder_24h_sent_at = None
        update_fields += ["reminder_72h_sent_at", "reminder_24h_sent_at"]
        # A link never outlives the deadline, also when the deadline moves earlier.
        offer.links.filter(expires_at__gt=offer.payment_deadline).update(
            expires_at=Least("expires_at", offer.payment_deadline)
        )
    # Links went to the old address; if it was mistyped, a stranger holds them.
    links_ended = _links_end(offer, now) if "email" in changed else 0
    # The identifiers' hashes and masked copy follow by themselves (CompanionsInStep).
    offer.save(update_fields=[*dict.fromkeys(update_fields), "updated_at"])
    _record(
        offer,
        OfferEvent.Kind.EDITED,
        actor=actor,
        at=now,
        fields=sorted(set(changed)),
        reaccept=offer.state == Offer.State.SENT,
        links_ended=links_ended,
    )
    return offer


@transaction.atomic
def offer_cancel(*, offer: Offer, actor: User) -> Offer:
    offer = _lock(offer)
    _require_open(offer)
    now = timezone.now()
    offer.state, offer.cancelled_at = Offer.State.CANCELLED, now
    offer.save(update_fields=["state", "cancelled_at", "updated_at"])
    ended = _links_end(offer, now)
    _record(offer, OfferEvent.Kind.CANCELLED, actor=actor, at=now, links_ended=ended)
    return offer


@transaction.atomic
def offer_send_dms(*, offer: Offer, actor: User, revoke_previous: bool = False) -> SendResult:
    """ "Wyślij w DMS": e-mail a fresh link if the client consented; otherwise send nothing."""
    offer = _lock(offer)
    _require_open(offer)
    now = timezone.now()
    _require_before_deadline(offer, now)
    if not offer.email_consent or not offer.email:
        _record(offer, OfferEvent.Kind.NO_CONSENT, actor=actor, at=now)
        return SendResult(SendOutcome.NO_CONSENT, offer)
    revoked = _links_end(offer, now) if revoke_previous else 0
    link, token = _link_create(offer, actor=actor, now=now)
    resend = offer.state == Offer.State.SENT
    _mark_sent(offer, now)
    _record(
        offer,
        OfferEvent.Kind.SENT,
        actor=actor,
        at=now,
        link=link.pk,
        resend=resend,
        links_revoked=revoked,
    )
    email_enqueue(
        to=offer.email,
        template="offer_link",
        context=_email_context(offer, url=client_link_url(token), link=link),
        topic=f"offer:{offer.pk}",
    )
    return SendResult(SendOutcome.SENT, offer, link)


def _mark_sent(offer: Offer, now: datetime) -> None:
    offer.state = Offer.State.SENT
    offer.sent_at = now
    # The client has just been told; a reminder whose window has already begun would repeat it.
    for window, field in REMINDER_WINDOWS:
        if getattr(offer, field) is None and offer.payment_deadline - now <= window:
            setattr(offer, field, now)
    offer.save(
        update_fields=[
            "state",
            "sent_at",
            "reminder_72h_sent_at",
            "reminder_24h_sent_at",
            "updated_at",
        ]
    )


@transaction.atomic
def offer_record_consent(
    *,
    offer: Offer,
    actor: User,
    informed_on: date,
    email: str = "",
    mobile: str = "",
    generate_access_code: bool = False,
) -> Offer:
    """No e-mail consent: record when the client was told, complete contacts, maybe a code."""
    offer = _lock(offer)
    _require_open(offer)
    now = timezone.now()
    _require_before_deadline(offer, now)
    offer.consent_informed_on = informed_on
    offer.email = email or offer.email
    offer.mobile = mobile or offer.mobile
    offer.save(update_fields=["consent_informed_on", "email", "mobile", "updated_at"])
    _record(
        offer,
        OfferEvent.Kind.CONSENT_RECORDED,
        actor=actor,
        at=now,
        informed_on=informed_on.isoformat(),
    )
    if generate_access_code:
        _enable_access_code(offer, actor=actor, now=now)
    return offer


@transaction.atomic
def offer_generate_access_code(*, offer: Offer, actor: User) -> Offer:
    offer = _lock(offer)
    _require_open(offer)
    now = timezone.now()
    _require_before_deadline(offer, now)
    _enable_access_code(offer, actor=actor, now=now)
    return offer


def _enable_access_code(offer: Offer, *, actor: User, now: datetime) -> None:
    offer.access_code_enabled_at = now
    offer.save(update_fields=["access_code_enabled_at", "updated_at"])
    if offer.state == Offer.State.DRAFT:
        _mark_sent(offer, now)
    _record(offer, OfferEvent.Kind.ACCESS_CODE, actor=actor, at=now)


# Payment and policy (called by the client/payments side) -------------------------


def offer_mark_paid(
    *,
    offer: Offer,
    paid_at: datetime,
    payment_reference: str,
    actor_label: str = PAYMENTS,
) -> Offer:
    """Record the client's payment and tell the agent.

    Money after the deadline (or for an offer no longer waiting for it) raises
    DeadlinePassed: the caller refunds it. The refusal stays in the timeline.
    A repeat with the same reference returns the offer unchanged.
    """
    try:
        return _mark_paid(
            offer=offer,
            paid_at=paid_at,
            payment_reference=payment_reference,
            actor_label=actor_label,
        )
    except DeadlinePassed:
        # Recorded in its own transaction: the refused one rolled back.
        with transaction.atomic():
            _record(
                _lock(offer),
                OfferEvent.Kind.LATE_PAYMENT,
                actor_label=actor_label,
                reference=payment_reference,
            )
        raise


@transaction.atomic
def _mark_paid(
    *, offer: Offer, paid_at: datetime, payment_reference: str, actor_label: str
) -> Offer:
    # Locked so that two webhook deliveries cannot both mark the offer paid.
    offer = _lock(offer)
    if offer.state in (Offer.State.PAID, Offer.State.POLICY):
        if offer.payment_reference == payment_reference:
            return offer
        raise OfferNotOpen(_("Ta oferta jest już opłacona."))
    if not offer.may_take_money(paid_at):
        raise DeadlinePassed(_("Płatność wpłynęła po terminie lub oferta nie czeka na płatność."))
    offer.state = Offer.State.PAID
    offer.paid_at, offer.payment_reference = paid_at, payment_reference
    offer.save(update_fields=["state", "paid_at", "payment_reference", "updated_at"])
    _links_end(offer, timezone.now())
    _record(offer, OfferEvent.Kind.PAID, actor_label=actor_label, reference=payment_reference)
    email_enqueue(
        to=offer.agent.email,
        template="offer_paid_agent",
        context=_email_context(offer, agent=offer.agent),
        topic=f"offer:{offer.pk}",
    )
    return offer


@transaction.atomic
def offer_issue_policy(*, offer: Offer, actor: User | None = None, actor_label: str = "") -> Offer:
    """ "Polisuj": a paid offer becomes a policy. Since 9.07.2024 only after payment via DMS."""
    offer = _lock(offer)
    if offer.state == Offer.State.POLICY:
        return offer
    if offer.state != Offer.State.PAID:
        raise PolicyRequiresPayment(
            _(
                "Od 9 lipca 2024 r. polisę można wystawić wyłącznie po opłaceniu oferty przez "
                "Klienta w DMS. Wyślij ofertę w DMS i poczekaj na płatność."
            )
        )
    now = timezone.now()
    offer.state, offer.policy_issued_at = Offer.State.POLICY, now
    offer.save(update_fields=["state", "policy_issued_at", "updated_at"])
    _record(offer, OfferEvent.Kind.POLICY, actor=actor, actor_label=actor_label, at=now)
    return offer


# Lines the client's side writes for steps that the client did not take.
ACTOR_OF_CLIENT_SIDE_EVENT = {
    OfferEvent.Kind.POLICY_SENT: SYSTEM,
    OfferEvent.Kind.CLIENT_LOCKED: SYSTEM,
    OfferEvent.Kind.ACCESS_CODE_VOIDED: SYSTEM,
    OfferEvent.Kind.PAYMENT_FAILED: PAYMENTS,
    OfferEvent.Kind.LATE_PAYMENT: PAYMENTS,
    OfferEvent.Kind.PAYMENT_REFUNDED: PAYMENTS,
}


def offer_record_client_event(
    *, offer: Offer, kind: str, details: dict[str, Any] | None = None
) -> OfferEvent:
    """Append a step of the client's side (login, download, policy sent) to the timeline."""
    actor_label = ACTOR_OF_CLIENT_SIDE_EVENT.get(kind, CLIENT)  # type: ignore[call-overload]  # the kind's choices are the dict's keys
    return _record(offer, kind, actor_label=actor_label, **(details or {}))


# Beat ----------------------------------------------------------------------------


@transaction.atomic
def offer_expire(*, offer: Offer, now: datetime | None = None) -> bool:
    """Unpaid at the deadline: the offer expires and the agent is told. False if not due."""
    now = now or timezone.now()
    offer = _lock(offer)
    if not offer.is_open or not offer.deadline_passed(now):
        return False
    offer.state, offer.expired_at = Offer.State.EXPIRED, now
    offer.save(update_fields=["state", "expired_at", "updated_at"])
    _links_end(offer, now)
    _record(offer, OfferEvent.Kind.EXPIRED, actor_label=SYSTEM, at=now)
    email_enqueue(
        to=offer.agent.email,
        template="offer_expired",
        context=_email_context(offer, agent=offer.agent),
        topic=f"offer:{offer.pk}",
    )
    return True


def offers_expire_overdue(*, now: datetime | None = None) -> int:
    """Expire every open offer whose deadline has passed; each in its own transaction."""
    now = now or timezone.now()
    due = Offer.objects.filter(state__in=Offer.OPEN_STATES, payment_deadline__lte=now)
    return sum(offer_expire(offer=offer, now=now) for offer in due.only("pk").iterator())


@transaction.atomic
def offer_remind(*, offer: Offer, field: str, now: datetime | None = None) -> bool:
    """E-mail one reminder with a fresh link; the field (72 h or 24 h) is claimed first."""
    now = now or timezone.now()
    offer = _lock(offer)
    if offer.state != Offer.State.SENT or offer.deadline_passed(now) or getattr(offer, field):
        return False
    claim = {"reminder_24h_sent_at": now} if field == "reminder_24h_sent_at" else {}
    # A 24-hour reminder also closes the 72-hour one, so a late send gets only one.
    claim["reminder_72h_sent_at"] = offer.reminder_72h_sent_at or now
    Offer.objects.filter(pk=offer.pk).update(**claim)
    for name, value in claim.items():
        setattr(offer, name, value)
    link, token = _link_create(offer, actor=None, now=now)
    hours = 24 if field == "reminder_24h_sent_at" else 72
    _record(offer, OfferEvent.Kind.REMINDER, actor_label=SYSTEM, at=now, hours=hours, link=link.pk)
    email_enqueue(
        to=offer.email,
        template="offer_reminder",
        context=_email_context(offer, url=client_link_url(token), hours=hours),
        topic=f"offer:{offer.pk}",
    )
    return True


def offers_send_reminders(*, now: datetime | None = None) -> int:
    """Remind clients 72 h and 24 h before the deadline of sent, unpaid offers (once each)."""
    now = now or timezone.now()
    sent = 0
    for window, field in REMINDER_WINDOWS:
        due = Offer.objects.filter(
            Q(**{f"{field}__isnull": True}),
            state=Offer.State.SENT,
            email_consent=True,
            payment_deadline__gt=now,
            payment_deadline__lte=now + window,
        ).exclude(email="")
        sent += sum(offer_remind(offer=o, field=field, now=now) for o in due.only("pk").iterator())
    return sent
