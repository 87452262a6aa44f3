import os
import subprocess
import sys
import time

import time_machine
from django.conf import settings

from accounts import ratelimit

LIMIT = ratelimit.Limit("test", max_failures=5, window=900, lockout=900)
START = 1_790_000_000.0  # a fixed instant; the rules read the application's clock


def test_it_locks_after_five_failures_within_the_window():
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            assert not ratelimit.record_failure(LIMIT, "offer:1").locked
            clock.shift(60)
        assert not ratelimit.check(LIMIT, "offer:1").locked
        decision = ratelimit.record_failure(LIMIT, "offer:1")
        assert decision.locked
        assert decision.retry_after == 900
        assert ratelimit.check(LIMIT, "offer:1").locked


def test_failures_older_than_the_window_do_not_count():
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            ratelimit.record_failure(LIMIT, "offer:2")
        clock.shift(901)
        assert not ratelimit.record_failure(LIMIT, "offer:2").locked


def test_the_lock_lasts_fifteen_minutes_to_the_second():
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            ratelimit.record_failure(LIMIT, "offer:3")
        clock.shift(899)
        decision = ratelimit.check(LIMIT, "offer:3")
        assert decision.locked and decision.retry_after == 1
        assert decision.retry_after_minutes == 1
        clock.shift(1)
        assert not ratelimit.check(LIMIT, "offer:3").locked


def test_keys_are_independent_and_any_locked_key_refuses():
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            ratelimit.record_failure(LIMIT, "offer:4", "ip:10.0.0.1")
        assert ratelimit.check(LIMIT, "offer:5", "ip:10.0.0.1").locked
        assert not ratelimit.check(LIMIT, "offer:5", "ip:10.0.0.2").locked


def test_clear_forgets_failures():
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            ratelimit.record_failure(LIMIT, "user:alice")
        ratelimit.clear(LIMIT, "user:alice")
        assert not ratelimit.record_failure(LIMIT, "user:alice").locked


def test_it_is_stored_in_redis(redis_client):
    ratelimit.record_failure(LIMIT, "offer:6")
    key = f"{settings.RATELIMIT_PREFIX}:test:offer:6"
    assert redis_client.zcard(key) == 1
    assert 0 < redis_client.ttl(key) <= LIMIT.window + LIMIT.lockout


SCRIPT = """
import os, django, time_machine
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()
from django.conf import settings
from accounts import ratelimit
settings.RATELIMIT_PREFIX = os.environ["RL_PREFIX"]
limit = ratelimit.Limit("test", max_failures=5, window=900, lockout=900)
with time_machine.travel(float(os.environ["RL_AT"]), tick=False):
    for _ in range(3):
        ratelimit.record_failure(limit, "offer:shared")
"""


def test_two_processes_share_the_count():
    """Three failures in each of two processes make six: the key is locked for both."""
    env = {**os.environ, "RL_PREFIX": settings.RATELIMIT_PREFIX, "RL_AT": str(START)}
    workers = [
        subprocess.Popen([sys.executable, "-c", SCRIPT], env=env, cwd=settings.BASE_DIR)
        for _ in range(2)
    ]
    assert [w.wait(timeout=60) for w in workers] == [0, 0]
    with time_machine.travel(START + 60, tick=False):
        decision = ratelimit.check(LIMIT, "offer:shared")
        assert decision.locked
        assert decision.retry_after == 840


def test_the_clock_is_the_applications(redis_client):
    """A lock set at a frozen instant is judged by that clock, not by Redis' expiry."""
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            ratelimit.record_failure(LIMIT, "offer:7")
    with time_machine.travel(START + 901, tick=False):
        assert not ratelimit.check(LIMIT, "offer:7").locked
    assert time.time() > START  # the real clock is untouched after the block


def _attempt_rules() -> None:
    with time_machine.travel(START, tick=False) as clock:
        pending = [ratelimit.attempt((LIMIT, "user:dora")) for _ in range(5)]
        assert not any(a.refused for a in pending)
        # Five counted, none judged yet: the sixth is refused before it is judged.
        sixth = ratelimit.attempt((LIMIT, "user:dora"))
        assert sixth.refused and sixth.decision.retry_after == 900
        pending[0].succeeded()  # a right answer takes its attempt back
        assert not ratelimit.attempt((LIMIT, "user:dora")).refused
        decisions = [a.failed()[0] for a in pending[1:]]
        assert [d.locked for d in decisions] == [False, False, False, True]
        clock.shift(899)
        assert ratelimit.attempt((LIMIT, "user:dora")).refused
        clock.shift(902)
        assert not ratelimit.attempt((LIMIT, "user:dora")).refused


def test_it_counts_an_attempt_before_it_is_judged_in_redis():
    _attempt_rules()


def test_it_counts_an_attempt_before_it_is_judged_in_memory(settings):
    settings.REDIS_URL = ""
    ratelimit.reset_store()
    _attempt_rules()


def test_an_attempt_refused_by_one_key_is_counted_in_none():
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            ratelimit.attempt((LIMIT, "ip:10.0.0.9")).failed()
        refused = ratelimit.attempt((LIMIT, "user:ewa"), (LIMIT, "ip:10.0.0.9"))
        assert refused.refused
        others = [ratelimit.attempt((LIMIT, "user:ewa")) for _ in range(5)]
        assert not any(a.refused for a in others)
