"""Django's Redis cache backend, with one Redis client per connection pool.

Django's `RedisCacheClient` builds a new `redis.Redis` for every cache call,
and that constructor sets up a couple of hundred response callbacks: about
half a millisecond of every page here, which reads its session from the
cache. The client only wraps its connection pool, so one per pool is kept.
Django keeps a cache backend per thread, so each thread has its own clients.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # Django's own, not in its stubs
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]  # redis.Redis, set by Django
        return client


class PortalRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient
