"""What the API shows of each record: analytic fields and ids, never identity unasked.

Free-text notes stay out (they may name people); identity is its own audited endpoint.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from himoya.assistance.models import FollowUp, ServiceDelivery
from himoya.cases.models import Case, Person
from himoya.justice.models import Proceeding
from himoya.referrals.models import Referral, ServiceOffer
from himoya.screening.models import Screening

Slug = serializers.SlugRelatedField


class CaseSerializer(serializers.ModelSerializer):
    organisation = Slug(slug_field="slug", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "organisation",
            "person",
            "registered_on",
            "identified_on",
            "trafficking_status",
            "status_decided_by",
            "status_decided_on",
            "case_status",
            "closed_on",
            "closure_reason",
            "sex",
            "age_group",
            "citizenship",
            "region_of_origin",
            "exploitation_country",
            "is_cross_border",
            "exploitation_began",
            "exploitation_ended",
        ]


class CaseSearchSerializer(serializers.Serializer):
    """A name (or case number) search with the case list's filters, posted: never in a URL."""

    q = serializers.CharField(max_length=100)
    status = serializers.CharField(max_length=40, required=False, allow_blank=True)
    open = serializers.ChoiceField(choices=["open", "closed"], required=False)
    registered_from = serializers.DateField(required=False)
    registered_to = serializers.DateField(required=False)
    sex = serializers.CharField(max_length=16, required=False, allow_blank=True)
    age_group = serializers.CharField(max_length=16, required=False, allow_blank=True)
    exploitation = serializers.CharField(max_length=60, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    region = serializers.CharField(max_length=16, required=False, allow_blank=True)


class CaseSearchResultSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    truncated = serializers.BooleanField()
    results = CaseSerializer(many=True)


class PersonSerializer(serializers.ModelSerializer):
    organisation = Slug(slug_field="slug", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "organisation",
            "sex",
            "age_at_identification",
            "age_group",
            "citizenship",
            "region_of_origin",
            "district_of_origin",
        ]


class PersonIdentitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", *Person.IDENTITY_FIELDS]


class ScreeningSerializer(serializers.ModelSerializer):
    organisation = Slug(slug_field="slug", read_only=True)
    checklist = serializers.CharField(source="checklist_version.checklist.slug", read_only=True)
    checklist_version = serializers.IntegerField(source="checklist_version.number", read_only=True)

    class Meta:
        model = Screening
        fields = [
            "id",
            "organisation",
            "checklist",
            "checklist_version",
            "screened_at",
            "region",
            "district",
            "age_group",
            "suspected_form",
            "status",
            "result",
            "suggested",
            "decision",
            "decided_at",
            "case",
        ]


class ReferralSerializer(serializers.ModelSerializer):
    from_organisation = Slug(slug_field="slug", read_only=True)
    to_organisation = Slug(slug_field="slug", read_only=True, allow_null=True)
    services = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "from_organisation",
            "to_organisation",
            "external_country",
            "services",
            "shared_parts",
            "status",
            "sent_at",
            "answered_at",
            "decline_reason",
            "delivered_at",
            "completed_at",
            "stopped_at",
        ]

    def get_services(self, obj) -> list[str]:
        return sorted(s.service for s in obj.services.all())


class ReferralSendSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, max_value=2**62)
    to_organisation = serializers.SlugField(max_length=40)
    services = serializers.ListField(child=serializers.CharField(max_length=32), min_length=1)
    shared_parts = serializers.ListField(child=serializers.CharField(max_length=32), min_length=1)
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ServiceDeliverySerializer(serializers.ModelSerializer):
    provider = Slug(slug_field="slug", read_only=True)

    class Meta:
        model = ServiceDelivery
        fields = [
            "id",
            "case",
            "service",
            "provider",
            "referral",
            "started_on",
            "ended_on",
            "cost_somoni",
            "outcome",
            "recorded_at",
        ]


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "case",
            "months_after_closure",
            "due_on",
            "done_on",
            "outcome",
            "re_victimised",
        ]


class ProceedingSerializer(serializers.ModelSerializer):
    organisation = Slug(slug_field="slug", read_only=True)
    articles = serializers.SerializerMethodField()

    class Meta:
        model = Proceeding
        fields = [
            "id",
            "organisation",
            "kind",
            "court",
            "stage",
            "opened_on",
            "outcome",
            "outcome_on",
            "articles",
            "compensation_ordered",
            "compensation_paid",
        ]

    def get_articles(self, obj) -> list[str]:
        return sorted(a.article for a in obj.articles.all())


class ServiceOfferSerializer(serializers.ModelSerializer):
    organisation = Slug(slug_field="slug", read_only=True)

    class Meta:
        model = ServiceOffer
        fields = [
            "id",
            "organisation",
            "service",
            "regions",
            "districts",
            "target_groups",
            "contact_hours",
            "contact_phone",
            "is_active",
            "updated_at",
        ]


class IndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    dimensions = serializers.ListField(child=serializers.CharField())


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class Figure(serializers.JSONField):
    """A count, or what is shown instead of a number too small to show ("<5", "…")."""


class CellSerializer(serializers.Serializer):
    key = serializers.ListField(child=serializers.JSONField())
    labels = serializers.ListField(child=serializers.CharField())
    current = Figure()
    previous = Figure()
    change = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField(allow_null=True)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    label = serializers.CharField(required=False)
    data_year = serializers.IntegerField(required=False)


class IndicatorTableSerializer(serializers.Serializer):
    """The engine's table as the page's JSON endpoint gives it (himoya.stats.dashboard)."""

    indicator = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    period = PeriodSerializer()
    previous_period = PeriodSerializer()
    by = serializers.ListField(child=serializers.CharField())
    no_records = serializers.BooleanField()
    protection = serializers.CharField(allow_null=True)
    total = CellSerializer()
    cells = CellSerializer(many=True)
