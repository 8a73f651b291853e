from rest_framework.throttling import SimpleRateThrottle

from himoya.api.models import ApiToken


class PerToken(SimpleRateThrottle):
    """Limit requests per token (HIMOYA_API_RATE, e.g. "600/min")."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
