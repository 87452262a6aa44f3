"""Sessions read from the cache (Redis) and written through to the database, surviving Redis.

Django's `cached_db` store reads the cache first and writes to it after the
database, but a cache that does not answer raises and the page answers 500.
Here every cache call is guarded: when Redis fails, the store logs it, works
from the database alone, and skips the cache for SKIP_SECONDS rather than
waiting on it on every request. The first process that finds Redis back
removes the cached sessions before using the cache again: while Redis was
away they changed (or ended) in the database only, and a stale cached copy
must not bring an ended session back.
"""

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.cache import caches

logger = logging.getLogger(__name__)

SKIP_SECONDS = 15.0


class _Health:
    def __init__(self) -> None:
        self.skip_until = 0.0  # monotonic time; 0 while the cache is trusted
        self.failed = False  # failed since the last purge of cached sessions
        self.mutex = threading.Lock()


_health = _Health()


def _purge_cached_sessions(cache: Any) -> None:
    """Remove every cached session (Redis only; other caches keep nothing across a restart)."""
    client_of = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client_of is None:
        cache.clear()
        return
    client = client_of(None, write=True)
    pattern = cache.make_key(f"{KEY_PREFIX}*")
    batch: list[Any] = []
    for key in client.scan_iter(match=pattern, count=500):
        batch.append(key)
        if len(batch) >= 500:
            client.delete(*batch)
            batch = []
    if batch:
        client.delete(*batch)


class GuardedCache:
    """The session cache, or nothing while it fails: every call has a harmless default."""

    def __init__(self, cache: Any) -> None:
        self._cache = cache

    def __repr__(self) -> str:
        return f"GuardedCache({self._cache!r})"

    def _usable(self) -> bool:
        if time.monotonic() < _health.skip_until:
            return False
        if _health.failed:
            with _health.mutex:
                if _health.failed:
                    try:
                        _purge_cached_sessions(self._cache)
                    except Exception as exc:  # still down: skip it a while longer
                        self._failed(exc)
                        return False
                    _health.failed = False
                    logger.warning("session cache: back; cached sessions removed")
        return True

    def _failed(self, exc: Exception) -> None:
        _health.skip_until = time.monotonic() + SKIP_SECONDS
        _health.failed = True
        logger.warning(
            "session cache: %s; sessions use the database alone for %d s",
            type(exc).__name__,
            SKIP_SECONDS,
        )

    def _call(self, name: str, default: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._usable():
            return default
        try:
            return getattr(self._cache, name)(*args, **kwargs)
        except Exception as exc:  # any failure of the cache: the database has the session
            self._failed(exc)
            return default

    def get(self, key: str, default: Any = None) -> Any:
        return self._call("get", default, key, default)

    def set(self, key: str, value: Any, timeout: Any = None) -> None:
        self._call("set", None, key, value, timeout)

    def delete(self, key: str) -> bool:
        return bool(self._call("delete", False, key))

    def __contains__(self, key: str) -> bool:
        return bool(self._call("has_key", False, key))

    async def aget(self, key: str, default: Any = None) -> Any:
        return self.get(key, default)

    async def aset(self, key: str, value: Any, timeout: Any = None) -> None:
        self.set(key, value, timeout)

    async def adelete(self, key: str) -> bool:
        return self.delete(key)


class SessionStore(CachedDBStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = GuardedCache(caches[settings.SESSION_CACHE_ALIAS])


def reset_health() -> None:
    """Trust the cache again (tests that start and stop their own Redis use it)."""
    _health.skip_until = 0.0
    _health.failed = False
