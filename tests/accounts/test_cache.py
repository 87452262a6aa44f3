"""The Redis cache keeps one client per connection pool, and still talks to Redis."""

from django.core.cache import caches

from accounts.cache import PortalRedisCache


def test_the_cache_is_redis_and_reuses_its_client():
    cache = caches["default"]
    assert isinstance(cache, PortalRedisCache)
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=False) is first
    cache.set("cache-test", {"a": 1}, 30)
    assert cache.get("cache-test") == {"a": 1}
    cache.delete("cache-counter")
    assert cache.add("cache-counter", 0, 30)
    assert cache.incr("cache-counter") == 1
    cache.delete_many(["cache-test", "cache-counter"])
    assert cache.get("cache-test") is None
