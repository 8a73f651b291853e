"""State changes of service offers, consents and referrals: each atomic and audited.

A referral moves sent → accepted | declined; accepted → delivered → completed; and any
open referral is stopped at once when the consent it relied on is withdrawn. Every
transition locks the referral row first (SELECT … FOR UPDATE), so two people answering
the same referral at once produce one answer and a clear message for the other.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himoya.audit.actions import Action, record
from himoya.referrals.models import (
    Consent,
    Referral,
    ReferralGrant,
    ReferralService,
    ServiceOffer,
    required_purpose,
)

OFFER_FIELDS = [
    "service",
    "regions",
    "districts",
    "target_groups",
    "contact_hours",
    "contact_phone",
    "notes",
    "is_active",
]


class ReferralError(Exception):
    """A referral or consent change that cannot happen; the message says why."""


# --- service directory ---------------------------------------------------------------


@transaction.atomic
def do_save_service_offer(offer: ServiceOffer, *, acting_user) -> ServiceOffer:
    """Create or change a service-directory entry."""
    creating = offer.pk is None
    if creating:
        changed = OFFER_FIELDS
    else:
        before = ServiceOffer.objects.select_for_update().get(pk=offer.pk)
        changed = [f for f in OFFER_FIELDS if getattr(before, f) != getattr(offer, f)]
    offer.save()
    record(
        Action.CREATE if creating else Action.UPDATE,
        actor=acting_user,
        organisation=offer.organisation,
        obj=offer,
        fields=changed,
    )
    return offer


# --- consent -------------------------------------------------------------------------


@transaction.atomic
def do_record_consent(consent: Consent, *, acting_user) -> Consent:
    """Record a person's decision for one purpose."""
    consent.recorded_by = acting_user
    consent.recorded_at = timezone.now()
    consent.save()
    fields = ["purpose", "status", "decided_on", "method"]
    fields += [
        name
        for name in ("recipient_organisation", "external_recipient", "form_file")
        if getattr(consent, name)
    ]
    fields += [name for name in ("witness_name", "guardian_name") if getattr(consent, name)]
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=consent.organisation,
        obj=consent,
        fields=fields,
        detail=f"case:{consent.case_id} {consent.purpose} {consent.status}",
    )
    return consent


@transaction.atomic
def do_withdraw_consent(consent: Consent, *, acting_user, organisation=None) -> list[Referral]:
    """Withdraw a given consent now: stop the open referrals relying on it, end their grants."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.status != Consent.Status.GIVEN:
        raise ReferralError(_("Only a consent that was given can be withdrawn."))
    now = timezone.now()
    consent.status = Consent.Status.WITHDRAWN
    consent.withdrawn_at = now
    consent.withdrawn_by = acting_user
    consent.save(update_fields=["status", "withdrawn_at", "withdrawn_by"])
    record(
        Action.STATUS_CHANGE,
        actor=acting_user,
        organisation=organisation or consent.organisation,
        obj=consent,
        fields=["status", "withdrawn_at"],
        detail=f"case:{consent.case_id} {consent.purpose} given->withdrawn",
    )
    stopped = []
    for referral in Referral.objects.select_for_update().filter(
        consent=consent, status__in=Referral.OPEN
    ):
        old = referral.status
        referral.status = Referral.Status.STOPPED
        referral.stopped_at = now
        referral.save(update_fields=["status", "stopped_at"])
        _end_grant(referral, "consent_withdrawn", now)
        record(
            Action.STATUS_CHANGE,
            actor=acting_user,
            organisation=referral.from_organisation,
            obj=referral,
            fields=["status"],
            detail=f"{old}->stopped (consent {consent.pk} withdrawn)",
        )
        _timeline(referral, "stopped", acting_user, referral.from_organisation)
        stopped.append(referral)
    return stopped


# --- referrals -----------------------------------------------------------------------


def consent_problem(consent, case, to_organisation=None, external_recipient="") -> str:
    """Return why `consent` cannot carry this referral, or "" when it can."""
    if consent is None:
        if to_organisation is not None and required_purpose(to_organisation) != "referral":
            return _(
                "A referral to law enforcement needs the person's consent to share with law "
                "enforcement. Record it first."
            )
        return _(
            "There is no consent of the person to be referred to this organisation. "
            "Record the person's consent first."
        )
    if consent.case_id != case.pk:
        return _("This consent belongs to another case.")
    if consent.status == Consent.Status.WITHDRAWN:
        return _("The person has withdrawn this consent.")
    if consent.status == Consent.Status.REFUSED:
        return _("The person refused this consent.")
    if not consent.is_valid_for(case, to_organisation, external_recipient):
        return _("This consent does not name the organisation you are referring to.")
    return ""


def find_valid_consent(case, to_organisation=None, external_recipient=""):
    """Return the newest consent that lets `case` be referred to this recipient, or None."""
    for consent in Consent.objects.filter(case=case, status=Consent.Status.GIVEN).order_by(
        "-recorded_at"
    ):
        if consent.is_valid_for(case, to_organisation, external_recipient):
            return consent
    return None


@transaction.atomic
def do_send_referral(
    case,
    *,
    from_organisation,
    services,
    shared_parts,
    acting_user,
    to_organisation=None,
    external_recipient="",
    external_country="",
    message="",
    passphrase="",
) -> Referral:
    """Send a referral on a valid consent; open a grant, or build the export package."""
    consent = find_valid_consent(case, to_organisation, external_recipient)
    if consent is not None:
        # Lock the consent so a withdrawal cannot slip between this check and the grant.
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
    problem = consent_problem(consent, case, to_organisation, external_recipient)
    if problem:
        raise ReferralError(problem)
    if to_organisation is not None and to_organisation.pk == from_organisation.pk:
        raise ReferralError(_("An organisation cannot refer a case to itself."))
    if not services:
        raise ReferralError(_("Choose at least one service."))
    if to_organisation is None and not passphrase:
        raise ReferralError(_("A referral outside Himoya needs a passphrase for the package."))
    referral = Referral.objects.create(
        case=case,
        from_organisation=from_organisation,
        to_organisation=to_organisation,
        external_recipient=external_recipient if to_organisation is None else "",
        external_country=external_country if to_organisation is None else "",
        consent=consent,
        shared_parts=list(shared_parts),
        message=message,
        sent_by=acting_user,
    )
    ReferralService.objects.bulk_create(
        [ReferralService(referral=referral, service=s) for s in dict.fromkeys(services)]
    )
    record(
        Action.CREATE,
        actor=acting_user,
        organisation=from_organisation,
        obj=referral,
        fields=["case", "to_organisation", "services", "shared_parts", "consent"],
        detail=f"case:{case.pk} to:{to_organisation.slug if to_organisation else 'external'}",
    )
    _timeline(referral, "sent", acting_user, from_organisation)
    if to_organisation is not None:
        ReferralGrant.objects.create(
            referral=referral,
            case=case,
            organisation=to_organisation,
            parts=list(shared_parts),
            starts_at=referral.sent_at,
        )
    else:
        from himoya.referrals import package, sharing

        referral.package = package.seal(
            sharing.htcds_payload(referral), passphrase, signer=package.signing_key()
        )
        referral.save(update_fields=["package"])
        record(
            Action.EXPORT,
            actor=acting_user,
            organisation=from_organisation,
            obj=referral,
            fields=sharing.exported_field_names(referral.shared_parts),
            detail=f"transnational package to {external_recipient[:100]}",
        )
    return referral


def _lock(referral: Referral) -> Referral:
    return Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)


def _end_grant(referral: Referral, reason: str, when=None) -> None:
    ReferralGrant.objects.filter(referral=referral, ends_at__isnull=True).update(
        ends_at=when or timezone.now(), end_reason=reason
    )


def _already_answered(referral: Referral) -> ReferralError:
    if referral.status == Referral.Status.STOPPED:
        return ReferralError(_("This referral was stopped: the person withdrew their consent."))
    answered_by = referral.answered_by
    assert answered_by is not None  # an answered referral records who answered
    who = answered_by.get_full_name() or answered_by.get_username()
    if referral.status == Referral.Status.DECLINED:
        return ReferralError(_("%(who)s has already declined this referral.") % {"who": who})
    return ReferralError(_("%(who)s has already accepted this referral.") % {"who": who})


def _transition(referral, old, new, *, acting_user, organisation, fields) -> None:
    record(
        Action.STATUS_CHANGE,
        actor=acting_user,
        organisation=organisation,
        obj=referral,
        fields=["status", *fields],
        detail=f"{old}->{new}",
    )
    _timeline(referral, new, acting_user, organisation)


def _timeline(referral, step: str, acting_user, organisation) -> None:
    """Put a referral's step on the case's timeline (read by the case's own organisation)."""
    from himoya.cases.actions import add_event

    receiver = referral.to_organisation
    add_event(
        referral.case,
        f"referral_{step}",
        detail=receiver.slug if receiver is not None else "external",
        actor=acting_user,
        organisation=organisation,
        obj=referral,
    )


@transaction.atomic
def do_accept_referral(referral: Referral, *, acting_user) -> Referral:
    referral = _lock(referral)
    if referral.status != Referral.Status.SENT:
        raise _already_answered(referral)
    referral.status = Referral.Status.ACCEPTED
    referral.answered_at = timezone.now()
    referral.answered_by = acting_user
    referral.save(update_fields=["status", "answered_at", "answered_by"])
    _transition(
        referral,
        "sent",
        "accepted",
        acting_user=acting_user,
        organisation=referral.to_organisation,
        fields=["answered_at"],
    )
    return referral


@transaction.atomic
def do_decline_referral(referral: Referral, *, reason: str, acting_user) -> Referral:
    referral = _lock(referral)
    if referral.status != Referral.Status.SENT:
        raise _already_answered(referral)
    if not reason.strip():
        raise ReferralError(_("Say why the referral is declined."))
    referral.status = Referral.Status.DECLINED
    referral.answered_at = timezone.now()
    referral.answered_by = acting_user
    referral.decline_reason = reason.strip()
    referral.save(update_fields=["status", "answered_at", "answered_by", "decline_reason"])
    _end_grant(referral, "declined", referral.answered_at)
    _transition(
        referral,
        "sent",
        "declined",
        acting_user=acting_user,
        organisation=referral.to_organisation,
        fields=["answered_at", "decline_reason"],
    )
    return referral


@transaction.atomic
def do_mark_delivered(referral: Referral, *, acting_user) -> Referral:
    referral = _lock(referral)
    if referral.status != Referral.Status.ACCEPTED:
        raise ReferralError(_("Only an accepted referral can be marked as delivered."))
    referral.status = Referral.Status.DELIVERED
    referral.delivered_at = timezone.now()
    referral.delivered_by = acting_user
    referral.save(update_fields=["status", "delivered_at", "delivered_by"])
    _transition(
        referral,
        "accepted",
        "delivered",
        acting_user=acting_user,
        organisation=referral.to_organisation,
        fields=["delivered_at"],
    )
    return referral


@transaction.atomic
def do_complete_referral(referral: Referral, *, acting_user) -> Referral:
    """Close the loop: the services were delivered; the receiver's grant ends."""
    referral = _lock(referral)
    if referral.status != Referral.Status.DELIVERED:
        raise ReferralError(_("A referral is completed after its services were delivered."))
    referral.status = Referral.Status.COMPLETED
    referral.completed_at = timezone.now()
    referral.completed_by = acting_user
    referral.save(update_fields=["status", "completed_at", "completed_by"])
    _end_grant(referral, "completed", referral.completed_at)
    _transition(
        referral,
        "delivered",
        "completed",
        acting_user=acting_user,
        organisation=referral.from_organisation,
        fields=["completed_at"],
    )
    return referral


def do_reveal_identity(referral: Referral, *, acting_user, organisation, request=None) -> None:
    """Write the audit row for a receiver opening the identity a referral shares."""
    record(
        Action.VIEW_IDENTITY,
        actor=acting_user,
        organisation=organisation,
        object_type="cases.case",
        object_id=referral.case_id,
        fields=["identity"],
        detail=f"through referral {referral.pk}",
        request=request,
    )
