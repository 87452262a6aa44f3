"""Gunicorn's access log without the secrets that travel in URLs.

The e-mailed offer link carries its token in the path (`/oferta/link/<token>/`);
the portal swaps it for a session at once, but the first request line would
still reach the access log. This logger writes `/oferta/link/…/` instead, and
masks any PESEL or NIP (an agent's search `?q=…`) as every other log line is.
"""

import re
from typing import Any

from gunicorn.glogging import Logger

from accounts.logging import redact_identifiers

_TOKEN_PATHS = re.compile(r"(/oferta/link/)(?!niewazny/)[^/?\s\"]+")


def redact_url(value: str) -> str:
    # An agent's search by PESEL or NIP travels in the query string: mask it too.
    return redact_identifiers(_TOKEN_PATHS.sub(r"\1…", value))


class RedactingLogger(Logger):
    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):  # request line, path, referer
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_url(atoms[key])
        return atoms
