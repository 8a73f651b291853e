"""Authenticate API requests by a personal access token (`Authorization: Bearer hmy_…`).

The token's user is narrowed to the token's organisation: their memberships elsewhere do
not count, so the one access policy (himoya.access) scopes every query as it would for
that user signed in to that organisation alone.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from himoya.access import policy
from himoya.api.actions import record_token_use
from himoya.api.models import TOKEN_PREFIX, ApiToken, hash_token

BAD_TOKEN = _("The token is not valid, has expired or was revoked.")


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        parts = header.split()
        if not parts or parts[0] != self.keyword:
            return None
        if len(parts) != 2 or not parts[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(BAD_TOKEN)
        token = (
            ApiToken.objects.select_related("user", "organisation")
            .filter(token_hash=hash_token(parts[1]))
            .first()
        )
        if (
            token is None
            or not token.is_usable()
            or not token.user.is_active
            or not token.organisation.is_active
        ):
            raise exceptions.AuthenticationFailed(BAD_TOKEN)
        user = token.user
        policy.forget(user)
        narrowed = [
            m for m in policy.memberships(user) if m.organisation_id == token.organisation_id
        ]
        # The policy reads the memberships it cached on the user: cache only this one.
        setattr(user, policy._CACHE_ATTR, narrowed)
        if user.language in dict(settings.LANGUAGES):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        record_token_use(token, request._request)
        return user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token issued by an organisation admin.",
        }
