from django.conf import settings

from himoya.access import policy


def himoya(request):
    user = getattr(request, "user", None)
    return {
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "my_memberships": policy.memberships(user) if user is not None else [],
        "my_permissions": policy.all_permissions(user) if user is not None else frozenset(),
    }
