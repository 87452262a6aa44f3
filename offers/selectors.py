"""Reads for the agent's pages: the offer list (search, filters, sort) and the timeline."""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from stdnum.pl import nip, pesel

from accounts.fields import blind_index
from accounts.models import User

from .models import Offer, OfferEvent

LIST_COLUMNS = (
    "number",
    "state",
    "premium",
    "issued_on",
    "protection_start",
    "protection_end",
    "payment_deadline",
    "holder_kind",
    "holder_name",
    "holder_pesel",
    "holder_nip",
    "email_consent",
    "created_at",
    "product__code",
    "product__portal",
    "package__name",
)


def _search(queryset: QuerySet[Offer], query: str) -> QuerySet[Offer]:
    query = query.strip()
    if not query:
        return queryset
    compact = "".join(ch for ch in query if ch.isalnum())
    digits = "".join(ch for ch in query if ch.isdigit())
    condition = Q(holder_name__icontains=query) | Q(insured_name__icontains=query)
    # PESEL and NIP are encrypted: only an exact match through the blind index works.
    if len(compact) == 11 and pesel.is_valid(compact):
        condition |= Q(holder_pesel_index=blind_index(compact))
    if len(compact) == 10 and nip.is_valid(compact):
        condition |= Q(holder_nip_index=blind_index(compact))
    # "FM_T 248095725", "248095725" or a tail of the number.
    if digits and len(digits) <= 9:
        if len(digits) == 9:
            condition |= Q(number=int(digits))
        else:
            condition |= Q(number__endswith=digits)
    return queryset.filter(condition)


def offers_for_agent(
    *,
    agent: User,
    query: str = "",
    state: str = "",
    sort: str = "-created_at",
    now: datetime | None = None,
) -> QuerySet[Offer]:
    """The agent's offers, in one query whatever the page size (product and package joined)."""
    now = now or timezone.now()
    queryset = Offer.objects.filter(agent=agent).select_related("product", "package")
    queryset = queryset.only(*LIST_COLUMNS)
    if state == "termin":
        queryset = queryset.filter(
            state=Offer.State.SENT,
            payment_deadline__gt=now,
            payment_deadline__lte=now + timedelta(hours=72),
        )
    elif state in Offer.State.values:
        queryset = queryset.filter(state=state)
    return _search(queryset, query).order_by(sort, "-id")


def offer_timeline(offer: Offer) -> QuerySet[OfferEvent]:
    return offer.events.select_related("actor").order_by("at", "id")
