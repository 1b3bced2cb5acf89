"""Who is asking: the client's address, as far as this deployment can know it.

Every per-address count (the API's anonymous rate limit, sign-in lockout, password-reset limits)
keys on `client_scope`, so all of them trust the same proxies and no more, and count an IPv6
client by its /64 network (one subscriber line holds 2^64 addresses: counting each alone would
leave the line unlimited).

`X-Forwarded-For` is a list that every proxy on the way extends with the address it received the
request from; anything to the left of what our own proxies wrote is whatever the client chose to
send. So the address is taken `settings.NUM_PROXIES` entries from the right: with 0 (the default,
for a deployment that faces clients directly) the header is ignored and the connection's address
(`REMOTE_ADDR`) is used; behind one load balancer, 1 takes the entry the balancer appended.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or the entry NUM_PROXIES from the right of
    X-Forwarded-For when that many proxies are trusted.

    With fewer entries than trusted proxies, the leftmost one is used (what the outermost proxy
    saw). An entry that is not an IP address (a misconfigured proxy) is ignored in favour of
    REMOTE_ADDR, which is never empty for a real connection.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",")]
    candidate = entries[-min(proxies, len(entries))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def client_scope(request: HttpRequest) -> str:
    """What a per-address count counts: the client's IPv4 address, or its IPv6 /64 network."""
    return limit_scope(client_address(request))


def limit_scope(address: str) -> str:
    """An IPv4 address as it is; an IPv6 one as the first address of its /64 (still an IP
    address, which the lockout's records keep)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
