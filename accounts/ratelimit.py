"""Counting failures and locking out, shared by every process through Redis.

Every login and code entry of the portal goes through here, whether or not it
uses Django's authenticate(). A limit counts failures per key (an account, an
offer, a client IP) within a sliding window; reaching the maximum locks the
key for the lock-out time, during which even a right answer is refused.

Timestamps come from the application's clock rather than from Redis key
expiry, so the rules can be tested with a frozen clock; expiry only tidies up.
Without REDIS_URL (the embedded `make run` mode) an in-process store is used.
"""

import threading
import time
import uuid
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Limit:
    name: str
    max_failures: int
    window: int  # seconds
    lockout: int  # seconds


@dataclass(frozen=True)
class Decision:
    locked: bool
    retry_after: int  # seconds until the lock ends; 0 when not locked
    failures: int = 0

    @property
    def retry_after_minutes(self) -> int:
        return max(1, -(-self.retry_after // 60))


class _RedisStore:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)

    def lock_until(self, key: str) -> float:
        value = self.client.get(f"{key}:lock")
        return float(value) if value else 0.0

    def add_failure(self, key: str, now: float, window: int, keep: int) -> int:
        member = f"{now:.6f}:{uuid.uuid4().hex}"
        pipe = self.client.pipeline(transaction=True)
        pipe.zremrangebyscore(key, "-inf", now - window)
        pipe.zadd(key, {member: now})
        pipe.zcount(key, now - window, "+inf")
        pipe.expire(key, keep)
        return int(pipe.execute()[2])

    def set_lock(self, key: str, until: float, keep: int) -> None:
        self.client.set(f"{key}:lock", repr(until), ex=keep)

    def clear(self, key: str) -> None:
        self.client.delete(key, f"{key}:lock")


class _MemoryStore:
    def __init__(self) -> None:
        self.failures: dict[str, list[float]] = {}
        self.locks: dict[str, float] = {}
        self.mutex = threading.Lock()

    def lock_until(self, key: str) -> float:
        return self.locks.get(key, 0.0)

    def add_failure(self, key: str, now: float, window: int, keep: int) -> int:
        with self.mutex:
            kept = [t for t in self.failures.get(key, []) if t > now - window] + [now]
            self.failures[key] = kept
            return len(kept)

    def set_lock(self, key: str, until: float, keep: int) -> None:
        self.locks[key] = until

    def clear(self, key: str) -> None:
        with self.mutex:
            self.failures.pop(key, None)
            self.locks.pop(key, None)


_store: _RedisStore | _MemoryStore | None = None
_store_lock = threading.Lock()


def _get_store() -> _RedisStore | _MemoryStore:
    global _store
    with _store_lock:
        if _store is None:
            _store = _RedisStore(settings.REDIS_URL) if settings.REDIS_URL else _MemoryStore()
        return _store


def _full_key(limit: Limit, key: str) -> str:
    prefix = getattr(settings, "RATELIMIT_PREFIX", "rl")
    return f"{prefix}:{limit.name}:{key}"


def check(limit: Limit, *keys: str) -> Decision:
    """Is any of these keys locked right now?"""
    if not settings.RATELIMIT_ENABLED:
        return Decision(locked=False, retry_after=0)
    now = time.time()
    store = _get_store()
    until = max((store.lock_until(_full_key(limit, k)) for k in keys), default=0.0)
    if until > now:
        return Decision(locked=True, retry_after=int(until - now + 0.999))
    return Decision(locked=False, retry_after=0)


def record_failure(limit: Limit, *keys: str) -> Decision:
    """Count one failure against each key; lock those that reach the maximum."""
    if not settings.RATELIMIT_ENABLED:
        return Decision(locked=False, retry_after=0)
    now = time.time()
    store = _get_store()
    keep = limit.window + limit.lockout
    worst = Decision(locked=False, retry_after=0)
    for key in keys:
        full = _full_key(limit, key)
        count = store.add_failure(full, now, limit.window, keep)
        if count >= limit.max_failures:
            until = max(store.lock_until(full), now + limit.lockout)
            store.set_lock(full, until, keep)
            worst = Decision(locked=True, retry_after=int(until - now + 0.999), failures=count)
        elif not worst.locked and count > worst.failures:
            worst = Decision(locked=False, retry_after=0, failures=count)
    return worst


def clear(limit: Limit, *keys: str) -> None:
    """Forget the failures of these keys (after a successful login, for one)."""
    store = _get_store()
    for key in keys:
        store.clear(_full_key(limit, key))


def reset_store() -> None:
    """Drop the cached connection (tests that change REDIS_URL use it)."""
    global _store
    with _store_lock:
        _store = None
