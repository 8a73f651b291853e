"""Who may see and change proceedings.

The investigating agency sees its own proceedings (MANAGE_PROCEEDINGS or VIEW_CASE in
that organisation) and changes them with MANAGE_PROCEEDINGS. Everyone else (NGOs,
lawyers) sees a proceeding only through a victim's case they may see; a lawyer who
represents a victim may also add hearings and notes of what the victim was told.
National coordinators see aggregates only (himoya.justice.queries), never a record.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from himoya.access import policy, roles


def _agency_ids(user) -> set[int]:
    return policy.org_ids_with(user, roles.MANAGE_PROCEEDINGS) | policy.org_ids_with(
        user, roles.VIEW_CASE
    )


def proceedings_visible_to(user) -> QuerySet:
    """Proceedings of the user's agency, and those of victims whose cases the user sees."""
    from himoya.access.cases import cases_visible_to
    from himoya.justice.models import Proceeding

    if not policy.memberships(user):
        return Proceeding.objects.none()
    through_cases = Proceeding.objects.filter(
        participations__case__in=cases_visible_to(user)
    ).values("pk")
    return Proceeding.objects.filter(
        Q(organisation_id__in=_agency_ids(user)) | Q(pk__in=through_cases)
    ).select_related("organisation")


def proceedings_of_case(user, case) -> QuerySet:
    """Proceedings a victim's case takes part in, as far as the user may see them."""
    return proceedings_visible_to(user).filter(participations__case=case).distinct()


def referred_case_ids_for(organisation_id: int) -> QuerySet:
    """Ids of cases referred to an agency on a law-enforcement consent, accepted, still running.

    The person agreed that this agency may use their case; the grant ends when the referral
    ends or the consent is withdrawn, and with it the right to add the case to a proceeding.
    """
    from himoya.referrals.models import Consent, Referral, ReferralGrant

    return ReferralGrant.objects.filter(
        organisation_id=organisation_id,
        ends_at__isnull=True,
        referral__status__in=(
            Referral.Status.ACCEPTED,
            Referral.Status.DELIVERED,
            Referral.Status.COMPLETED,
        ),
        referral__consent__purpose="law_enforcement",
        referral__consent__status=Consent.Status.GIVEN,
    ).values("case_id")


def cases_addable_to(user, proceeding) -> QuerySet:
    """Cases the user may add as victims to the proceeding: their own, and cases referred
    to the proceeding's agency with the person's consent to share with law enforcement."""
    from himoya.access.cases import case_visibility
    from himoya.cases.models import Case

    if not can_manage(user, proceeding):
        return Case.objects.none()
    q = Q(pk__in=referred_case_ids_for(proceeding.organisation_id))
    own = case_visibility(user)
    return Case.objects.filter(q | own if own is not None else q)


def can_manage(user, proceeding) -> bool:
    """Tell whether the user works on the proceeding for the investigating agency."""
    return policy.has_perm(user, roles.MANAGE_PROCEEDINGS, proceeding.organisation)


def represents_victim_in(user, proceeding) -> bool:
    """Tell whether the user is a lawyer representing one of the proceeding's victims now."""
    return active_representations(user).filter(case__participations__proceeding=proceeding).exists()


def can_work_for_victim(user, proceeding) -> bool:
    """Agency staff and the victims' own lawyers may add hearings and notifications."""
    return can_manage(user, proceeding) or represents_victim_in(user, proceeding)


def can_notify(user, participation) -> bool:
    """Agency staff, or the lawyer representing this victim now, note what they were told."""
    return can_manage(user, participation.proceeding) or (
        active_representations(user).filter(case_id=participation.case_id).exists()
    )


def require_notify(user, participation, *, request=None) -> None:
    if can_notify(user, participation):
        return
    policy.require(
        user, roles.MANAGE_PROCEEDINGS, participation.proceeding.organisation, request=request
    )


def require_manage(user, proceeding, *, request=None) -> None:
    policy.require(user, roles.MANAGE_PROCEEDINGS, proceeding.organisation, request=request)


def require_victim_side(user, proceeding, *, request=None) -> None:
    if can_work_for_victim(user, proceeding):
        return
    policy.require(user, roles.MANAGE_PROCEEDINGS, proceeding.organisation, request=request)


def active_representations(user) -> QuerySet:
    """The user's current representations, in organisations where they act as lawyer."""
    from himoya.justice.models import LegalRepresentation

    ids = policy.org_ids_with(user, roles.VIEW_REPRESENTED_CASE)
    if not ids:
        return LegalRepresentation.objects.none()
    today = timezone.localdate()
    return LegalRepresentation.objects.filter(
        lawyer=user, organisation_id__in=ids, starts_on__lte=today
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def represented_case_ids(user) -> QuerySet:
    """Ids of cases the user represents now (a visibility source OR-ed into cases)."""
    return active_representations(user).values("case_id")


def represented_cases(user) -> Q | None:
    """Case visibility source: cases the user represents now as a lawyer."""
    if not policy.org_ids_with(user, roles.VIEW_REPRESENTED_CASE):
        return None
    return Q(pk__in=represented_case_ids(user))


def statistics_agencies(user) -> set[int] | None:
    """Agencies whose figures the user may read: None for all (national roles), else ids.

    An empty set means none. Figures are aggregates; no record is reachable from them.
    """
    if policy.has_perm(user, roles.VIEW_STATS_NATIONAL):
        return None
    return policy.org_ids_with(user, roles.VIEW_STATS_ORG)


def perpetrators_visible_to(user) -> QuerySet:
    """Perpetrators in proceedings the user may see."""
    from himoya.justice.models import Perpetrator

    return Perpetrator.objects.filter(
        defendants__proceeding__in=proceedings_visible_to(user).values("pk")
    ).distinct()


def participations_visible_to(user) -> QuerySet:
    from himoya.justice.models import VictimParticipation

    return VictimParticipation.objects.filter(
        proceeding__in=proceedings_visible_to(user).values("pk")
    ).select_related("proceeding", "case")


def lawyers_for(organisation) -> QuerySet:
    """Users who hold the lawyer role in an organisation (for choosing a representative)."""
    from himoya.organisations.models import User

    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__role=roles.Role.LAWYER,
        memberships__is_active=True,
        is_active=True,
    ).distinct()


def organisations_seeing_case(case) -> set[int]:
    """Organisations that already hold a case: its own, and any with a running referral
    grant for it. Only their lawyers may be named to represent the victim, so naming a
    lawyer never opens the case to an organisation the person did not agree to."""
    from himoya.referrals.models import ReferralGrant

    granted = ReferralGrant.objects.filter(case=case, ends_at__isnull=True).values_list(
        "organisation_id", flat=True
    )
    return {case.organisation_id, *granted}
