"""Numbers as each language writes them: 1 234,5 in Tajik and Russian, 1,234.5 in English."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def number(value, decimals=None):
    """Format a number with the active language's grouping and decimal separator."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
