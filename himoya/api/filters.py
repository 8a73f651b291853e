"""The case list's filters, as query parameters: the same names and the same query code
(himoya.cases.queries.filter_cases) as the page."""

import django_filters

from himoya.cases import queries


class CaseFilter(django_filters.FilterSet):
    reference = django_filters.CharFilter(
        method="keep", max_length=32, help_text="A case reference, e.g. MAD-2026-00042."
    )
    status = django_filters.CharFilter(method="keep", max_length=40)
    open = django_filters.ChoiceFilter(
        method="keep", choices=[("open", "open"), ("closed", "closed")]
    )
    registered_from = django_filters.DateFilter(method="keep")
    registered_to = django_filters.DateFilter(method="keep")
    sex = django_filters.CharFilter(method="keep", max_length=16)
    age_group = django_filters.CharFilter(method="keep", max_length=16)
    exploitation = django_filters.CharFilter(method="keep", max_length=60)
    country = django_filters.CharFilter(method="keep", max_length=2)
    region = django_filters.CharFilter(method="keep", max_length=16)
    organisation = django_filters.CharFilter(
        method="keep", max_length=40, help_text="An organisation's short name (slug)."
    )

    def keep(self, queryset, name, value):
        return queryset  # applied together in filter_queryset, by the page's own code

    def filter_queryset(self, queryset):
        data = dict(self.form.cleaned_data)
        reference = data.pop("reference", None)
        slug = data.pop("organisation", None)
        if reference:
            # A case number only: a name in a URL would end up in logs (the page posts it).
            queryset = queryset.filter(reference=queryset_reference(reference))
        if slug:
            queryset = queryset.filter(organisation__slug=slug)
        return queries.filter_cases(queryset, {k: v for k, v in data.items() if v})


def queryset_reference(text: str) -> str:
    return queries.case_reference_in(text) or text.strip().upper()
