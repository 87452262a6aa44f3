"""Reads made on every subscriber page, as statements compiled once per process.

The ORM needs longer to build and compile the side panel's query (seven
subqueries) than PostgreSQL needs to run it, and every page runs it; as in
`accounts.backends`, each statement is compiled once with placeholder values
and then run as raw SQL with the request's own values.
"""

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from django.db import router
from django.db.models import Count, F, Model, OuterRef, QuerySet, Subquery, Sum

from .models import (
    ActiveService,
    Case,
    Contract,
    Invoice,
    PeriodUsage,
    ProfitTransaction,
    SubscriberAccount,
    TariffPlan,
)

# Stand for the request's values while a statement is compiled; no row has them.
_ID = -4_611_686_018_427_387_001
_DAY = date(1901, 2, 3)


def panel_annotations(today: date) -> dict[str, Subquery]:
    """The side panel's figures of a number: this period's use and the account's last invoice."""
    usage = PeriodUsage.objects.filter(contract=OuterRef("pk"), period_start__lte=today).order_by(
        "-period_start"
    )
    last = Invoice.objects.filter(account=OuterRef("account_id")).order_by("-period_start")
    return {
        "usage_start": Subquery(usage.values("period_start")[:1]),
        "usage_minutes": Subquery(usage.values("minutes_used")[:1]),
        "usage_sms": Subquery(usage.values("sms_used")[:1]),
        "usage_data": Subquery(usage.values("data_mb_used")[:1]),
        "last_gross": Subquery(last.values("gross_total")[:1]),
        "last_paid_at": Subquery(last.values("paid_at")[:1]),
        "last_number": Subquery(last.values("number")[:1]),
    }


def _total(queryset: QuerySet, expression: Any) -> Subquery:
    rows = queryset.filter(account=OuterRef("pk")).order_by().values("account")
    return Subquery(rows.annotate(value=expression).values("value"))


def _contracts() -> QuerySet:
    return (
        Contract.objects.filter(account__user_id=_ID, active=True)
        .annotate(**panel_annotations(_DAY))
        .order_by("msisdn")
    )


def _tariffs() -> QuerySet:
    mine = Contract.objects.filter(account__user_id=_ID)
    return TariffPlan.objects.filter(pk__in=mine.values("tariff")) | TariffPlan.objects.filter(
        pk__in=mine.values("next_tariff")
    )


def _summary() -> QuerySet:
    unpaid = Invoice.objects.filter(paid_at__isnull=True)
    return SubscriberAccount.objects.filter(pk=_ID).annotate(
        open_cases=_total(Case.objects.filter(state__in=Case.OPEN_STATES), Count("pk")),
        points=_total(ProfitTransaction.objects.all(), Sum("points")),
        unpaid_count=_total(unpaid, Count("pk")),
        unpaid_total=_total(unpaid, Sum("gross_total")),
    )


def _services_on() -> QuerySet:
    return (
        ActiveService.objects.filter(contract_id=_ID, active_until__isnull=True)
        .annotate(service_name=F("service__name"), service_slug=F("service__slug"))
        .order_by("service__name")
    )


_BUILDERS: dict[str, tuple[type[Model], Callable[[], QuerySet]]] = {
    "contracts": (Contract, _contracts),
    "account": (SubscriberAccount, lambda: SubscriberAccount.objects.filter(user_id=_ID)),
    "tariffs": (TariffPlan, _tariffs),
    "summary": (SubscriberAccount, _summary),
    "services_on": (ActiveService, _services_on),
}


@cache
def _statement(name: str, alias: str) -> tuple[str, tuple[Any, ...]]:
    _model, build = _BUILDERS[name]
    return build().query.get_compiler(alias).as_sql()


def _run(name: str, *, pk: int, today: date | None = None) -> list[Any]:
    model = _BUILDERS[name][0]
    alias = router.db_for_read(model)
    sql, params = _statement(name, alias)
    values = tuple(pk if p == _ID else today if p == _DAY else p for p in params)
    return list(model._default_manager.db_manager(alias).raw(sql, values))


def contracts_with_panel(*, user_id: int, today: date) -> list[Contract]:
    """The user's active numbers, each with its account, tariffs and side-panel figures."""
    contracts = _run("contracts", pk=user_id, today=today)
    if not contracts:
        return []
    account = _run("account", pk=user_id)[0]
    tariffs = {t.pk: t for t in _run("tariffs", pk=user_id)}
    for contract in contracts:
        contract.account = account
        contract.tariff = tariffs[contract.tariff_id]
        contract.next_tariff = tariffs.get(contract.next_tariff_id)
    return contracts


def services_on(contract: Contract) -> list[ActiveService]:
    """The services active on the number, with their names (`service_name`, `service_slug`)."""
    return _run("services_on", pk=contract.pk)


def account_summary(account: SubscriberAccount) -> dict[str, Any]:
    """Open cases, Profit points and unpaid invoices of the account, in one query."""
    row = _run("summary", pk=account.pk)[0]
    return {
        "open_cases": row.open_cases or 0,
        "points": row.points or 0,
        "unpaid_count": row.unpaid_count or 0,
        "unpaid_total": row.unpaid_total,
    }
