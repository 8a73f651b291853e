from django import template

from himoya.cases import codes

register = template.Library()


@register.filter
def code_label(code, list_name):
    """Label of a vocabulary code in the active language."""
    return codes.label(list_name, code or "")
