"""Demo service directory, consents and referrals between the demo organisations."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from himoya.access.roles import Role
from himoya.cases.models import Case
from himoya.organisations.models import Membership, User
from himoya.referrals import actions
from himoya.referrals.models import Consent, Referral, ServiceOffer

# slug: [(service, regions, target groups, contact hours)]
OFFERS = {
    "madad": [
        ("legal_counselling", ["TJ-DU", "TJ-RA"], ["women", "men"], "Дш–Ҷм 8:00–17:00"),
        ("psychological", ["TJ-DU"], ["women", "children"], "Дш–Шб 9:00–18:00"),
        ("reintegration", ["TJ-DU", "TJ-RA"], ["women", "men", "children"], "Дш–Ҷм 8:00–17:00"),
        ("employment", ["TJ-DU"], ["women", "men"], "Дш–Ҷм 9:00–16:00"),
    ],
    "sughd-shelter": [
        ("shelter", ["TJ-SU"], ["women", "children", "foreign_nationals"], "24/7"),
        ("medical", ["TJ-SU"], ["women", "children"], "24/7"),
        ("psychological", ["TJ-SU"], ["women", "children"], "Дш–Ҷм 8:00–17:00"),
        ("interpretation", ["TJ-SU"], ["foreign_nationals"], "Дш–Ҷм 9:00–17:00"),
    ],
    "khatlon-legal": [
        ("legal", ["TJ-KT"], ["women", "men", "children", "foreign_nationals"], "Дш–Ҷм 8–17"),
        ("documents", ["TJ-KT", "TJ-DU"], ["women", "men"], "Дш–Ҷм 8–17"),
    ],
    "iom-tj": [
        ("return", ["TJ-DU", "TJ-GB"], ["women", "men", "children", "foreign_nationals"], "24/7"),
        ("family_tracing", ["TJ-DU", "TJ-GB"], ["women", "men", "children"], "Дш–Ҷм 8–17"),
        ("material", ["TJ-DU", "TJ-GB", "TJ-KT"], ["women", "men", "children"], "Дш–Ҷм 8–17"),
        ("vocational", ["TJ-DU"], ["women", "men"], "Дш–Ҷм 9–16"),
    ],
}
LEGAL_CASEWORKER = ("legalaid", "khatlon-legal", Role.CASEWORKER, "Шаҳло", "Азизова")
ROUTES = [
    ("sughd-shelter", ["shelter", "medical"]),
    ("khatlon-legal", ["legal"]),
    ("iom-tj", ["return", "material"]),
]
MAX_REFERRALS = 240


def _first_user(org, role):
    m = Membership.objects.filter(organisation=org, role=role).select_related("user").first()
    return m.user if m else None


@transaction.atomic
def populate(ctx: dict) -> None:
    orgs = ctx["organisations"]
    for slug, offers in OFFERS.items():
        for service, regions, groups, hours in offers:
            ServiceOffer.objects.update_or_create(
                organisation=orgs[slug],
                service=service,
                defaults={"regions": regions, "target_groups": groups, "contact_hours": hours},
            )
    username, slug, role, first, last = LEGAL_CASEWORKER
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last}
    )
    if created:
        from himoya.organisations.demo import DEMO_PASSWORD

        user.set_password(DEMO_PASSWORD)
        user.save()
    Membership.objects.get_or_create(user=user, organisation=orgs[slug], role=role)
    ctx.setdefault("logins", []).append((username, slug, role.label))
    if Referral.objects.exists():
        return
    _referrals(ctx, orgs)


def _referrals(ctx, orgs) -> None:
    rng = random.Random(int(ctx.get("seed", 2026)))
    sender = orgs["madad"]
    worker = _first_user(sender, Role.CASEWORKER)
    answerers = {slug: _first_user(orgs[slug], Role.CASEWORKER) for slug, _ in ROUTES}
    cases = list(
        Case.objects.filter(organisation=sender).order_by("-registered_on")[:MAX_REFERRALS]
    )
    now = timezone.now()
    made = 0
    for case in cases:
        slug, services = rng.choice(ROUTES)
        receiver, answerer = orgs[slug], answerers[slug]
        consent = actions.do_record_consent(
            Consent(
                case=case,
                organisation=sender,
                purpose="referral",
                recipient_organisation=receiver,
                status=Consent.Status.GIVEN,
                decided_on=case.registered_on,
                method=Consent.Method.VERBAL,
                witness_name="—",
            ),
            acting_user=worker,
        )
        referral = actions.do_send_referral(
            case,
            from_organisation=sender,
            to_organisation=receiver,
            services=services,
            shared_parts=["demographics", "trafficking_situation", "needs"],
            acting_user=worker,
        )
        sent = timezone.make_aware(
            datetime.datetime.combine(case.registered_on, datetime.time(10))
        ) + datetime.timedelta(days=rng.randint(0, 5))
        sent = min(sent, now - datetime.timedelta(hours=rng.randint(1, 200)))
        fate = rng.random()
        if fate < 0.08 and (now - sent).total_seconds() < 30 * 86400:
            pass  # still waiting: some become overdue
        elif fate < 0.15:
            actions.do_decline_referral(referral, reason="No capacity", acting_user=answerer)
        elif fate < 0.18:
            actions.do_withdraw_consent(consent, acting_user=worker)
        else:
            actions.do_accept_referral(referral, acting_user=answerer)
            # Help from months ago has been given by now; only recent referrals are midway.
            settled = (now - sent).days > 120
            if fate > 0.35 or settled:
                actions.do_mark_delivered(referral, acting_user=answerer)
            if fate > 0.55 or settled:
                actions.do_complete_referral(referral, acting_user=worker)
        _shift(referral, sent, rng)
        made += 1
    if ctx.get("stdout"):
        ctx["stdout"].write(f"{made} demo referrals.")


def _shift(referral: Referral, sent, rng) -> None:
    """Move the referral's timestamps back to when it happened."""
    referral.refresh_from_db()
    answered = sent + datetime.timedelta(hours=rng.lognormvariate(3, 0.8))
    delivered = answered + datetime.timedelta(days=rng.randint(3, 30))
    completed = delivered + datetime.timedelta(days=rng.randint(1, 10))
    updates = {"sent_at": sent}
    for field, when in (
        ("answered_at", answered),
        ("delivered_at", delivered),
        ("completed_at", completed),
        ("stopped_at", answered),
    ):
        if getattr(referral, field):
            updates[field] = min(when, timezone.now())
    Referral.objects.filter(pk=referral.pk).update(**updates)
