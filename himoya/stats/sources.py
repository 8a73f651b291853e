"""Facts of the other stages of the referral mechanism, for the indicator engine.

Each source names its model's rows (`base`) and the columns the engine may select under
its fixed aliases (`d`, `unit_id`, `person_id`, `org_id`, and one per dimension).
"""

from dataclasses import replace

from django.db.models import BooleanField, Case, F, FilteredRelation, Q, Value, When
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.utils.translation import gettext_lazy as _

from himoya.stats.engine import Dimension, Source
from himoya.stats.labels import organisation_name

ORG = Dimension("organisation", _("Organisation"), "org_id", labeller=organisation_name)
MONTH = Dimension("month", _("Month"))
YEAR = Dimension("year", _("Year"))
REGION = Dimension("region", _("Region"), "region", "tj_region")


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


# A screening's outcome is the responder's decision, else the rule's suggestion.


def _screenings(multi):
    return _model("screening.Screening").objects.all()


def _prevented(multi):
    return _model("prevention.PreventionContact").objects.filter(counted_as_prevented=True)


def _contacts(multi):
    return _model("hotline.HotlineContact").objects.all()


def _referrals(multi):
    qs = _model("referrals.Referral").objects.all()
    if multi == "services":
        qs = qs.annotate(svc=FilteredRelation("services"))
    return qs


def _services(multi):
    return _model("assistance.ServiceDelivery").objects.all()


def _proceedings(multi):
    qs = _model("justice.Proceeding").objects.all()
    if multi == "articles":
        qs = qs.annotate(art=FilteredRelation("articles"))
    return qs


def _defendants(status: Q):
    def base(multi):
        return _model("justice.Defendant").objects.filter(status, proceeding__kind="criminal")

    return base


def _indicted(multi):
    """Accused, convicted or acquitted persons, once per indictment of their proceeding."""
    return (
        _model("justice.Defendant")
        .objects.annotate(
            indicted=FilteredRelation(
                "proceeding__stage_changes",
                condition=Q(proceeding__stage_changes__stage="prosecution"),
            )
        )
        .filter(
            proceeding__kind="criminal",
            status__in=["accused", "convicted", "acquitted"],
            indicted__isnull=False,
        )
    )


def _status(value) -> str:
    Referral = _model("referrals.Referral")
    return str(Referral.Status(value).label) if value in Referral.Status.values else str(value)


SCREENINGS = Source(
    "screenings",
    _screenings,
    {
        "d": TruncDate("screened_at"),
        "unit_id": "pk",
        "person_id": "pk",
        "org_id": "organisation_id",
        "region": "region",
        "age_group": "age_group",
        "outcome": Coalesce(NullIf(F("decision"), Value("")), F("suggested")),
        "suspected": "suspected_form",
    },
    (
        ORG,
        MONTH,
        YEAR,
        REGION,
        Dimension("outcome", _("Outcome"), "outcome", "screening_classification"),
        Dimension("suspected", _("Suspected form of exploitation"), "suspected", "screening_form"),
        Dimension("age_group", _("Age group"), "age_group", "screening_age_group"),
    ),
    person_is_unit=True,
)
PREVENTED = Source(
    "prevented",
    _prevented,
    {
        "d": "contacted_on",
        "unit_id": "pk",
        "person_id": "pk",
        "org_id": "organisation_id",
        "region": "region",
    },
    (ORG, MONTH, YEAR, REGION),
    person_is_unit=True,
)
CONTACTS = Source(
    "contacts",
    _contacts,
    {
        "d": TruncDate("received_at"),
        "unit_id": "pk",
        "person_id": "pk",
        "org_id": "organisation_id",
        "region": "region",
        "topic": "topic",
        "outcome": "outcome",
        "channel": "channel",
        "caller_type": "caller_type",
    },
    (
        ORG,
        MONTH,
        YEAR,
        REGION,
        Dimension("topic", _("Topic"), "topic", "hotline_topic"),
        Dimension("outcome", _("Outcome"), "outcome", "hotline_outcome"),
        Dimension("channel", _("Channel"), "channel", "hotline_channel"),
        Dimension("caller_type", _("Caller"), "caller_type", "hotline_caller_type"),
    ),
    person_is_unit=True,
)
REFERRALS = Source(
    "referrals",
    _referrals,
    {
        "d": TruncDate("sent_at"),
        "unit_id": "pk",
        "person_id": "case__person_id",
        "org_id": "from_organisation_id",
        "receiver": "to_organisation_id",
        "referral_status": "status",
        "code": "svc__service",
    },
    (
        ORG,
        MONTH,
        YEAR,
        Dimension("receiver", _("Receiving organisation"), "receiver", labeller=organisation_name),
        Dimension("service", _("Service"), "code", "assistance_service", multi="services"),
        Dimension("referral_status", _("Status"), "referral_status", labeller=_status),
    ),
    also_owned_by=("to_organisation_id",),
)
SERVICES = Source(
    "services",
    _services,
    {
        "d": "started_on",
        "unit_id": "pk",
        "person_id": "case__person_id",
        "org_id": "provider_id",
        "service": "service",
    },
    (ORG, MONTH, YEAR, Dimension("service", _("Service"), "service", "assistance_service")),
    also_owned_by=("case__organisation_id",),
)
# The same facts, with the case as "whom it concerns": cases served, not persons.
SERVICE_CASES = replace(
    SERVICES, key="service_cases", columns={**SERVICES.columns, "person_id": "case_id"}
)


def _follow_ups(multi):
    return _model("assistance.FollowUp").objects.annotate(
        trafficked_again=Case(
            When(Q(re_victimised=True) | Q(outcome="re_victimised"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


# Follow-ups after a case is closed, on the day they are due; whom they concern: the case.
FOLLOW_UPS = Source(
    "follow_ups",
    _follow_ups,
    {
        "d": "due_on",
        "unit_id": "pk",
        "person_id": "case_id",
        "org_id": "case__organisation_id",
        "outcome": "outcome",
    },
    (ORG, MONTH, YEAR, Dimension("outcome", _("Outcome"), "outcome", "followup_outcome")),
)
PROCEEDINGS = Source(
    "proceedings",
    _proceedings,
    {
        "d": "opened_on",
        "unit_id": "pk",
        "person_id": "pk",
        "org_id": "organisation_id",
        "stage": "stage",
        "kind": "kind",
        "outcome": "outcome",
        "code": "art__article",
    },
    (
        ORG,
        MONTH,
        YEAR,
        Dimension("stage", _("Stage"), "stage", "jus_Stage"),
        Dimension("kind", _("Kind of proceeding"), "kind", "jus_ProceedingKind"),
        Dimension("outcome", _("Outcome"), "outcome", "jus_Outcome"),
        Dimension(
            "article",
            _("Article of the Criminal Code"),
            "code",
            "jus_CriminalCodeArticle",
            multi="articles",
        ),
    ),
    person_is_unit=True,
)


def _defendant_columns(date_field: str) -> dict:
    return {
        "d": date_field,
        "unit_id": "perpetrator_id",
        "person_id": "perpetrator_id",
        "org_id": "proceeding__organisation_id",
        "sex": "perpetrator__sex",
        "citizenship": "perpetrator__citizenship",
        "age_group": "perpetrator__age_group",
    }


DEFENDANT_DIMENSIONS = (
    ORG,
    MONTH,
    YEAR,
    Dimension("sex", _("Sex"), "sex", "sex"),
    Dimension("citizenship", _("Citizenship"), "citizenship", "country"),
    Dimension("age_group", _("Age group"), "age_group", "age_group"),
)
# Persons in criminal proceedings. A person accused in two proceedings counts once: rows
# are not unique per person. Prosecuted: indicted (the proceeding reached the prosecution
# stage) in the period; convicted: by a decision dated in the period.
SUSPECTS = Source(
    "suspects",
    _defendants(Q()),
    _defendant_columns("proceeding__opened_on"),
    DEFENDANT_DIMENSIONS,
    person_is_unit=True,
    unique_rows=False,
)
PROSECUTED = Source(
    "prosecuted",
    _indicted,
    _defendant_columns("indicted__on"),
    DEFENDANT_DIMENSIONS,
    person_is_unit=True,
    unique_rows=False,
)
CONVICTED = Source(
    "convicted",
    _defendants(Q(status="convicted")),
    _defendant_columns("proceeding__outcome_on"),
    DEFENDANT_DIMENSIONS,
    person_is_unit=True,
    unique_rows=False,
)
