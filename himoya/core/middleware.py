import logging
import time

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _


class NoStoreMiddleware:
    """Forbid caching any page served to a signed-in person (identity pages, downloads).

    Browsers, shared computers and proxies must not keep a copy of what a caseworker saw.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header: Himoya's pages use no camera, location, etc."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.HIMOYA_PERMISSIONS_POLICY)
        return response


class UserLanguageMiddleware:
    """Choose the language: the account's choice, else the visitor's cookie, else the browser's.

    Without a choice LocaleMiddleware reads Accept-Language; a browser asking for none of
    our languages gets Tajik, the default interface.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The session is there, the user not yet: read the id lazily via the session.
        from django.contrib.auth import get_user

        user = get_user(request)
        request._cached_user = user  # AuthenticationMiddleware reuses it
        lang = getattr(user, "language", "") if user.is_authenticated else ""
        if lang in dict(settings.LANGUAGES):
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = lang
        elif request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) not in dict(settings.LANGUAGES):
            request.COOKIES.pop(settings.LANGUAGE_COOKIE_NAME, None)
        return self.get_response(request)


class SecondFactorMiddleware:
    """Send users whose role requires TOTP to set it up or enter it before anything else.

    After that, someone whose password an admin chose is sent to change it.
    """

    # Only what a half-signed-in person needs: never the password change, for instance.
    EXEMPT_PREFIXES = (
        "/accounts/login/",
        "/accounts/logout/",
        "/accounts/2fa/",
        "/static/",
        "/lang/",
    )
    PASSWORD_PREFIX = "/accounts/password/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
        ):
            from django_otp import user_has_device

            from himoya.access.policy import needs_second_factor

            if not user.is_verified():
                if user_has_device(user):
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('otp_verify')}?{query}")
                if needs_second_factor(user):
                    return redirect(reverse("otp_setup"))
            if getattr(user, "must_change_password", False) and not request.path.startswith(
                self.PASSWORD_PREFIX
            ):
                return redirect(reverse("password_change"))
        return self.get_response(request)


class FriendlyNotFoundMiddleware:
    """Show the real "not found" page in development too (the demo runs with DEBUG).

    Django's debug 404 lists every URL pattern; a demo audience should see what users see.
    HIMOYA_TECHNICAL_404=1 brings the debug page back for a developer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def _active(self) -> bool:
        return settings.DEBUG and not settings.HIMOYA_TECHNICAL_404

    def __call__(self, request):
        response = self.get_response(request)
        # No resolver_match: the address matched no URL pattern at all.
        if (
            response.status_code == 404
            and self._active()
            and getattr(request, "resolver_match", None) is None
        ):
            return render(request, "404.html", status=404)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self._active():
            return render(request, "404.html", status=404)
        return None


class RefuseNulParametersMiddleware:
    """Answer 400 to a NUL byte in a query parameter: no page or database can take one.

    PostgreSQL refuses NUL in text; a view that looks a parameter up would otherwise
    answer 500. Forms already refuse NUL in posted fields (Django's validator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            if request.path.startswith("/api/"):  # the API's one error shape
                message = _("A parameter holds a NUL character, which no field can hold.")
                error = {"status": 400, "code": "invalid", "message": message, "fields": {}}
                return JsonResponse({"error": error}, status=400)
            return render(request, "400.html", status=400)
        return self.get_response(request)


request_log = logging.getLogger("himoya.requests")


class RequestLogMiddleware:
    """Write one JSON log line per request, with nothing that identifies a person.

    The route's name stands for the address: a path holds record ids and a query string
    could hold a search term; the user is an id, never a name.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        request_log.info(
            "request",
            extra={
                "method": request.method,
                "route": (match.view_name if match else None) or "unmatched",
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response
