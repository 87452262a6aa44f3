"""Reads of the SMS module: whom a template's type matches, the message list."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .fields import Target
from .models import Agency, Instalment, InsuredPerson, Message, MessageType, Policy, Vehicle

# How far ahead each type looks when sending "to everyone it matches".
HORIZON: dict[str, int] = {
    MessageType.INSPECTION: 14,
    MessageType.RENEWAL: 30,
    MessageType.POLICY_END: 30,
    MessageType.INSTALMENT: 7,
}


def targets_matching(agency: Agency, kind: str, on: date, days: int | None = None) -> list[Target]:
    """Everyone a type matches on `on`: vehicles due for inspection, policies ending…"""
    days = HORIZON.get(kind, 0) if days is None else days
    until = on + timedelta(days=days)
    if kind == MessageType.INSPECTION:
        vehicles = Vehicle.objects.filter(
            agency=agency, inspection_date__gte=on, inspection_date__lte=until
        ).select_related("person")
        return [Target(v.person, vehicle=v, due=v.inspection_date) for v in vehicles]
    if kind in (MessageType.RENEWAL, MessageType.POLICY_END):
        policies = Policy.objects.filter(
            agency=agency, end_date__gte=on, end_date__lte=until
        ).select_related("person")
        return [Target(p.person, policy=p, due=p.end_date) for p in policies]
    if kind == MessageType.INSTALMENT:
        instalments = Instalment.objects.filter(
            policy__agency=agency, due_date__gte=on, due_date__lte=until
        ).select_related("policy__person", "policy")
        return [Target(i.policy.person, instalment=i, due=i.due_date) for i in instalments]
    persons = InsuredPerson.objects.filter(agency=agency)
    if kind == MessageType.BIRTHDAY:
        persons = persons.filter(birth_date__month=on.month, birth_date__day=on.day)
    return [Target(p) for p in persons]


def targets_for_persons(
    agency: Agency, kind: str, person_ids: Iterable[int], on: date
) -> list[Target]:
    """Chosen persons, each with the subject the type is about (their soonest one)."""
    persons = list(
        InsuredPerson.objects.filter(agency=agency, pk__in=list(person_ids)).prefetch_related(
            "vehicles", "policies__instalments"
        )
    )
    targets = []
    for person in persons:
        target = Target(person)
        if kind == MessageType.INSPECTION:
            # The next inspection first, then the most recently missed one.
            dated = sorted(
                (
                    (v.inspection_date < on, v.inspection_date, v.pk, v)
                    for v in person.vehicles.all()
                    if v.inspection_date is not None
                ),
                key=lambda item: item[:3],
            )
            if dated:
                _missed, target.due, _pk, target.vehicle = dated[0]
        elif kind in (MessageType.RENEWAL, MessageType.POLICY_END, MessageType.INSTALMENT):
            policies = sorted(person.policies.all(), key=lambda p: (p.end_date < on, p.end_date))
            if policies:
                target.policy, target.due = policies[0], policies[0].end_date
                if kind == MessageType.INSTALMENT:
                    upcoming = [i for i in policies[0].instalments.all() if i.due_date >= on]
                    if upcoming:
                        target.instalment, target.due = upcoming[0], upcoming[0].due_date
        targets.append(target)
    return targets


def messages_of(agency: Agency) -> QuerySet[Message]:
    return Message.objects.filter(agency=agency)


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_messages(
    messages: QuerySet[Message],
    *,
    status: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    template_id: int | None = None,
    recipient: str = "",
) -> QuerySet[Message]:
    if status:
        messages = messages.filter(status=status)
    # Local midnights, not the date of each row: a range the index can seek to.
    if date_from:
        messages = messages.filter(queued_at__gte=_local_midnight(date_from))
    if date_to:
        messages = messages.filter(queued_at__lt=_local_midnight(date_to + timedelta(days=1)))
    if template_id:
        messages = messages.filter(template_id=template_id)
    if recipient:
        messages = messages.filter(
            Q(recipient__contains=recipient.replace(" ", ""))
            | Q(recipient_name__icontains=recipient)
        )
    return messages


class DayFigures(TypedDict):
    day: date
    sent: int
    delivered: int
    failed: int
    spent: Decimal


def last_30_days(agency: Agency, today: date) -> list[DayFigures]:
    """Per day: sent, delivered, failed and money spent (net of returns)."""
    start = today - timedelta(days=29)
    rows = (
        Message.objects.filter(agency=agency, queued_at__date__gte=start)
        .annotate(day=TruncDate("queued_at"))
        .values("day")
        .annotate(
            sent=Count("pk", filter=~Q(status=Message.Status.QUEUED)),
            delivered=Count("pk", filter=Q(status=Message.Status.DELIVERED)),
            failed=Count(
                "pk", filter=Q(status__in=[Message.Status.FAILED, Message.Status.UNDELIVERED])
            ),
            spent=Sum("cost", filter=~Q(status=Message.Status.FAILED)),
        )
    )
    by_day: dict[date, Mapping[str, Any]] = {row["day"]: row for row in rows}
    days: list[DayFigures] = []
    for offset in range(30):
        day = start + timedelta(days=offset)
        row = by_day.get(day, {})
        days.append(
            DayFigures(
                day=day,
                sent=row.get("sent", 0),
                delivered=row.get("delivered", 0),
                failed=row.get("failed", 0),
                spent=row.get("spent") or Decimal("0.00"),
            )
        )
    return days


def chart_svg(days: list[DayFigures]) -> dict[str, object]:
    """Bars of sent / delivered / failed per day and the money spent, as SVG coordinates."""
    width, height, pad = 600, 160, 20
    top = max([d["sent"] for d in days] + [1])
    step = (width - pad) / len(days)
    bars = []
    for index, d in enumerate(days):
        x = pad + index * step
        counts = (("sent", d["sent"]), ("delivered", d["delivered"]), ("failed", d["failed"]))
        for offset, (key, value) in enumerate(counts):
            h = (height - pad) * value / top
            bars.append(
                {
                    "x": round(x + offset * step / 3.5, 1),
                    "y": round(height - pad - h, 1),
                    "w": round(step / 3.5, 1),
                    "h": round(h, 1),
                    "cls": key,
                    "title": f"{d['day']:%d.%m}: {key} {value}",
                }
            )
    spent = sum((d["spent"] for d in days), start=Decimal("0.00"))
    return {"width": width, "height": height, "bars": bars, "top": top, "spent": spent}


# The columns the message list shows, read as tuples (no model instances).
MESSAGE_ROW = (
    "pk",
    "recipient",
    "recipient_name",
    "text",
    "cost",
    "status",
    "queued_at",
    "failure_reason",
    "template_id",
)


def message_rows(
    rows: Iterable[tuple], *, templates: dict[int, str], detail_base: str
) -> SafeString:
    """The message list's rows in one pass: the busiest page of the module.

    A loop of template nodes (url, date, truncate, floatformat per cell) costs
    several times the queries of the page; this writes the same cells directly.
    """
    labels = {value: escape(label) for value, label in Message.Status.choices}
    names = {pk: escape(name) for pk, name in templates.items()}
    select = escape(_("Zaznacz"))
    base = escape(detail_base)
    zone = timezone.get_current_timezone()
    html = []
    for pk, number, name, text, cost, status, queued_at, reason, template_id in rows:
        short = text if len(text) <= 60 else text[:59] + "…"
        why = f"<br><small>{escape(reason)}</small>" if reason else ""
        at = queued_at.astimezone(zone).strftime("%d.%m.%Y %H:%M")
        state = escape(status)
        price = f"{cost:.2f}".replace(".", ",")
        html.append(
            f'<tr data-status="{state}"><td><input type="checkbox" class="msg-select" '
            f'name="message" value="{pk}" aria-label="{select} {pk}"></td>'
            f'<td><a href="{base}{pk}/">{at}</a></td><td>{escape(name)}<br>'
            f"<small>{escape(number)}</small></td><td>{names.get(template_id, '—')}</td>"
            f'<td>{escape(short)}</td><td class="num">{price} zł</td>'
            f'<td class="status status--{state}">{labels.get(status, state)}{why}</td></tr>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every cell above is escaped


@dataclass(frozen=True)
class Cursor:
    """A place in the message list: the (queued_at, id) of a row, as it reads in a link."""

    queued_at: datetime
    pk: int

    def __str__(self) -> str:
        micros = (self.queued_at - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}.{self.pk}"

    @classmethod
    def parse(cls, raw: str | None) -> "Cursor | None":
        """The cursor a link carries, or None for anything else (a hand-edited URL)."""
        micros, dot, pk = (raw or "").partition(".")
        if not dot or not micros.lstrip("-").isdigit() or not pk.isdigit():
            return None
        try:
            return cls(_EPOCH + timedelta(microseconds=int(micros)), int(pk))
        except OverflowError:
            return None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class KeysetPage:
    """A page of the message list found by seeking, not by counting or skipping.

    An agency keeps hundreds of thousands of messages: the next page starts after
    the last row shown (an index range), so page 1000 costs what page 1 does. An
    old `?strona=N` link still works by skipping rows, which is slow only when deep.
    """

    rows: list[tuple]
    has_next: bool
    has_previous: bool
    number: int | None = None  # only on a page reached by its number

    @property
    def next_cursor(self) -> str:
        return str(_cursor_of(self.rows[-1])) if self.has_next else ""

    @property
    def previous_cursor(self) -> str:
        return str(_cursor_of(self.rows[0])) if self.has_previous and self.rows else ""

    @classmethod
    def of(
        cls,
        rows: QuerySet,
        *,
        after: str | None = None,
        before: str | None = None,
        number: str | None = None,
        per_page: int = 50,
    ) -> "KeysetPage":
        """`rows`: values_list(*MESSAGE_ROW) of messages, not yet ordered."""
        newest_first = rows.order_by("-queued_at", "-pk")
        if cursor := Cursor.parse(after):
            # The bound on queued_at alone is what the index can seek to; the rest
            # breaks ties between messages queued in the same microsecond.
            found = list(
                newest_first.filter(queued_at__lte=cursor.queued_at).filter(
                    Q(queued_at__lt=cursor.queued_at) | Q(pk__lt=cursor.pk)
                )[: per_page + 1]
            )
            return cls(found[:per_page], has_next=len(found) > per_page, has_previous=True)
        if cursor := Cursor.parse(before):
            oldest_first = rows.order_by("queued_at", "pk")
            found = list(
                oldest_first.filter(queued_at__gte=cursor.queued_at).filter(
                    Q(queued_at__gt=cursor.queued_at) | Q(pk__gt=cursor.pk)
                )[: per_page + 1]
            )
            return cls(found[:per_page][::-1], has_next=True, has_previous=len(found) > per_page)
        try:
            page = max(1, min(int(number or 1), 100_000))
        except ValueError:
            page = 1
        start = (page - 1) * per_page
        found = list(newest_first[start : start + per_page + 1])
        return cls(
            found[:per_page],
            has_next=len(found) > per_page,
            has_previous=page > 1,
            number=page if page > 1 else None,
        )


_QUEUED_AT, _PK = MESSAGE_ROW.index("queued_at"), MESSAGE_ROW.index("pk")


def _cursor_of(row: tuple) -> Cursor:
    return Cursor(row[_QUEUED_AT], row[_PK])
