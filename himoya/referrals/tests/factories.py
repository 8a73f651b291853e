"""Build consents and referrals for tests through the real actions."""

import datetime

from himoya.referrals import actions
from himoya.referrals.models import Consent


def give_consent(case, user, recipient=None, *, purpose="referral", status="given", **extra):
    """Record the person's consent (verbal, with a witness) through the action."""
    consent = Consent(
        case=case,
        organisation=extra.pop("organisation", case.organisation),
        purpose=purpose,
        recipient_organisation=recipient,
        status=status,
        decided_on=extra.pop("decided_on", datetime.date(2026, 3, 2)),
        method=Consent.Method.VERBAL,
        witness_name="Witness",
        **extra,
    )
    return actions.do_record_consent(consent, acting_user=user)


def refer(case, user, to_org, *, services=("shelter",), parts=("demographics",), **extra):
    """Send a referral through the action (the consent must already be there)."""
    return actions.do_send_referral(
        case,
        from_organisation=extra.pop("from_organisation", case.organisation),
        to_organisation=to_org,
        services=list(services),
        shared_parts=list(parts),
        acting_user=user,
        **extra,
    )
