"""Querysets that every request runs, compiled once per process and run as raw SQL.

For the small statements a page runs on every request (the signed-in user, a
subscriber's side panel, a partner's company) the ORM needs longer to build and
compile the query than PostgreSQL needs to run it. Such a queryset is built
once with stand-in values that no row has (`ID`, `OTHER_ID`, `DAY`), compiled
for the database alias, and then each request runs the same SQL with its own
values put in place of the stand-ins (`bind`).

With the portal's PostgreSQL settings (server-side binding, statements prepared
after a few runs on a connection) the same SQL text also lets PostgreSQL skip
parsing and planning it again.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet

# Stand-ins compiled into a statement: ids no table holds, a day no row has.
ID = -4_611_686_018_427_387_001
OTHER_ID = -4_611_686_018_427_387_002
DAY = date(1901, 2, 3)


@cache
def compiled(build: Callable[[], QuerySet], alias: str) -> tuple[str, tuple[Any, ...]]:
    """SQL and parameters of the queryset `build()` returns, compiled once per alias."""
    return build().query.get_compiler(alias).as_sql()


@dataclass(frozen=True)
class _Reader:
    sql: str
    params: tuple[Any, ...]
    # Column position -> the backend's and the field's converters (JSON, dates on SQLite).
    converters: dict[int, tuple[list[Callable[..., Any]], Any]]
    # Where each model's columns are, with its select_related models; the annotations.
    layout: "_Layout"
    annotations: dict[str, int]


@dataclass(frozen=True)
class _Layout:
    model: type[Model]
    start: int
    attnames: list[str]
    setter: Callable[[Model, Model | None], None] | None
    related: "list[_Layout]"


def _layout(info: dict[str, Any], select: list[Any]) -> _Layout:
    positions = info["select_fields"]
    return _Layout(
        model=info["model"],
        start=positions[0],
        attnames=[select[i][0].target.attname for i in positions],
        setter=info.get("local_setter"),
        related=[_layout(child, select) for child in info.get("related_klass_infos", [])],
    )


@cache
def _reader(build: Callable[[], QuerySet], alias: str) -> _Reader:
    compiler = build().query.get_compiler(alias)
    sql, params = compiler.as_sql()  # also fills compiler.select and klass_info
    select = compiler.select[: compiler.col_count]
    return _Reader(
        sql=sql,
        params=params,
        converters=compiler.get_converters([expression for expression, _sql, _a in select]),
        layout=_layout(compiler.klass_info, compiler.select),
        annotations=dict(compiler.annotation_col_map or {}),
    )


@cache
def _model_of(build: Callable[[], QuerySet]) -> type[Model]:
    return build().model


def _rows(
    build: Callable[[], QuerySet], values: Mapping[Any, Any]
) -> tuple[str, _Reader, list[list[Any]]]:
    alias = router.db_for_read(_model_of(build))
    reader = _reader(build, alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(reader.sql, bind(reader.params, alias, values))
        rows = [list(row) for row in cursor.fetchall()]
    for row in rows:
        for position, (converters, expression) in reader.converters.items():
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
    return alias, reader, rows


def _instance(alias: str, layout: _Layout, row: list[Any]) -> Model | None:
    data = row[layout.start : layout.start + len(layout.attnames)]
    if data[layout.attnames.index(layout.model._meta.pk.attname)] is None:
        return None  # an empty outer join
    obj = layout.model.from_db(alias, layout.attnames, data)
    for child in layout.related:
        related = _instance(alias, child, row)
        if child.setter is not None:
            child.setter(obj, related)
    return obj


def objects(build: Callable[[], QuerySet], values: Mapping[Any, Any]) -> list[Any]:
    """The model instances of the compiled `build()` with `values` bound, as the ORM would
    give them: converted values, select_related objects and annotations in place."""
    alias, reader, rows = _rows(build, values)
    found = []
    for row in rows:
        obj = _instance(alias, reader.layout, row)
        for name, position in reader.annotations.items():
            setattr(obj, name, row[position])
        found.append(obj)
    return found


def bind(params: tuple[Any, ...], alias: str, values: Mapping[Any, Any]) -> tuple[Any, ...]:
    """`params` with the request's values in place of the stand-ins (`{ID: 7, DAY: today}`).

    A backend may have adapted a date already when the statement was compiled
    (SQLite keeps dates as text), so the adapted stand-in is replaced too.
    """
    ops = connections[alias].ops
    table: dict[Any, Any] = {}
    for standin, value in values.items():
        if isinstance(standin, date):
            adapted = ops.adapt_datefield_value(value) if value is not None else None
            table[standin] = table[ops.adapt_datefield_value(standin)] = adapted
        else:
            table[standin] = value
    bound = []
    for param in params:
        # True == 1: a flag is never a stand-in. Lists and JSON are not hashable.
        if isinstance(param, bool) or not isinstance(param, int | date | str):
            bound.append(param)
        else:
            bound.append(table.get(param, param))
    return tuple(bound)
