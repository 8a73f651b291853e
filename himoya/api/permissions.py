"""What a token's scope allows: which parts of the API, and whether it may write.

The scope only narrows: what the token's user may see and do is still decided by the
access policy (himoya.access) on every query and action.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from himoya.api.models import ApiToken


class TokenScope(permissions.BasePermission):
    message = _("This token's scope does not cover this part of the API or this action.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        part = getattr(view, "api_part", None)
        write = request.method not in permissions.SAFE_METHODS and getattr(
            view, "action", None
        ) not in getattr(view, "read_actions", ())
        return part is not None and token.allows(part, write)
