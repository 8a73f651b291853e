from django.apps import apps
from django.conf import settings

from himoya.access import policy


def navigation(perms) -> list[dict]:
    """Collect menu entries apps declare as `nav = [(permission, url name, label)]`."""
    items, seen = [], set()
    for config in apps.get_app_configs():
        for perm, url_name, label in getattr(config, "nav", ()):
            if (perm is None or perm in perms) and url_name not in seen:
                seen.add(url_name)
                items.append({"url_name": url_name, "label": label})
    return items


def himoya(request):
    user = getattr(request, "user", None)
    perms = policy.all_permissions(user) if user is not None else frozenset()
    return {
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "my_memberships": policy.memberships(user) if user is not None else [],
        "my_permissions": perms,
        "nav_items": navigation(perms) if perms else [],
    }
