"""The REST API: every queryset from the access policy (himoya.access), every change through
the app's own `do_<verb>` action. Out of scope answers 404, as on the pages."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from himoya.access import assistance as assistance_access
from himoya.access import cases as cases_access
from himoya.access import justice as justice_access
from himoya.access import policy, roles
from himoya.access import referrals as referrals_access
from himoya.access import screening as screening_access
from himoya.api import serializers as s
from himoya.api.filters import CaseFilter
from himoya.api.models import Part
from himoya.api.pagination import CasesNewestFirst
from himoya.cases import actions as case_actions
from himoya.organisations.models import Organisation
from himoya.referrals import actions as referral_actions
from himoya.referrals import sharing
from himoya.referrals.models import ReferralService
from himoya.vocab import registry


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]{1,18}"

    def get_object(self):
        return policy.get_or_404(self.get_queryset(), pk=self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(summary="Cases the token may open", responses={200: s.CaseSerializer}),
    retrieve=extend_schema(summary="One case", responses={200: s.CaseSerializer}),
)
class CaseViewSet(ReadOnly):
    api_part = Part.CASES
    serializer_class = s.CaseSerializer
    pagination_class = CasesNewestFirst
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter

    read_actions = ("search",)  # posted so that a name stays out of URLs, but it only reads
    SEARCH_LIMIT = 100

    def get_queryset(self):
        return cases_access.cases_visible_to(self.request.user).select_related("organisation")

    @extend_schema(
        summary="Search cases by name (any script, first letters) or case number; audited",
        request=s.CaseSearchSerializer,
        responses={200: s.CaseSearchResultSerializer},
    )
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def search(self, request: Request):
        """The page's search: a name needs the right to see identities and is audited."""
        from himoya.audit.actions import Action, record, record_permission_denied
        from himoya.cases import queries

        form = s.CaseSearchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        filters = {k: v for k, v in form.validated_data.items() if v}
        user = request.user
        cases = self.get_queryset()
        if not queries.case_reference_in(filters["q"]):
            allowed = policy.org_ids_with(user, roles.VIEW_IDENTITY)
            if not allowed:
                record_permission_denied(user, roles.VIEW_IDENTITY, request=request)
                raise exceptions.PermissionDenied(
                    _("Searching by name needs the right to see identities.")
                )
            record(
                Action.VIEW_IDENTITY,
                actor=user,
                organisation=policy.first_org_with(user, roles.VIEW_IDENTITY),
                object_type="cases.person",
                detail="name search (api)",
                request=request,
            )
            cases = cases.filter(organisation_id__in=allowed)
        found = queries.filter_cases(cases, filters)
        rows, truncated, total = queries.small_set_page(found, 1, size=self.SEARCH_LIMIT)
        data = {"total": total, "truncated": truncated, "results": rows}
        return Response(s.CaseSearchResultSerializer(data).data)


@extend_schema_view(
    list=extend_schema(summary="Persons with a case the token may open (no identity)"),
    retrieve=extend_schema(summary="One person (no identity)"),
)
class PersonViewSet(ReadOnly):
    api_part = Part.PERSONS
    serializer_class = s.PersonSerializer

    def get_queryset(self):
        return cases_access.persons_visible_to(self.request.user).select_related("organisation")

    @extend_schema(
        summary="Reveal a person's identity (needs the right to see identities; audited)",
        responses={200: s.PersonIdentitySerializer},
    )
    @action(detail=True, methods=["get"])
    def identity(self, request: Request, pk=None):
        person = self.get_object()
        user = request.user
        allowed = policy.org_ids_with(user, roles.VIEW_IDENTITY)
        case = (
            cases_access.cases_visible_to(user)
            .filter(person=person, organisation_id__in=allowed)
            .select_related("organisation")
            .order_by("pk")
            .first()
        )
        if case is None:
            policy.require(user, roles.VIEW_IDENTITY, person.organisation, request=request)
            raise exceptions.PermissionDenied  # the right is held, but not for its cases
        case_actions.do_reveal_identity(person, acting_user=user, case=case, request=request)
        return Response(s.PersonIdentitySerializer(person).data)


class ScreeningViewSet(ReadOnly):
    api_part = Part.SCREENINGS
    serializer_class = s.ScreeningSerializer

    def get_queryset(self):
        return screening_access.screenings_visible_to(self.request.user).select_related(
            "organisation", "checklist_version__checklist"
        )


def _referrals(user):
    return referrals_access.referrals_visible_to(user).prefetch_related(
        Prefetch("services", queryset=ReferralService.objects.order_by("service"))
    )


@extend_schema_view(
    list=extend_schema(summary="Referrals sent or received by the token's organisation"),
    retrieve=extend_schema(summary="One referral", responses={200: s.ReferralSerializer}),
)
class ReferralViewSet(mixins.CreateModelMixin, ReadOnly):
    api_part = Part.REFERRALS
    serializer_class = s.ReferralSerializer

    def get_queryset(self):
        return _referrals(self.request.user)

    def get_object(self):
        referral = super().get_object()
        user = self.request.user
        if not any(
            org_id is not None and policy.has_perm(user, roles.VIEW_CASE, org_id)
            for org_id in (referral.from_organisation_id, referral.to_organisation_id)
        ):
            policy.require(user, roles.VIEW_CASE, referral.from_organisation, request=self.request)
        return referral

    @extend_schema(
        summary="Send a referral of a case to an organisation in Himoya, on the person's consent",
        request=s.ReferralSendSerializer,
        responses={201: s.ReferralSerializer},
    )
    def create(self, request: Request, *args, **kwargs):
        form = s.ReferralSendSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user = request.user
        case = policy.get_or_404(referrals_access.cases_in_reach(user), pk=data["case"])
        organisation = referrals_access.acting_organisation(user, case, roles.REFER)
        if organisation is None:
            policy.require(user, roles.REFER, case.organisation, request=request)
        receiver = Organisation.objects.filter(slug=data["to_organisation"], is_active=True).first()
        errors = {}
        if receiver is None:
            errors["to_organisation"] = [_("There is no such organisation in Himoya.")]
        services = set(registry.codes("assistance_service"))
        if not set(data["services"]) <= services:
            errors["services"] = [_("Unknown service.")]
        if organisation.pk == case.organisation_id:
            shareable = set(sharing.PARTS)
        else:
            shareable = referrals_access.shared_parts_for(user, case) or set()
        if not set(data["shared_parts"]) <= shareable:
            errors["shared_parts"] = [_("This part of the case cannot be shared.")]
        if errors:
            raise exceptions.ValidationError(errors)
        referral = referral_actions.do_send_referral(
            case,
            from_organisation=organisation,
            to_organisation=receiver,
            services=data["services"],
            shared_parts=[p for p in sharing.PARTS if p in data["shared_parts"]],
            message=data.get("message", ""),
            acting_user=user,
        )
        referral = _referrals(user).get(pk=referral.pk)
        return Response(s.ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    def _as_receiver(self, request):
        referral = policy.get_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if referral.to_organisation is None:
            raise exceptions.NotFound
        policy.require(request.user, roles.REFER, referral.to_organisation, request=request)
        return referral

    @extend_schema(
        summary="Accept a referral received",
        request=None,
        responses={200: s.ReferralSerializer},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None):
        referral = self._as_receiver(request)
        referral_actions.do_accept_referral(referral, acting_user=request.user)
        return Response(s.ReferralSerializer(self.get_queryset().get(pk=referral.pk)).data)

    @extend_schema(
        summary="Decline a referral received, saying why",
        request=s.DeclineSerializer,
        responses={200: s.ReferralSerializer},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk=None):
        referral = self._as_receiver(request)
        form = s.DeclineSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        referral_actions.do_decline_referral(
            referral, reason=form.validated_data["reason"], acting_user=request.user
        )
        return Response(s.ReferralSerializer(self.get_queryset().get(pk=referral.pk)).data)


class ServiceDeliveryViewSet(ReadOnly):
    api_part = Part.ASSISTANCE
    serializer_class = s.ServiceDeliverySerializer

    def get_queryset(self):
        return assistance_access.service_deliveries_visible_to(self.request.user)


class FollowUpViewSet(ReadOnly):
    api_part = Part.ASSISTANCE
    serializer_class = s.FollowUpSerializer

    def get_queryset(self):
        return assistance_access.follow_ups_visible_to(self.request.user)


class ProceedingViewSet(ReadOnly):
    api_part = Part.PROCEEDINGS
    serializer_class = s.ProceedingSerializer

    def get_queryset(self):
        return justice_access.proceedings_visible_to(self.request.user).prefetch_related("articles")


class ServiceOfferViewSet(ReadOnly):
    api_part = Part.DIRECTORY
    serializer_class = s.ServiceOfferSerializer

    def get_queryset(self):
        return referrals_access.service_offers_visible_to(self.request.user)


# --- statistics ----------------------------------------------------------------------

PERIOD_PARAMS = [
    OpenApiParameter(
        "period",
        str,
        enum=["ytd", "year", "quarter", "month", "reporting", "custom"],
        description="Kind of period (default: January to this month).",
    ),
    OpenApiParameter("year", int),
    OpenApiParameter("quarter", int),
    OpenApiParameter("month", int),
    OpenApiParameter("start", str, description="YYYY-MM-DD, for a custom period"),
    OpenApiParameter("end", str, description="YYYY-MM-DD, for a custom period"),
    OpenApiParameter("by", str, description="Breakdowns, separated by commas"),
    OpenApiParameter("org", str, description="An organisation's short name, to narrow to it"),
]


def _require_stats(request) -> None:
    if not any(
        policy.has_perm(request.user, p) for p in (roles.VIEW_STATS_NATIONAL, roles.VIEW_STATS_ORG)
    ):
        policy.require(request.user, roles.VIEW_STATS_ORG, request=request)


class IndicatorViewSet(viewsets.ViewSet):
    """Statistics through the one engine, with the pages' disclosure protection."""

    api_part = Part.STATISTICS
    lookup_field = "key"
    lookup_value_regex = r"[a-z0-9_]{1,60}"
    pagination_class = None

    @extend_schema(
        summary="The indicators",
        responses={200: s.IndicatorSerializer(many=True)},
    )
    def list(self, request: Request):
        from himoya.stats.indicators import INDICATORS

        _require_stats(request)
        data = [
            {
                "key": i.key,
                "label": str(i.label),
                "unit": i.unit,
                "dimensions": [d.key for d in i.source.dimensions],
            }
            for i in INDICATORS.values()
        ]
        return Response(data)

    @extend_schema(
        summary="One indicator for a period, a year earlier, and any breakdown",
        parameters=PERIOD_PARAMS,
        responses={200: s.IndicatorTableSerializer},
    )
    def retrieve(self, request: Request, key=None):
        from himoya.stats import dashboard, engine, periods
        from himoya.stats.indicators import INDICATORS

        _require_stats(request)
        indicator = INDICATORS.get(key or "")
        if indicator is None:
            raise exceptions.NotFound(_("Unknown indicator."))
        try:
            period = periods.from_params(request.query_params, timezone.localdate())
        except periods.PeriodError as error:
            raise exceptions.ValidationError(str(error)) from None
        by = tuple(b for b in request.query_params.get("by", "").split(",") if b)
        try:
            for b in by:
                indicator.source.dimension(b)
        except KeyError:
            raise exceptions.ValidationError(_("Unknown breakdown.")) from None
        if len(by) > 2:
            raise exceptions.ValidationError(_("At most two breakdowns."))
        scope = engine.scope_for(request.user, self._organisation(request))
        table = engine.compute(indicator, period, scope, by)
        return Response(dashboard.table_json(table))

    def _organisation(self, request):
        slug = request.query_params.get("org")
        if not slug:
            return None
        if policy.has_perm(request.user, roles.VIEW_STATS_NATIONAL):
            return policy.get_or_404(Organisation.objects.all(), slug=slug)
        return policy.get_or_404(policy.organisations_visible_to(request.user), slug=slug)


def not_found(request, rest=""):
    """Any other address under /api/v1/: the one error shape, not the HTML page."""
    from django.http import JsonResponse

    from himoya.api.errors import NOT_FOUND

    return JsonResponse(
        {"error": {"status": 404, "code": "not_found", "message": str(NOT_FOUND), "fields": {}}},
        status=404,
    )
