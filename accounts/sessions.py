"""Session lifetime rules shared by every login of the portal.

Idle: SESSION_COOKIE_AGE (30 min), pushed forward by activity. Saving the
session on every request would cost a write per page, so a logged-in session
is "touched" (saved, and its cookie re-sent) at most once per
SESSION_TOUCH_INTERVAL: the idle limit is exact to within that interval.
Absolute: SESSION_ABSOLUTE_AGE (12 h) from the moment of login.
"""

import time

from django.conf import settings
from django.http import HttpRequest

STARTED_AT = "_portal_started_at"
TOUCHED_AT = "_portal_touched_at"


def session_begin(request: HttpRequest) -> None:
    """Start the absolute clock and give the session a new key (against fixation).

    Django's login() rotates the key itself; logins that do not go through it
    (a client's PESEL or access code) call this.
    """
    request.session.cycle_key()
    session_stamp(request)


def session_stamp(request: HttpRequest) -> None:
    """Mark the session as begun now (after a login)."""
    now = time.time()
    request.session[STARTED_AT] = now
    request.session[TOUCHED_AT] = now


def session_touch(request: HttpRequest) -> None:
    """Push the idle expiry forward if the last push is older than the touch interval."""
    if STARTED_AT not in request.session:
        return  # not a logged-in session: nothing to keep alive
    now = time.time()
    if now - request.session.get(TOUCHED_AT, 0) >= settings.SESSION_TOUCH_INTERVAL:
        request.session[TOUCHED_AT] = now


def session_expired(request: HttpRequest) -> bool:
    """Past the absolute limit, or idle for longer than the idle limit.

    Checked against our own stamps rather than left to the store's expiry, so
    the rule holds whatever the store (a cache keeps its own clock).
    """
    started = request.session.get(STARTED_AT)
    if started is None:
        return False
    now = time.time()
    touched = request.session.get(TOUCHED_AT, started)
    return (
        now - started > settings.SESSION_ABSOLUTE_AGE or now - touched > settings.SESSION_COOKIE_AGE
    )
