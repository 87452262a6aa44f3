"""Who is on the other end of a request."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it received the
    request from, so the client is that many entries from the right; anything
    further left was written by the client and may be forged.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return _valid_or_unknown(remote)
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [p for p in forwarded if p]
    if len(forwarded) < hops:
        # Fewer entries than proxies: the request bypassed a proxy. Use the peer.
        return _valid_or_unknown(remote)
    return _valid_or_unknown(forwarded[-hops])


def _valid_or_unknown(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return "unknown"
