"""Gunicorn's access log without the secrets that travel in URLs.

The e-mailed offer link carries its token in the path (`/oferta/link/<token>/`);
the portal swaps it for a session at once, but the first request line would
still reach the access log. This logger writes `/oferta/link/…/` instead.
The agent's search (`?q=`) may hold a PESEL or NIP written any way at all
(with spaces, dashes, URL-encoded): its value is dropped altogether. Any other
PESEL or NIP is masked as in every other log line.
"""

import re
from typing import Any

from gunicorn.glogging import Logger

from accounts.logging import redact_identifiers

_TOKEN_PATHS = re.compile(r"(/oferta/link/)(?!niewazny/)[^/?\s\"]+")
# The search parameter, in a request line, a referer or a bare query string.
_SEARCH_VALUE = re.compile(r"((?:^|[?&;])q=)[^&;#\s\"]*")


def redact_url(value: str) -> str:
    value = _SEARCH_VALUE.sub(r"\1…", _TOKEN_PATHS.sub(r"\1…", value))
    return redact_identifiers(value)


class RedactingLogger(Logger):
    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):  # request line, path, query string, referer
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_url(atoms[key])
        return atoms
