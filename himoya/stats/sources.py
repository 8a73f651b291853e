"""Facts of the other stages of the referral mechanism, for the indicator engine.

Each function returns `.values()` rows with the engine's fixed aliases (see engine.Source):
`d`, `unit_id`, `person_id`, `org_id`, and one column per dimension.
"""

from django.db.models import F, FilteredRelation, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from himoya.stats.engine import Dimension, Source
from himoya.stats.labels import organisation_name

ORG = Dimension("organisation", _("Organisation"), "org_id", labeller=organisation_name)
MONTH = Dimension("month", _("Month"))
YEAR = Dimension("year", _("Year"))


def _screening_facts(multi):
    from himoya.screening.models import Screening

    return Screening.objects.values(
        "region",
        "age_group",
        d=TruncDate("screened_at"),
        unit_id=F("pk"),
        person_id=F("pk"),
        org_id=F("organisation_id"),
        outcome=F("decision"),
        suspected=F("suspected_form"),
    )


def _prevention_facts(multi):
    from himoya.prevention.models import PreventionContact

    return PreventionContact.objects.filter(counted_as_prevented=True).values(
        "region",
        d=F("contacted_on"),
        unit_id=F("pk"),
        person_id=F("pk"),
        org_id=F("organisation_id"),
    )


def _hotline_facts(multi):
    from himoya.hotline.models import HotlineContact

    return HotlineContact.objects.values(
        "region",
        "topic",
        "outcome",
        "channel",
        "caller_type",
        d=TruncDate("received_at"),
        unit_id=F("pk"),
        person_id=F("pk"),
        org_id=F("organisation_id"),
    )


def _referral_facts(multi):
    from himoya.referrals.models import Referral

    qs = Referral.objects.all()
    values = dict(
        d=TruncDate("sent_at"),
        unit_id=F("pk"),
        person_id=F("case__person_id"),
        org_id=F("from_organisation_id"),
        receiver=F("to_organisation_id"),
        referral_status=F("status"),
    )
    if multi == "services":
        qs = qs.annotate(svc=FilteredRelation("services"))
        values["service"] = F("svc__service")
    return qs.values(**values)


def _service_facts(multi):
    from himoya.assistance.models import ServiceDelivery

    return ServiceDelivery.objects.values(
        "service",
        d=F("started_on"),
        unit_id=F("pk"),
        person_id=F("case__person_id"),
        org_id=F("provider_id"),
    )


def _proceeding_facts(multi):
    from himoya.justice.models import Proceeding

    qs = Proceeding.objects.all()
    values = dict(
        d=F("opened_on"),
        unit_id=F("pk"),
        person_id=F("pk"),
        org_id=F("organisation_id"),
    )
    if multi == "articles":
        qs = qs.annotate(art=FilteredRelation("articles"))
        values["article"] = F("art__article")
    return qs.values("stage", "kind", "outcome", **values)


def _defendant_facts(status_filter: Q, date_field: str):
    def facts(multi):
        from himoya.justice.models import Defendant

        return Defendant.objects.filter(status_filter).values(
            d=F(date_field),
            unit_id=F("perpetrator_id"),
            person_id=F("perpetrator_id"),
            org_id=F("proceeding__organisation_id"),
            sex=F("perpetrator__sex"),
            citizenship=F("perpetrator__citizenship"),
            age_group=F("perpetrator__age_group"),
            defendant_status=F("status"),
        )

    return facts


def _status(value) -> str:
    from himoya.referrals.models import Referral

    return str(Referral.Status(value).label) if value in Referral.Status.values else str(value)


REGION = Dimension("region", _("Region"), "region", "tj_region")

SCREENINGS = Source(
    "screenings",
    _screening_facts,
    (
        ORG,
        MONTH,
        YEAR,
        REGION,
        Dimension("outcome", _("Outcome"), "outcome", "screening_classification"),
        Dimension("suspected", _("Suspected form of exploitation"), "suspected", "screening_form"),
        Dimension("age_group", _("Age group"), "age_group", "screening_age_group"),
    ),
)
PREVENTED = Source("prevented", _prevention_facts, (ORG, MONTH, YEAR, REGION))
CONTACTS = Source(
    "contacts",
    _hotline_facts,
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
)
REFERRALS = Source(
    "referrals",
    _referral_facts,
    (
        ORG,
        MONTH,
        YEAR,
        Dimension("receiver", _("Receiving organisation"), "receiver", labeller=organisation_name),
        Dimension("service", _("Service"), "service", "assistance_service", multi="services"),
        Dimension("referral_status", _("Status"), "referral_status", labeller=lambda v: _status(v)),
    ),
)
SERVICES = Source(
    "services",
    _service_facts,
    (
        ORG,
        MONTH,
        YEAR,
        Dimension("service", _("Service"), "service", "assistance_service"),
    ),
)
PROCEEDINGS = Source(
    "proceedings",
    _proceeding_facts,
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
            "article",
            "jus_CriminalCodeArticle",
            multi="articles",
        ),
    ),
)
DEFENDANT_DIMENSIONS = (
    ORG,
    MONTH,
    YEAR,
    Dimension("sex", _("Sex"), "sex", "sex"),
    Dimension("citizenship", _("Citizenship"), "citizenship", "country"),
    Dimension("age_group", _("Age group"), "age_group", "age_group"),
)
SUSPECTS = Source("suspects", _defendant_facts(Q(), "proceeding__opened_on"), DEFENDANT_DIMENSIONS)
PROSECUTED = Source(
    "prosecuted",
    _defendant_facts(~Q(proceeding__stage="investigation"), "proceeding__opened_on"),
    DEFENDANT_DIMENSIONS,
)
CONVICTED = Source(
    "convicted",
    _defendant_facts(Q(status="convicted"), "proceeding__outcome_on"),
    DEFENDANT_DIMENSIONS,
)
