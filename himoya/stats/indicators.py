"""Every indicator Himoya reports, declared once.

An indicator names what it counts (its unit), the facts it counts from and the date it
counts on. Dashboards, report tables, exports and the JSON endpoint all read from here.
"""

from django.db import connection
from django.db.models import F, FilteredRelation, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from himoya.stats.engine import Dimension, Indicator, Source
from himoya.stats.labels import organisation_name

# --- cases ---------------------------------------------------------------------------

CASE_DIMENSIONS = (
    Dimension("sex", _("Sex"), "sex", "sex"),
    Dimension("age_group", _("Age group"), "age_group", "age_group"),
    Dimension("sex_age", _("Men, women, boys, girls"), "", "sex_age"),
    Dimension("majority", _("Adults and children"), "", "age_group"),
    Dimension("citizenship", _("Citizenship"), "citizenship", "country"),
    Dimension(
        "exploitation_type",
        _("Form of exploitation"),
        "code",
        "vic_TypeOfExploitation",
        multi="exploitation_types",
    ),
    Dimension(
        "labour_sector",
        _("Labour sector"),
        "code",
        "vic_ForcedLabourIndustry",
        multi="labour_sectors",
    ),
    Dimension(
        "means_of_control",
        _("Means of control"),
        "code",
        "vic_MethodsOfControl",
        multi="means_of_control",
    ),
    Dimension(
        "exploitation_country", _("Country of exploitation"), "exploitation_country", "country"
    ),
    Dimension("cross_border", _("Internal or cross-border"), "cross_border"),
    Dimension("region_of_origin", _("Region of origin"), "region_of_origin", "tj_region"),
    Dimension("district_of_origin", _("District of origin"), "district_of_origin", "tj_district"),
    Dimension("organisation", _("Registering organisation"), "org_id", labeller=organisation_name),
    Dimension(
        "trafficking_status", _("Trafficking status"), "trafficking_status", "vic_TraffickingStatus"
    ),
    Dimension("case_status", _("Case status"), "case_status", "cas_Status"),
    Dimension("month", _("Month")),
    Dimension("year", _("Year")),
)


def _has_undated_imports() -> bool:
    from himoya.interop.models import ImportedRecord

    return ImportedRecord.objects.exists()


def _unnest(column: str) -> str:
    """SQL for one row per code of a case row's `|code|code|` copy (NULL when none)."""
    return (
        "unnest(coalesce(nullif(string_to_array(trim(both '|' from "
        f"\"cases_case\".\"{column}\"), '|'), '{{}}'), ARRAY[NULL]::text[]))"
    )


def case_base(date_field: str):
    def base(multi: str | None):
        from himoya.cases.models import Case

        qs = Case.objects.filter(**{f"{date_field}__isnull": False})
        if date_field == "registered_on" and _has_undated_imports():
            # Imported rows whose source gave no registration year carry the import day
            # as their date; they must not count as registered that day.
            qs = qs.filter(imported_from__isnull=True)
        if multi in Case.COPIED_CODES and connection.vendor == "postgresql":
            # The case row carries these codes as |code|code| (kept in step by the cases
            # app): unnesting them spares a join with every code of every case.
            qs = qs.annotate(picked_code=RawSQL(_unnest(Case.COPIED_CODES[multi]), []))
        elif multi:
            qs = qs.annotate(
                picked=FilteredRelation("codes", condition=Q(codes__field=multi)),
                picked_code=F("picked__code"),
            )
        return qs

    return base


def case_columns(date_field: str) -> dict:
    return {
        "d": date_field,
        "unit_id": "pk",
        "person_id": "person_id",
        "national_person_id": "national_person_id",
        "org_id": "organisation_id",
        "sex": "sex",
        "age_group": "age_group",
        "citizenship": "citizenship",
        "exploitation_country": "exploitation_country",
        "cross_border": "is_cross_border",
        "region_of_origin": "region_of_origin",
        "district_of_origin": "person__district_of_origin",
        "trafficking_status": "trafficking_status",
        "case_status": "case_status",
        "code": "picked_code",
    }


def all_cases():
    from himoya.cases.models import Case

    return Case.objects.all()


CASES_REGISTERED = Source(
    "cases_registered",
    case_base("registered_on"),
    case_columns("registered_on"),
    CASE_DIMENSIONS,
    everything=all_cases,
    repeated_persons=Q(shares_person=True),
    # A person linked across organisations (himoya.linkage) is one person nationally.
    person_sql="COALESCE(f.national_person_id, f.person_id)",
    person_sql_columns=("national_person_id",),
)
STATUS_DECIDED = Source(
    "status_decided",
    case_base("status_decided_on"),
    case_columns("status_decided_on"),
    CASE_DIMENSIONS,
    everything=all_cases,
    repeated_persons=Q(shares_person=True),
    # A person linked across organisations (himoya.linkage) is one person nationally.
    person_sql="COALESCE(f.national_person_id, f.person_id)",
    person_sql_columns=("national_person_id",),
)

IDENTIFIED = "ActualVictimOfTrafficking"
NOT_A_VICTIM = "NotAVictimOfTrafficking"

REGISTRY_SOURCE = _("Case records of the national referral mechanism (Himoya)")

INDICATORS = {
    i.key: i
    for i in [
        Indicator(
            "cases", _("Cases registered"), "cases", CASES_REGISTERED, data_source=REGISTRY_SOURCE
        ),
        Indicator(
            "persons",
            _("Persons registered as presumed or identified victims"),
            "persons",
            CASES_REGISTERED,
            count="person_id",
            where={"trafficking_status__in": ["PossibleVictimOfTrafficking", IDENTIFIED]},
            data_source=REGISTRY_SOURCE,
        ),
        Indicator(
            "forced_labour_victims",
            _("Victims of forced labour"),
            "persons",
            CASES_REGISTERED,
            count="person_id",
            where={
                "trafficking_status__in": ["PossibleVictimOfTrafficking", IDENTIFIED],
                "exploitation_codes__contains": "|ForcedLabour|",
            },
            data_source=REGISTRY_SOURCE,
        ),
        Indicator(
            "victims_identified",
            _("Victims identified (status granted)"),
            "persons",
            STATUS_DECIDED,
            count="person_id",
            where={"trafficking_status": IDENTIFIED},
            data_source=REGISTRY_SOURCE,
        ),
    ]
}

UNITS = {
    "cases": _("cases"),
    "persons": _("persons (a person with several cases counts once)"),
    "screenings": _("screenings"),
    "referrals": _("referrals"),
    "services": _("services delivered"),
    "follow_ups": _("follow-ups after a case is closed"),
    "proceedings": _("proceedings"),
    "perpetrators": _("persons (suspects, accused, convicted)"),
    "contacts": _("hotline contacts"),
    "contacts_prevention": _("prevention contacts with persons at risk"),
}


def register(indicator: Indicator) -> Indicator:
    """Add an indicator declared by another app (screening, referrals, justice …)."""
    INDICATORS[indicator.key] = indicator
    return indicator


def _register_other_stages() -> None:
    from himoya.stats import sources as s

    screening = _("Screenings recorded in Himoya")
    assistance = _("Referral and assistance records in Himoya")
    justice = _("Proceedings recorded in Himoya")
    hotline = _("Hotline log in Himoya")
    for indicator in [
        Indicator("screenings", _("Screenings"), "screenings", s.SCREENINGS, data_source=screening),
        Indicator(
            "presumed_by_screening",
            _("Presumed victims found by screening"),
            "screenings",
            s.SCREENINGS,
            where={"decision": "presumed_victim"},
            data_source=screening,
        ),
        Indicator(
            "prevented",
            _("Prevented cases"),
            "contacts_prevention",
            s.PREVENTED,
            data_source=screening,
        ),
        Indicator("contacts", _("Hotline contacts"), "contacts", s.CONTACTS, data_source=hotline),
        Indicator(
            "referrals", _("Referrals sent"), "referrals", s.REFERRALS, data_source=assistance
        ),
        Indicator(
            "persons_referred",
            _("Persons referred to assistance"),
            "persons",
            s.REFERRALS,
            count="person_id",
            data_source=assistance,
        ),
        Indicator(
            "services", _("Services delivered"), "services", s.SERVICES, data_source=assistance
        ),
        Indicator(
            "cases_served",
            _("Cases that received services"),
            "cases",
            s.SERVICE_CASES,
            count="person_id",
            data_source=assistance,
        ),
        Indicator(
            "follow_ups", _("Follow-ups due"), "follow_ups", s.FOLLOW_UPS, data_source=assistance
        ),
        Indicator(
            "follow_up_cases",
            _("Cases with a follow-up due"),
            "cases",
            s.FOLLOW_UPS,
            count="person_id",
            data_source=assistance,
        ),
        Indicator(
            "proceedings",
            _("Proceedings opened"),
            "proceedings",
            s.PROCEEDINGS,
            data_source=justice,
        ),
        Indicator(
            "suspects", _("Persons suspected"), "perpetrators", s.SUSPECTS, data_source=justice
        ),
        Indicator(
            "prosecuted", _("Persons prosecuted"), "perpetrators", s.PROSECUTED, data_source=justice
        ),
        Indicator(
            "convicted", _("Persons convicted"), "perpetrators", s.CONVICTED, data_source=justice
        ),
    ]:
        register(indicator)


_register_other_stages()
