from django import template

from himoya.vocab import registry

register = template.Library()


@register.filter
def code_label(code, list_name):
    """Show a code of a vocabulary list in the active language."""
    if code in (None, ""):
        return ""
    return registry.label(list_name, code)


@register.filter
def code_labels(codes, list_name):
    return ", ".join(registry.label(list_name, c) for c in codes or ())
