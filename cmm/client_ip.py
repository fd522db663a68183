"""The client's address as the lockout and the access log record it.

Behind TRUSTED_PROXY_COUNT reverse proxies (production: the TLS proxy) the client is the address that
many hops back in X-Forwarded-For, the one the outermost trusted proxy saw. Anything further left is
written by the client and ignored, so a forged header cannot lock someone else out or hide in the log.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
