"""Demo screenings, prevention contacts and hotline calls for `himoya demo`.

A year of synthetic first-line work: screenings answered by the rule's own indicators
(some presumed victims, some at risk, some not), help recorded for people at risk, and
hotline calls with their outcomes. Identities are left empty.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from himoya.access.roles import Role
from himoya.hotline.actions import do_log_contact, do_set_outcome
from himoya.hotline.models import HotlineContact
from himoya.organisations.models import Membership
from himoya.prevention.actions import do_record_prevention_contact
from himoya.screening import actions, rule
from himoya.screening.models import Checklist, Screening
from himoya.vocab import registry

SCREENING_ORGS = ("madad", "mia", "iom-tj", "sughd-shelter")
HOTLINE_ORG = "madad"
# Where first-line responders meet people, by region: (district, place) as typed on site.
PLACES = {
    "TJ-DU": [
        ("TJ-DU-ismoili-somoni", "Фурудгоҳи Душанбе"),
        ("TJ-DU-firdavsi", "Бозори Корвон"),
        ("TJ-DU-shohmansur", "Истгоҳи роҳи оҳани Душанбе"),
        ("TJ-DU-sino", "Маркази муҳоҷирони ноҳияи Сино"),
    ],
    "TJ-SU": [
        ("TJ-SU-khujand", "Истгоҳи автобусии Хуҷанд"),
        ("TJ-SU-khujand", "Фурудгоҳи Хуҷанд"),
        ("TJ-SU-isfara", "Гузаргоҳи сарҳадии Исфара"),
    ],
    "TJ-KT": [
        ("TJ-KT-bokhtar", "Шуъбаи муҳоҷирати Бохтар"),
        ("TJ-KT-kulob", "Бозори Кӯлоб"),
    ],
    "TJ-GB": [
        ("TJ-GB-khorugh", "Истгоҳи автобусии Хоруғ"),
        ("TJ-GB-ishkoshim", "Гузаргоҳи сарҳадии Ишкошим"),
    ],
    "TJ-RA": [
        ("TJ-RA-tursunzoda", "Гузаргоҳи сарҳадии Турсунзода"),
        ("TJ-RA-vahdat", "Истгоҳи автобусии Ваҳдат"),
        ("TJ-RA-hisor", "Бозори Ҳисор"),
    ],
}


def _screener(org):
    m = (
        Membership.objects.filter(organisation=org, role__in=[Role.RESPONDER, Role.CASEWORKER])
        .order_by("-role")  # a responder where there is one
        .first()
    )
    return m.user if m else None


def _answers(screening, rnd, profile):
    """Answer like a person of `profile` would: presumed, at_risk or none."""
    likely = {"presumed": 0.55, "at_risk": 0.15, "none": 0.03}[profile]
    answers = {}
    for i in screening.indicators():
        p = likely
        if profile == "at_risk" and i.dimension == "vulnerability":
            p = 0.6
        roll = rnd.random()
        if roll < 0.08:
            answers[i.code] = rnd.choice(["unknown", "declined", ""])
        else:
            answers[i.code] = "yes" if rnd.random() < p else "no"
    return answers


@transaction.atomic
def populate(ctx: dict) -> None:
    out = ctx.get("stdout")
    if Screening.objects.exists():
        if out:
            out.write("Demo screenings are already there.")
        return
    rnd = random.Random(int(ctx.get("seed", 2026)))
    orgs = ctx["organisations"]
    national = Checklist.objects.get(organisation=None, slug="national")
    today = timezone.localdate()
    forms = [c for c in registry.codes("screening_form")]
    n_screenings = n_prevented = 0
    for slug in SCREENING_ORGS:
        org = orgs.get(slug)
        user = _screener(org) if org else None
        if user is None:
            continue
        for _ in range(40):
            day = today - datetime.timedelta(days=rnd.randrange(365))
            when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
            when += datetime.timedelta(minutes=rnd.randrange(600))
            profile = rnd.choices(["presumed", "at_risk", "none"], [3, 4, 3])[0]
            region = rnd.choice(org.regions or ["TJ-DU"])
            district, place = rnd.choice(PLACES[region])
            screening = actions.do_start_screening(
                org,
                checklist=national,
                age_group="child" if rnd.random() < 0.15 else "adult",
                suspected_form=rnd.choice(forms),
                region=region,
                district=district,
                place=place,
                screened_at=when,
                acting_user=user,
            )
            actions.do_save_answers(screening, _answers(screening, rnd, profile), acting_user=user)
            n_screenings += 1
            if screening.suggested == rule.INSUFFICIENT or rnd.random() < 0.2:
                continue  # left for the responder to decide
            decision, reason = screening.suggested, ""
            if rnd.random() < 0.05:
                decision = rule.AT_RISK if decision != rule.AT_RISK else rule.NOT_VICTIM
                reason = "Person left the situation; follow-up agreed."
            actions.do_decide(screening, decision=decision, reason=reason, acting_user=user)
            if decision == rule.AT_RISK and rnd.random() < 0.7:
                do_record_prevention_contact(
                    org,
                    screening=screening,
                    actions=rnd.sample(
                        [
                            "safe_migration_advice",
                            "mrc_referral",
                            "legal_advice",
                            "document_help",
                            "job_offer_check",
                        ],
                        2,
                    ),
                    referred_to="Migrant resource centre" if rnd.random() < 0.5 else "",
                    contacted_on=day,
                    acting_user=user,
                )
                n_prevented += 1
    hotline_org = orgs.get(HOTLINE_ORG)
    operator = _screener(hotline_org) if hotline_org else None
    n_calls = 0
    if operator is not None and not HotlineContact.objects.exists():
        for _ in range(150):
            day = today - datetime.timedelta(days=rnd.randrange(365))
            when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))
            when += datetime.timedelta(minutes=rnd.randrange(720))
            contact = do_log_contact(
                hotline_org,
                data={
                    "received_at": when,
                    "channel": rnd.choices(["phone", "messenger", "in_person"], [6, 3, 1])[0],
                    "caller_type": rnd.choice(registry.codes("hotline_caller_type")),
                    "language": rnd.choices(["tg", "ru", "uz"], [6, 3, 1])[0],
                    "topic": rnd.choice(registry.codes("hotline_topic")),
                    "region": rnd.choice(registry.codes("tj_region")),
                    "urgency": rnd.choices(["routine", "urgent", "emergency"], [8, 2, 1])[0],
                    "duration_minutes": rnd.randrange(2, 30),
                },
                acting_user=operator,
            )
            outcome = rnd.choices(
                ["information_given", "referral_made", "police_report", ""], [6, 3, 1, 1]
            )[0]
            if outcome:
                do_set_outcome(
                    contact,
                    outcome=outcome,
                    referred_to="Migrant resource centre" if outcome == "referral_made" else "",
                    acting_user=operator,
                )
            n_calls += 1
    if out:
        out.write(
            f"{n_screenings} demo screenings, {n_prevented} prevention contacts, "
            f"{n_calls} hotline calls."
        )
