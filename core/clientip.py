"""The client's address: one rule for the rate limits, the staff lockout (django-axes) and the logs.

Each proxy in front of the portal appends to ``X-Forwarded-For`` the address it received the request from.
With ``TRUSTED_PROXY_HOPS`` proxies of the platform in front, the client is therefore the entry that many
places from the right; whatever stands to its left was written by the client itself and is never believed.
"""

import ipaddress

from django.conf import settings


def _valid(text: str) -> str | None:
    """The address in its normal form, or None when the text is not an IP address."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
        address = address.ipv4_mapped
    return str(address)


def client_ip(request) -> str:
    """The address of the client that sent ``request`` ("" when even the connection's address is unknown)."""
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or ""
    hops = settings.TRUSTED_PROXY_HOPS
    if not hops:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < hops:
        # Fewer entries than proxies: the header did not come through them; the connection's peer is all we know.
        return remote
    return _valid(forwarded[-hops]) or remote
