"""Field users sign in over OpenRosa with HTTP Basic (over TLS), as ODK Collect does."""

import base64
import binascii
import hashlib
import hmac
import secrets

from himoya.fieldcapture.models import FieldUser

REALM = "Himoya"
SECRET_BYTES = 24


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(secret: str) -> str:
    # A random 192-bit secret needs no slow hash: nobody can guess it from its SHA-256.
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _credentials(request) -> tuple[str, str] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    username, sep, secret = decoded.partition(":")
    return (username, secret) if sep else None


def field_user_from(request) -> FieldUser | None:
    """Return the field user whose credentials the request carries (revoked ones too)."""
    creds = _credentials(request)
    if creds is None:
        return None
    username, secret = creds
    field_user = (
        FieldUser.objects.select_related("user", "organisation")
        .filter(user__username=username)
        .first()
    )
    expected = field_user.secret_hash if field_user else hash_secret("-")
    if not hmac.compare_digest(expected, hash_secret(secret)) or field_user is None:
        return None
    return field_user
