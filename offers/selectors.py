"""Reads: the agent's offer list (search, filters, sort), the timeline, and what the
client has done with an offer (downloads, consents, payments)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import IntegerField, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from stdnum.pl import nip, pesel

from accounts.fields import blind_index
from accounts.models import User
from payments.formatting import format_amount
from payments.models import Payment

from .evidence import CONSENTS, ConsentAcceptance, DocumentDownload
from .models import PAYABLE_TYPE, WARSAW, Offer, OfferEvent

# What the CSV export reads of each offer (product and package joined).
EXPORT_COLUMNS = (
    "number",
    "state",
    "premium",
    "issued_on",
    "protection_start",
    "protection_end",
    "payment_deadline",
    "holder_kind",
    "holder_name",
    "holder_identifier_masked",
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
    """The agent's offers, filtered and sorted: the list reads values, the export rows."""
    now = now or timezone.now()
    queryset = Offer.objects.filter(agent=agent)
    if state == "termin":
        queryset = queryset.filter(
            state=Offer.State.SENT,
            payment_deadline__gt=now,
            payment_deadline__lte=now + timedelta(hours=72),
        )
    elif state in Offer.State.values:
        queryset = queryset.filter(state=state)
    return _search(queryset, query).order_by(sort, "-id")


def offers_for_export(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    """The offers with what the CSV export shows, in one query (product and package joined)."""
    return offers.select_related("product", "package").only(*EXPORT_COLUMNS)


class _CountOf(Subquery):
    """COUNT(*) of a queryset as a column of another query; evaluated once (an InitPlan)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


class OfferPaginator(Paginator):
    """Pages of the list's rows that carry the total in the page's own query.

    The rows join product and package for their names; the total is counted on
    the offers alone (from the (agent, created) index) in a subquery of the
    same statement: one round trip for the page and its count. Past the last
    page no row carries the total: it is then counted on its own and the last
    page is read, as `Paginator.get_page` does.
    """

    def __init__(
        self, rows: QuerySet[Offer, dict[str, Any]], offers: QuerySet[Offer], per_page: int
    ) -> None:
        super().__init__(rows, per_page)
        self.offers = offers

    @cached_property
    def count(self) -> int:
        return self.offers.count()

    def get_page(self, number: Any) -> Page:
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        # object_list is the offers' values() queryset (see offer_list_values).
        total = _CountOf(self.offers.order_by().values("pk"))
        counted = self.object_list.annotate(total=total)  # type: ignore[attr-defined]  # object_list is the offers' values() queryset
        rows = list(counted[bottom : bottom + self.per_page])
        if not rows:
            return super().get_page(number)
        self.count = rows[0]["total"]
        return self._get_page(rows, number, self)  # type: ignore[attr-defined]  # Paginator's own page factory


def offer_timeline(offer: Offer) -> QuerySet[OfferEvent]:
    return offer.events.select_related("actor").order_by("at", "id")


@dataclass(slots=True)
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
    return format_amount(value)


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
    "holder_identifier_masked",
    "product__code",
    "package__name",
)


def offer_list_values(offers: QuerySet[Offer]) -> QuerySet[Offer, dict[str, Any]]:
    """The list's columns as plain values: no model instances, nothing to decrypt."""
    return offers.values(*ROW_VALUES)


def offer_rows(values: Iterable[dict[str, Any]], now: datetime) -> list[OfferRow]:
    labels = {state: str(label) for state, label in Offer.State.choices}
    open_states = {str(state) for state in Offer.OPEN_STATES}
    # One reverse() for the page instead of one per row.
    url_pattern = reverse("offers:detail", args=[999_999_999]).replace("999999999", "{}")
    soon = now + timedelta(hours=72)
    # A page repeats a few dates, deadlines and premiums: each is formatted once.
    dates: dict[date, str] = {}
    deadlines: dict[datetime, tuple[str, str, bool]] = {}
    premiums: dict[Decimal, str] = {}

    def day(value: date) -> str:
        text = dates.get(value)
        if text is None:
            text = dates[value] = f"{value.day:02d}.{value.month:02d}.{value.year}"
        return text

    rows = []
    for v in values:
        deadline = deadlines.get(v["payment_deadline"])
        if deadline is None:
            local = v["payment_deadline"].astimezone(WARSAW)
            deadline = deadlines[v["payment_deadline"]] = (
                f"{day(local.date())} {local.hour:02d}:{local.minute:02d}",
                time_left(local, now),
                now < local <= soon,
            )
        premium = premiums.get(v["premium"])
        if premium is None:
            premium = premiums[v["premium"]] = money(v["premium"])
        state = v["state"]
        rows.append(
            OfferRow(
                pk=v["pk"],
                url=url_pattern.format(v["pk"]),
                number=f"{v['product__code']} {v['number']:09d}",
                package=v["package__name"],
                holder=v["holder_name"],
                identifier=v["holder_identifier_masked"],
                premium=premium,
                protection=f"{day(v['protection_start'])} – {day(v['protection_end'])}",
                deadline=deadline[0],
                left=deadline[1] if state in open_states else "",
                close=deadline[2] and state == Offer.State.SENT,
                state_label=labels[state],
                badge=BADGES.get(state, ""),
            )
        )
    return rows


# What the client has done with the offer -------------------------------------------


def downloads_done(offer: Offer) -> set[str]:
    return set(
        DocumentDownload.objects.filter(offer=offer, offer_version=offer.version).values_list(
            "kind", flat=True
        )
    )


def consents_done(offer: Offer) -> bool:
    accepted = set(
        ConsentAcceptance.objects.filter(offer=offer, offer_version=offer.version).values_list(
            "code", "text_version"
        )
    )
    return all((c.code, c.version) in accepted for c in CONSENTS if c.required)


def payments_of_offer(offer: Offer) -> list[Payment]:
    """The offer's payments with their history, newest first (read-only)."""
    return list(
        Payment.objects.filter(payable_type=PAYABLE_TYPE, payable_id=str(offer.pk))
        .prefetch_related("events")
        .order_by("-created_at", "-pk")
    )
