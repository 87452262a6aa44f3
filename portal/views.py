"""Pages that belong to no single audience: the home page and the health check."""

import logging
from functools import cache

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "not answering"; the reason goes to the log
        logger.exception("health check: database did not answer")
        return "error"
    return "ok"


@cache
def _redis_client(url: str) -> redis.Redis:
    # One client (and its connection pool) per process: /healthz is polled often.
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _redis_state() -> str:
    if not settings.REDIS_URL:
        return "disabled"
    try:
        _redis_client(settings.REDIS_URL).ping()
    except redis.RedisError:
        logger.exception("health check: Redis did not answer")
        return "error"
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    state = {"database": _database_state(), "redis": _redis_state()}
    healthy = all(value in {"ok", "disabled"} for value in state.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **state}, status=200 if healthy else 503
    )


def benchmark_reference(request: HttpRequest) -> HttpResponse:
    """Bare plain-text page: the yardstick benchmarks divide by (benchmark settings only)."""
    return HttpResponse(b"ok", content_type="text/plain")


def benchmark_bare_list(request: HttpRequest) -> HttpResponse:
    """A bare 50-row ORM list, the yardstick the offer list's target is set against.

    The newest 50 offers as model instances (which decrypt their identifiers
    on load) through a minimal template: no session, no sign-in, no count, no
    formatting (benchmark settings only).
    """
    from offers.models import Offer  # portal does not depend on offers otherwise

    offers = Offer.objects.order_by("-created_at", "-id")[:50]
    return render(request, "bench/bare_list.html", {"offers": offers})
