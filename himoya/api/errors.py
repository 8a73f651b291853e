"""One JSON shape for every API error, in the user's language.

{"error": {"status": 404, "code": "not_found", "message": "…", "fields": {…}}}
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler

from himoya.referrals.actions import ReferralError

# The same answer for "does not exist" and "not yours" (as on the pages).
NOT_FOUND = gettext_lazy("There is no such record.")


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


def _fields(detail) -> dict:
    if isinstance(detail, dict):
        return {
            str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()
        }
    return {}


def handle(exc, context):
    """Turn any error a view raises into the one shape (DRF's handler, then the wrapper)."""
    if isinstance(exc, ReferralError):
        exc = Conflict(str(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.messages)
    elif isinstance(exc, Http404) or (
        isinstance(exc, exceptions.NotFound) and exc.detail == exceptions.NotFound.default_detail
    ):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else None
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(detail)
        messages = fields.pop("non_field_errors", None) or (
            [str(m) for m in detail] if isinstance(detail, list) else []
        )
        message = " ".join(messages) or _("The request has errors; see the fields.")
        code = "invalid"
    else:
        fields = {}
        message = str(detail) if detail is not None else ""
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else ""
        code = codes if isinstance(codes, str) else "error"
    response.data = {
        "error": {
            "status": response.status_code,
            "code": code,
            "message": message,
            "fields": fields,
        }
    }
    return response


class ErrorBody(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorSerializer(serializers.Serializer):
    """The shape of every error response."""

    error = ErrorBody()
