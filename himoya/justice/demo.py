"""Demo proceedings for `himoya demo`: the police's identified victims in criminal cases.

Everything is written through the actions, so the stage machine's rules and the audit
log hold for demo data too. The demo lawyer represents some victims and has hearings
ahead on her home page.
"""

import datetime
import random

from django.utils import timezone

from himoya.access import policy
from himoya.access.roles import Role
from himoya.cases.models import Case
from himoya.justice import actions
from himoya.justice.models import Proceeding
from himoya.organisations.models import Membership, User

AGENCY = "mia"
LEGAL_AID = "khatlon-legal"
INVESTIGATOR = ("investigator", "Шаҳром", "Назаров")

ARTICLES = [("130.1",), ("130.1",), ("130.1", "132"), ("132",), ("167",), ("130.2",)]
ROLES = ["RecruiterOrIntermediary", "RecruiterOrIntermediary", "Transporter", "Exploiter"]
CITIZENSHIP = ["TJ"] * 6 + ["RU", "KZ", "TR", "AE"]
AGE_GROUPS = ["21-23", "24-26", "27-29", "30-38", "30-38", "39-47", "48+"]


def _investigator(ctx, agency):
    from himoya.organisations.demo import DEMO_PASSWORD

    username, first, last = INVESTIGATOR
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    Membership.objects.get_or_create(user=user, organisation=agency, role=Role.SUPERVISOR)
    policy.forget(user)
    ctx.setdefault("logins", []).append((username, AGENCY, Role.SUPERVISOR.label))
    return user


def populate(ctx: dict) -> None:
    orgs = ctx["organisations"]
    agency, legal_aid = orgs.get(AGENCY), orgs.get(LEGAL_AID)
    out = ctx.get("stdout")
    if agency is None or Proceeding.objects.filter(organisation=agency).exists():
        if out:
            out.write("Demo proceedings are already there (or there is no police).")
        return
    user = _investigator(ctx, agency)
    lawyer = User.objects.filter(
        memberships__organisation=legal_aid, memberships__role=Role.LAWYER
    ).first()
    rng = random.Random(int(ctx.get("seed", 2026)))
    today = timezone.localdate()
    victims = list(
        Case.objects.filter(
            organisation=agency,
            identified_on__isnull=False,
            identified_on__lte=today - datetime.timedelta(days=60),
        ).order_by("identified_on", "id")
    )
    count = 0
    while victims and count < max(5, int(ctx.get("cases", 3000)) // 50):
        group = [
            victims.pop(rng.randrange(len(victims)))
            for _ in range(rng.choice([1, 1, 2, 3]))
            if victims
        ]
        _proceeding(rng, user, agency, legal_aid, lawyer, group, count, today)
        count += 1
    if out:
        out.write(f"{count} demo proceedings.")


def _refer_for_legal_aid(case, legal_aid, user, day) -> None:
    """The person agrees to legal aid and the police refer the case: only then may a
    lawyer of that organisation represent the victim."""
    from himoya.referrals import actions as referral_actions
    from himoya.referrals.models import Consent

    consent = Consent(
        case=case,
        organisation=case.organisation,
        purpose="referral",
        recipient_organisation=legal_aid,
        status=Consent.Status.GIVEN,
        decided_on=day,
        method=Consent.Method.VERBAL,
        witness_name="—",
    )
    referral_actions.do_record_consent(consent, acting_user=user)
    referral_actions.do_send_referral(
        case,
        from_organisation=case.organisation,
        to_organisation=legal_aid,
        services=["legal"],
        shared_parts=["demographics", "trafficking_situation"],
        acting_user=user,
    )


def _day(rng, start, low, high, today):
    return min(start + datetime.timedelta(days=rng.randint(low, high)), today)


def _proceeding(rng, user, agency, legal_aid, lawyer, cases, n, today):
    identified = max(c.identified_on for c in cases)
    opened = _day(rng, identified, 5, 40, today)
    p = actions.do_open_proceeding(
        agency,
        kind="criminal",
        case_number=f"{opened.year}/{1000 + n}",
        opened_on=opened,
        articles=rng.choice(ARTICLES),
        acting_user=user,
    )
    for case in cases:
        part = actions.do_add_victim(
            p,
            case,
            roles=rng.choice([["injured_party"], ["injured_party", "civil_claimant"], ["witness"]]),
            protection_measures=rng.choice([[], [], ["closed_hearing"], ["no_confrontation"]]),
            joined_on=opened,
            acting_user=user,
        )
        if lawyer and rng.random() < 0.4:
            _refer_for_legal_aid(case, legal_aid, user, opened)
            actions.do_assign_lawyer(
                part, lawyer=lawyer, organisation=legal_aid, starts_on=opened, acting_user=user
            )
        actions.do_log_notification(part, told_on=opened, topic="rights", acting_user=user)
    for _ in range(rng.choice([1, 1, 2, 3])):
        actions.do_add_perpetrator(
            p,
            sex=rng.choice(["male", "male", "female"]),
            age_group=rng.choice(AGE_GROUPS),
            citizenship=rng.choice(CITIZENSHIP),
            role=rng.choice(ROLES),
            relationship_to_victim=rng.choice(["Acquainted", "Familial", "Unaquainted"]),
            cases=cases,
            acting_user=user,
        )
    # How far the proceeding got: about a third still under investigation.
    reach = rng.choice(
        [
            "investigation",
            "investigation",
            "prosecution",
            "trial",
            "verdict",
            "verdict",
            "dismissed",
        ]
    )
    if reach == "dismissed":
        actions.do_dismiss(p, on=_day(rng, opened, 30, 90, today), acting_user=user)
        return
    if reach == "investigation":
        return
    indicted = _day(rng, opened, 30, 120, today)
    actions.do_indict(p, on=indicted, acting_user=user)
    if reach == "prosecution":
        return
    trial = _day(rng, indicted, 20, 60, today)
    actions.do_send_to_trial(p, on=trial, court="Суди ноҳияи Сино", acting_user=user)
    actions.do_schedule_hearing(
        p,
        kind="court_hearing",
        on=today + datetime.timedelta(days=rng.randint(3, 40)) if reach == "trial" else trial,
        place="Суди ноҳияи Сино, толори 2",
        acting_user=user,
    )
    if reach == "trial":
        return
    verdict = _day(rng, trial, 20, 90, today)
    if rng.random() < 0.15:
        actions.do_record_verdict(p, on=verdict, outcome="acquitted", acting_user=user)
        return
    sentences = {
        d.pk: {
            "prison_months": rng.choice([36, 60, 84, 96, 120, 144]),
            "suspended": rng.random() < 0.1,
        }
        for d in p.defendants.all()
    }
    actions.do_record_verdict(
        p,
        on=verdict,
        outcome="convicted",
        sentences=sentences,
        compensation_ordered=rng.choice([None, 5000, 12000, 20000]),
        acting_user=user,
    )
