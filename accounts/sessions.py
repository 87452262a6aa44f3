"""Session lifetime rules shared by every login of the portal.

Idle: SESSION_COOKIE_AGE (30 min), pushed forward by every request.
Absolute: SESSION_ABSOLUTE_AGE (12 h) from the moment of login.
"""

import time

from django.conf import settings
from django.http import HttpRequest

STARTED_AT = "_portal_started_at"


def session_begin(request: HttpRequest) -> None:
    """Start the absolute clock and give the session a new key (against fixation).

    Django's login() rotates the key itself; logins that do not go through it
    (a client's PESEL or access code) call this.
    """
    request.session.cycle_key()
    request.session[STARTED_AT] = time.time()


def session_expired(request: HttpRequest) -> bool:
    started = request.session.get(STARTED_AT)
    return started is not None and time.time() - started > settings.SESSION_ABSOLUTE_AGE
