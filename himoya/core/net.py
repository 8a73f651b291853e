"""The address a request came from, as the sign-in lock-out should see it."""

from django.conf import settings


def client_ip(request) -> str:
    """Return the client's address; behind N trusted proxies, the N-th from the right in XFF.

    Each trusted proxy appends the address it received the request from, so entries to the
    left of those are whatever the client sent and cannot be trusted.
    """
    proxies = settings.HIMOYA_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
