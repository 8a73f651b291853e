"""Labels for the values of dimensions, in the active language."""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from himoya.stats.cache import shared_cache
from himoya.vocab import registry


def _organisation_name(pk) -> str:
    from himoya.organisations.models import Organisation

    cache = shared_cache()
    if cache is None:  # outside a page or report: one look-up
        org = Organisation.objects.filter(pk=pk).first()
        return org.name if org else str(pk)
    # Inside one: every organisation's name in one query, for all its tables.
    names = cache.get("organisation_names")
    if names is None:
        names = cache["organisation_names"] = {o.pk: o for o in Organisation.objects.all()}
    org = names.get(pk)
    return org.name if org else str(pk)


def label(source, dim_key: str, value) -> str:
    """Return how a dimension value reads to a person."""
    if value is None or value == "":
        return _("Not recorded")
    if dim_key == "month":
        y, m = str(value).split("-")[:2]
        return date_format(date(int(y), int(m), 1), "YEAR_MONTH_FORMAT")
    if dim_key == "year":
        return str(value)
    if dim_key == "sex_age":
        return registry.label("sex_age", value) if "sex_age" in registry.names() else value
    dim = source.dimension(dim_key)
    if dim.labeller is not None:
        return dim.labeller(value)
    if isinstance(value, bool):
        return _("Cross-border") if value else _("Internal")
    if dim.codelist and dim.codelist in registry.names():
        return registry.label(dim.codelist, str(value))
    return str(value)


organisation_name = _organisation_name
