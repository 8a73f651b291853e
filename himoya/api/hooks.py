"""Emit webhook events when the referral and case actions change state.

Connected to the models' post_save (in ApiConfig.ready) so that the actions stay as they
are: a signal fires inside the action's transaction, and the delivery is sent on commit.
"""

from django.db.models.signals import post_save

from himoya.api.models import Event


def referral_saved(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    from himoya.api.webhooks import emit
    from himoya.referrals.models import Referral

    ids = {"referral": instance.pk, "case": instance.case_id}
    if created:
        emit(instance.to_organisation_id, Event.REFERRAL_RECEIVED, instance, **ids)
    elif update_fields and "status" in update_fields:
        answer = {
            Referral.Status.ACCEPTED: Event.REFERRAL_ACCEPTED,
            Referral.Status.DECLINED: Event.REFERRAL_DECLINED,
        }.get(instance.status)
        if answer is not None:
            emit(instance.from_organisation_id, answer, instance, **ids)


def decision_saved(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    from himoya.api.webhooks import emit
    from himoya.cases.models import StatusDecision

    if instance.state == StatusDecision.State.APPLIED and (
        created or (update_fields and "state" in update_fields)
    ):
        emit(
            instance.case.organisation_id,
            Event.CASE_STATUS_DECIDED,
            instance,
            case=instance.case_id,
            kind=instance.kind,
        )


def submission_saved(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    from himoya.api.webhooks import emit
    from himoya.fieldcapture.models import Submission

    if instance.status == Submission.Status.REVIEW and (
        created or (update_fields and "status" in update_fields)
    ):
        emit(instance.organisation_id, Event.SUBMISSION_WAITING, instance, once=True)


def connect() -> None:
    from himoya.cases.models import StatusDecision
    from himoya.fieldcapture.models import Submission
    from himoya.referrals.models import Referral

    post_save.connect(referral_saved, sender=Referral, dispatch_uid="api.referral_saved")
    post_save.connect(decision_saved, sender=StatusDecision, dispatch_uid="api.decision_saved")
    post_save.connect(submission_saved, sender=Submission, dispatch_uid="api.submission_saved")
