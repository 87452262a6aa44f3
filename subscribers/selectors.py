"""Reads made on every subscriber page, as statements compiled once per process.

The ORM needs longer to build and compile the side panel's query (seven
subqueries) than PostgreSQL needs to run it, and every page runs it; as in
`accounts.backends`, each statement is compiled once with stand-in values
(`accounts.statements`) and then run as raw SQL with the request's own values.
Being the same text on every request, PostgreSQL also prepares it once per
connection (the portal's database settings), so it is not planned again.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.models import (
    CharField,
    Count,
    Model,
    OuterRef,
    QuerySet,
    StringAgg,
    Subquery,
    Sum,
    Value,
)
from django.urls import reverse

from accounts.statements import DAY as _DAY
from accounts.statements import ID as _ID
from accounts.statements import bind, compiled
from payments.formatting import format_amount

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

SUMMARY_KEYS = ("open_cases", "points", "unpaid_count", "unpaid_total")


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


# Joins the names of a number's active services in one column (no name holds it).
_NAMES_SEPARATOR = "\x1f"


def _services_column() -> Subquery:
    names = (
        ActiveService.objects.filter(contract=OuterRef("pk"), active_until__isnull=True)
        .order_by()
        .values("contract")
        .annotate(
            # Sorted by service_names_on: SQLite cannot order an aggregate.
            names=StringAgg("service__name", Value(_NAMES_SEPARATOR))
        )
        .values("names")
    )
    return Subquery(names, output_field=CharField())


def _contracts() -> QuerySet:
    return (
        Contract.objects.filter(account__user_id=_ID, active=True)
        .annotate(**panel_annotations(_DAY), services_on=_services_column())
        .order_by("msisdn")
    )


def _summary(by: str = "pk") -> QuerySet:
    unpaid = Invoice.objects.filter(paid_at__isnull=True)
    return (
        SubscriberAccount.objects.filter(**{by: _ID})
        .annotate(
            open_cases=_total(Case.objects.filter(state__in=Case.OPEN_STATES), Count("pk")),
            points=_total(ProfitTransaction.objects.all(), Sum("points")),
            unpaid_count=_total(unpaid, Count("pk")),
            unpaid_total=_total(unpaid, Sum("gross_total")),
        )
        .order_by()
        .values("id", *SUMMARY_KEYS)
    )


_BUILDERS: dict[str, tuple[type[Model], Callable[[], QuerySet]]] = {
    "contracts": (Contract, _contracts),
    "summary": (SubscriberAccount, _summary),
    "summary_of_user": (SubscriberAccount, lambda: _summary("user_id")),
}


def _statement(name: str, alias: str) -> tuple[str, tuple[Any, ...]]:
    return compiled(_BUILDERS[name][1], alias)


def _bind(params: tuple[Any, ...], alias: str, *, pk: int, today: date | None) -> tuple[Any, ...]:
    return bind(params, alias, {_ID: pk, _DAY: today})


def _run(name: str, *, pk: int, today: date | None = None) -> list[Any]:
    model = _BUILDERS[name][0]
    alias = router.db_for_read(model)
    sql, params = _statement(name, alias)
    values = _bind(params, alias, pk=pk, today=today)
    return list(model._default_manager.db_manager(alias).raw(sql, values))


def _columns(model: type[Model], alias: str) -> tuple[list[str], str]:
    # A concrete field always has its column; the filter only tells the checker so.
    fields = [f.column for f in model._meta.concrete_fields if f.column is not None]
    return fields, ", ".join(f'{alias}."{column}"' for column in fields)


@cache
def _panel_statement(alias: str) -> tuple[str, tuple[Any, ...], tuple[int, int, int, int]]:
    """One statement for the numbers, their account and tariffs, the panel and the summary.

    The number's own columns and annotations come from the ORM's compiled query;
    the account's and tariffs' columns are joined to it, so a page needs one
    round trip to PostgreSQL for all of it.
    """
    sql, params = _statement("contracts", alias)
    summary_sql, summary_params = _statement("summary_of_user", alias)
    account_cols, account_sql = _columns(SubscriberAccount, "pa")
    tariff_cols, tariff_sql = _columns(TariffPlan, "pt")
    next_cols, next_sql = _columns(TariffPlan, "pn")
    # The number's columns, its panel's figures and the names of its active services.
    contract_count = len(Contract._meta.concrete_fields) + len(panel_annotations(_DAY)) + 1
    # Only compiled statements and column names of our own models go into it. The summary
    # is the account's, computed once (MATERIALIZED), not once per number of the account.
    joined = (
        f"WITH s AS MATERIALIZED ({summary_sql}) "  # noqa: S608
        f"SELECT q.*, {account_sql}, {tariff_sql}, {next_sql}, s.open_cases, s.points, "
        f"s.unpaid_count, s.unpaid_total FROM ({sql}) q "
        'JOIN "subscribers_subscriberaccount" pa ON pa."id" = q."account_id" '
        'JOIN "subscribers_tariffplan" pt ON pt."id" = q."tariff_id" '
        'LEFT JOIN "subscribers_tariffplan" pn ON pn."id" = q."next_tariff_id" '
        # A plain join (not LATERAL): the embedded SQLite runs the same statement.
        'JOIN s ON s."id" = pa."id" '
        'ORDER BY q."msisdn"'
    )
    counts = (contract_count, len(account_cols), len(tariff_cols), len(next_cols))
    return joined, summary_params + params, counts


@cache
def _panel_converters(alias: str) -> tuple[Any, dict[int, Any]]:
    """Where a row of the panel's statement needs the database's converters, and a compiler
    to apply them: the embedded SQLite gives dates as text and decimals as floats (on
    PostgreSQL only a few columns have one)."""
    contracts = _contracts().query.get_compiler(alias)
    contracts.as_sql()  # fills `select`
    summary = _summary("user_id").query.get_compiler(alias)
    summary.as_sql()
    by_name = {name: expression for expression, _sql, name in summary.select}

    def columns(model: type[Model]) -> list[Any]:
        return [f.get_col(model._meta.db_table) for f in model._meta.concrete_fields]

    expressions = [
        *(expression for expression, _sql, _name in contracts.select),
        *columns(SubscriberAccount),
        *columns(TariffPlan),
        *columns(TariffPlan),
        *(by_name[name] for name in SUMMARY_KEYS),
    ]
    return contracts, contracts.get_converters(expressions)


def contracts_with_panel(*, user_id: int, today: date) -> list[Contract]:
    """The user's active numbers, each with its account, tariffs, side-panel figures and the
    account's summary (`summary` on the account: open cases, points, unpaid invoices)."""
    alias = router.db_for_read(Contract)
    sql, params, (n_contract, n_account, n_tariff, n_next) = _panel_statement(alias)
    values = _bind(params, alias, pk=user_id, today=today)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    if not rows:
        return []
    compiler, converters = _panel_converters(alias)
    if converters:
        rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
    fields = [f.attname for f in Contract._meta.concrete_fields]
    # The annotations' names as the compiled query selects them.
    annotations = [name for _expression, _sql, name in compiler.select[len(fields) : n_contract]]
    account = None
    tariffs: dict[int, TariffPlan] = {}
    contracts = []
    for row in rows:
        start, row = row[:n_contract], row[n_contract:]
        contract = Contract.from_db(alias, fields, start[: len(fields)])
        for name, value in zip(annotations, start[len(fields) :], strict=True):
            setattr(contract, name, value)
        account_row, row = row[:n_account], row[n_account:]
        tariff_row, next_row, summary = row[:n_tariff], row[n_tariff : n_tariff + n_next], row[-4:]
        if account is None:
            account = SubscriberAccount.from_db(
                alias, [f.attname for f in SubscriberAccount._meta.concrete_fields], account_row
            )
            account.summary = dict(zip(SUMMARY_KEYS, summary, strict=True))
        contract.account = account
        contract.tariff = _tariff(tariffs, alias, tariff_row)
        contract.next_tariff = _tariff(tariffs, alias, next_row) if next_row[0] else None
        contracts.append(contract)
    return contracts


def _tariff(cache_: dict[int, TariffPlan], alias: str, row: tuple[Any, ...]) -> TariffPlan:
    if row[0] not in cache_:
        names = [f.attname for f in TariffPlan._meta.concrete_fields]
        cache_[row[0]] = TariffPlan.from_db(alias, names, row)
    return cache_[row[0]]


def service_names_on(contract: Contract) -> list[str]:
    """The names of the services active on the number, in alphabetical order (read with the
    numbers by `contracts_with_panel`)."""
    names: str | None = contract.services_on  # type: ignore[attr-defined]  # a column of the panel's statement
    return sorted(names.split(_NAMES_SEPARATOR), key=_alphabetical) if names else []


def _alphabetical(name: str) -> tuple[str, str]:
    # Letters with diacritics beside their base letter (Ś by S), as a Polish list reads.
    return unicodedata.normalize("NFKD", name.casefold()), name


def account_summary(account: SubscriberAccount) -> dict[str, Any]:
    """Open cases, Profit points and unpaid invoices, read with the numbers (or on their own)."""
    row = getattr(account, "summary", None)
    if row is None:
        found = _run("summary", pk=account.pk)[0]
        row = {
            k: getattr(found, k) for k in ("open_cases", "points", "unpaid_count", "unpaid_total")
        }
    return {
        "open_cases": row["open_cases"] or 0,
        "points": row["points"] or 0,
        "unpaid_count": row["unpaid_count"] or 0,
        "unpaid_total": row["unpaid_total"],
    }


@dataclass(frozen=True)
class InvoiceRow:
    """One invoice of the payments page, formatted once in Python (templates are slower at it)."""

    url: str
    pdf_url: str
    number: str
    period: str
    amount: str
    due: str
    paid: bool


def invoice_rows(account: SubscriberAccount, *, since: date) -> list[InvoiceRow]:
    """The account's invoices of periods ending on or after `since`, newest first."""
    # One reverse() per page instead of two per row.
    url = reverse("subscribers:invoice", args=[999_999_999]).replace("999999999", "{}")
    pdf = reverse("subscribers:invoice-pdf", args=[999_999_999]).replace("999999999", "{}")
    rows = (
        Invoice.objects.filter(account=account, period_end__gte=since)
        .order_by("-period_start")
        .values_list(
            "pk", "number", "period_start", "period_end", "gross_total", "due_on", "paid_at"
        )
    )
    return [
        InvoiceRow(
            url=url.format(pk),
            pdf_url=pdf.format(pk),
            number=number,
            period=f"{start:%d.%m.%Y}–{end:%d.%m.%Y}",
            amount=format_amount(gross),
            due=f"{due:%d.%m.%Y}",
            paid=paid_at is not None,
        )
        for pk, number, start, end, gross, due, paid_at in rows
    ]
