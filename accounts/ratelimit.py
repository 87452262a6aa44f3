"""Counting failures and locking out, shared by every process through Redis.

Every login and code entry of the portal goes through here, whether or not it
uses Django's authenticate(). A limit counts attempts per key (an account, an
offer, a client IP) within a sliding window; reaching the maximum locks the
key for the lock-out time, during which even a right answer is refused.

An attempt is counted before it is judged, in one atomic step: `attempt()`
adds the attempt to every key's window and returns the new counts, or refuses
it (counting nothing) when a key is locked or already holds its maximum. So
however many guesses arrive at once, in however many processes, at most
`max_failures` of them are judged within a window. A right answer then takes
its own attempt back (`Attempt.succeeded`); a wrong one stays counted and the
one that reaches the maximum sets the lock (`Attempt.failed`).

Timestamps come from the application's clock rather than from Redis key
expiry, so the rules can be tested with a frozen clock; expiry only tidies up.
Without REDIS_URL (the embedded `make run` mode) an in-process store is used.
When Redis does not answer, `Unavailable` is raised: callers refuse the attempt
with a "try again in a moment" message, never letting it through unlimited.
"""

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = _(
    "Nie możemy teraz sprawdzić tej próby logowania. Spróbuj za chwilę, za minutę lub dwie."
)


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


class Unavailable(Exception):
    """The store of the counts does not answer: refuse the attempt, do not judge it."""


# Atomically: refuse if any key is locked or full; otherwise count the attempt in
# every key and return the new counts. KEYS: the keys' windows (sorted sets);
# ARGV: now, member, then window, maximum and time to keep for each key.
_ATTEMPT_SCRIPT = """
local now = tonumber(ARGV[1])
local member = ARGV[2]
local lock_until = 0
for i, key in ipairs(KEYS) do
  local value = redis.call('GET', key .. ':lock')
  if value and tonumber(value) > now and tonumber(value) > lock_until then
    lock_until = tonumber(value)
  end
end
if lock_until > 0 then
  return {'locked', tostring(lock_until)}
end
local counts = {}
local free_at = 0
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[3 * i])
  local maximum = tonumber(ARGV[3 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCOUNT', key, now - window, '+inf') + 1
  counts[i] = tostring(count)
  if count > maximum then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local at = tonumber(oldest[2]) + window
    if at > free_at then free_at = at end
  end
end
if free_at > 0 then
  return {'full', tostring(free_at)}
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('EXPIRE', key, tonumber(ARGV[3 * i + 2]))
end
return {'counted', unpack(counts)}
"""


@dataclass(frozen=True)
class _Outcome:
    state: str  # "counted", "locked" (a key is locked) or "full" (a key holds its maximum)
    until: float = 0.0  # when the lock ends, or when the oldest counted attempt leaves
    counts: tuple[int, ...] = ()


class _RedisStore:
    def __init__(self, url: str) -> None:
        import redis

        self.errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        self.attempt_script = self.client.register_script(_ATTEMPT_SCRIPT)

    def lock_until(self, key: str) -> float:
        value = self.client.get(f"{key}:lock")
        return float(value) if value else 0.0

    def attempt(self, keys: list[str], limits: list[Limit], now: float, member: str) -> _Outcome:
        args: list[str | int | float] = [repr(now), member]
        for limit in limits:
            args += [limit.window, limit.max_failures, limit.window + limit.lockout]
        reply = [
            v.decode() if isinstance(v, bytes) else str(v)
            for v in self.attempt_script(keys=keys, args=args)
        ]
        if reply[0] == "counted":
            return _Outcome("counted", counts=tuple(int(v) for v in reply[1:]))
        return _Outcome(reply[0], until=float(reply[1]))

    def take_back(self, key: str, member: str) -> None:
        self.client.zrem(key, member)

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
    errors: tuple[type[Exception], ...] = ()

    def __init__(self) -> None:
        self.failures: dict[str, dict[str, float]] = {}
        self.locks: dict[str, float] = {}
        self.mutex = threading.Lock()

    def lock_until(self, key: str) -> float:
        return self.locks.get(key, 0.0)

    def _window(self, key: str, now: float, window: int) -> dict[str, float]:
        kept = {m: t for m, t in self.failures.get(key, {}).items() if t > now - window}
        self.failures[key] = kept
        return kept

    def attempt(self, keys: list[str], limits: list[Limit], now: float, member: str) -> _Outcome:
        with self.mutex:
            lock_until = max((self.locks.get(k, 0.0) for k in keys), default=0.0)
            if lock_until > now:
                return _Outcome("locked", until=lock_until)
            counts, free_at = [], 0.0
            for key, limit in zip(keys, limits, strict=True):
                kept = self._window(key, now, limit.window)
                counts.append(len(kept) + 1)
                if len(kept) + 1 > limit.max_failures:
                    free_at = max(free_at, min(kept.values()) + limit.window)
            if free_at:
                return _Outcome("full", until=free_at)
            for key in keys:
                self.failures[key][member] = now
            return _Outcome("counted", counts=tuple(counts))

    def take_back(self, key: str, member: str) -> None:
        with self.mutex:
            self.failures.get(key, {}).pop(member, None)

    def add_failure(self, key: str, now: float, window: int, keep: int) -> int:
        with self.mutex:
            kept = self._window(key, now, window)
            kept[f"{now:.6f}:{uuid.uuid4().hex}"] = now
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


def _unavailable(exc: Exception) -> Unavailable:
    logger.warning("rate limiter: the store did not answer (%s)", type(exc).__name__)
    return Unavailable(str(exc))


@dataclass
class Attempt:
    """One attempt, counted before it is judged. `refused` attempts must not be judged."""

    decision: Decision
    _entries: list[tuple[Limit, str, int]] = field(default_factory=list)  # limit, key, count
    _member: str = ""

    @property
    def refused(self) -> bool:
        return self.decision.locked

    def failed(self) -> list[Decision]:
        """The answer was wrong: it stays counted; a key it brought to the maximum locks.

        One decision per (limit, key) given to `attempt()`, in the same order.
        """
        decisions = []
        now = time.time()
        store = _get_store()
        for limit, key, count in self._entries:
            decision = Decision(locked=False, retry_after=0, failures=count)
            if self._member and count >= limit.max_failures:
                until = now + limit.lockout
                try:
                    store.set_lock(key, until, limit.window + limit.lockout)
                except store.errors as exc:  # the count itself still holds the key shut
                    logger.warning("rate limiter: lock not stored (%s)", type(exc).__name__)
                decision = Decision(locked=True, retry_after=limit.lockout, failures=count)
            decisions.append(decision)
        return decisions

    def succeeded(self) -> None:
        """The answer was right: take this attempt back from every key's count."""
        if not self._member:
            return
        store = _get_store()
        for _limit, key, _count in self._entries:
            try:
                store.take_back(key, self._member)
            except store.errors as exc:
                logger.warning("rate limiter: attempt not taken back (%s)", type(exc).__name__)


def attempt(*pairs: tuple[Limit, str]) -> Attempt:
    """Count one attempt against each (limit, key) before judging it, atomically.

    Refused (`.refused`) when a key is locked or already holds its maximum of
    attempts within the window; the refused attempt is not counted. Raises
    `Unavailable` when the store does not answer.
    """
    if not settings.RATELIMIT_ENABLED:
        return Attempt(Decision(locked=False, retry_after=0), [(lim, k, 0) for lim, k in pairs])
    now = time.time()
    member = f"{now:.6f}:{uuid.uuid4().hex}"
    store = _get_store()
    limits = [limit for limit, _key in pairs]
    keys = [_full_key(limit, key) for limit, key in pairs]
    try:
        outcome = store.attempt(keys, limits, now, member)
    except store.errors as exc:
        raise _unavailable(exc) from exc
    if outcome.state != "counted":
        retry_after = max(1, int(outcome.until - now + 0.999))
        return Attempt(Decision(locked=True, retry_after=retry_after))
    entries = [
        (limit, key, count) for limit, key, count in zip(limits, keys, outcome.counts, strict=True)
    ]
    worst = max(outcome.counts, default=0)
    return Attempt(Decision(locked=False, retry_after=0, failures=worst), entries, member)


def check(limit: Limit, *keys: str) -> Decision:
    """Is any of these keys locked right now? (Reading only: `attempt()` is what judges.)"""
    if not settings.RATELIMIT_ENABLED:
        return Decision(locked=False, retry_after=0)
    now = time.time()
    store = _get_store()
    try:
        until = max((store.lock_until(_full_key(limit, k)) for k in keys), default=0.0)
    except store.errors as exc:
        raise _unavailable(exc) from exc
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
    try:
        for key in keys:
            full = _full_key(limit, key)
            count = store.add_failure(full, now, limit.window, keep)
            if count >= limit.max_failures:
                until = max(store.lock_until(full), now + limit.lockout)
                store.set_lock(full, until, keep)
                worst = Decision(locked=True, retry_after=int(until - now + 0.999), failures=count)
            elif not worst.locked and count > worst.failures:
                worst = Decision(locked=False, retry_after=0, failures=count)
    except store.errors as exc:
        raise _unavailable(exc) from exc
    return worst


def clear(limit: Limit, *keys: str) -> None:
    """Forget the failures of these keys (after a successful login, for one)."""
    store = _get_store()
    try:
        for key in keys:
            store.clear(_full_key(limit, key))
    except store.errors as exc:
        logger.warning("rate limiter: failures not cleared (%s)", type(exc).__name__)


def reset_store() -> None:
    """Drop the cached connection (tests that change REDIS_URL use it)."""
    global _store
    with _store_lock:
        _store = None
