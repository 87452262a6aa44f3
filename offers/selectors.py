"""Reads for the agent's pages: the offer list (search, filters, sort) and the timeline."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Case, F, Q, QuerySet, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from stdnum.pl import nip, pesel

from accounts.fields import EncryptedTextField, blind_index, mask_identifier
from accounts.models import User

from .models import WARSAW, Offer, OfferEvent

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


@dataclass(frozen=True)
class OfferRow:
    """One line of the agent's list, formatted once in Python (templates are slower at it)."""

    pk: int
    url: str
    number: str
    package: str
    holder: str
    identifier: str
    premium: str
    protection: str
    deadline: str
    left: str
    close: bool
    state_label: str
    badge: str  # CSS modifier: ok, err or none


def money(value: Decimal) -> str:
    """1200.5 → "1 200,50 zł" (Polish grouping with a non-breaking space)."""
    return format(value, ",.2f").replace(",", "\u00a0").replace(".", ",") + "\u00a0zł"


def time_left(deadline: datetime, now: datetime) -> str:
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return str(_("termin minął"))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return str(ngettext("%(d)d dzień %(h)d godz.", "%(d)d dni %(h)d godz.", days)) % {
            "d": days,
            "h": hours,
        }
    if hours:
        return str(_("%(h)d godz. %(m)d min")) % {"h": hours, "m": rest // 60}
    return str(_("%(m)d min")) % {"m": max(1, rest // 60)}


BADGES = {
    Offer.State.PAID: " badge--ok",
    Offer.State.POLICY: " badge--ok",
    Offer.State.CANCELLED: " badge--err",
    Offer.State.EXPIRED: " badge--err",
}


ROW_VALUES = (
    "pk",
    "number",
    "state",
    "premium",
    "protection_start",
    "protection_end",
    "payment_deadline",
    "holder_name",
    "product__code",
    "package__name",
)


def offer_list_values(offers: QuerySet[Offer]) -> QuerySet[Offer, dict[str, Any]]:
    """The list's columns as plain values: no model instances for a page of rows.

    Only the identifier that the row shows is decrypted (PESEL or NIP), not both.
    """
    identifier = Case(
        When(holder_kind=Offer.PartyKind.COMPANY, then=F("holder_nip")),
        default=F("holder_pesel"),
        output_field=EncryptedTextField(),
    )
    return offers.values(*ROW_VALUES, identifier=identifier)


def offer_rows(values: Iterable[dict[str, Any]], now: datetime) -> list[OfferRow]:
    states = dict(Offer.State.choices)
    # One reverse() for the page instead of one per row.
    url_pattern = reverse("offers:detail", args=[999_999_999]).replace("999999999", "{}")
    soon = now + timedelta(hours=72)
    rows = []
    for v in values:
        deadline = v["payment_deadline"].astimezone(WARSAW)
        is_open = v["state"] in Offer.OPEN_STATES
        rows.append(
            OfferRow(
                pk=v["pk"],
                url=url_pattern.format(v["pk"]),
                number=f"{v['product__code']} {v['number']:09d}",
                package=v["package__name"],
                holder=v["holder_name"],
                identifier=mask_identifier(v["identifier"]),
                premium=money(v["premium"]),
                protection=f"{v['protection_start']:%d.%m.%Y} – {v['protection_end']:%d.%m.%Y}",
                deadline=f"{deadline:%d.%m.%Y %H:%M}",
                left=time_left(deadline, now) if is_open else "",
                close=v["state"] == Offer.State.SENT and now < deadline <= soon,
                state_label=str(states[v["state"]]),
                badge=BADGES.get(v["state"], ""),
            )
        )
    return rows
