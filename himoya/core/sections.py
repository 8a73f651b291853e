"""Panels that apps contribute to another app's page, through a hook on their AppConfig."""

from django.apps import apps


def collect(hook: str, *args) -> list[dict]:
    """Call `hook(*args)` on every app config that has it; keep the panels it returns.

    A panel is a dict with at least `title` and `template` (rendered by sections.html).
    """
    sections = []
    for config in apps.get_app_configs():
        provider = getattr(config, hook, None)
        if provider is not None:
            section = provider(*args)
            if section:
                sections.append(section)
    return sections
