"""Demo national action plan with a year of progress, four quarterly dialogues, training
and awareness work, all dated relative to today."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from himoya.organisations.models import Membership
from himoya.prevention import meetings, plans, training
from himoya.prevention.models import ActionPlan, Meeting

# goal → objectives → (activity, responsible, partners, budget, indicators)
# indicator: (name, unit, baseline, yearly target, Himoya indicator or "")
PLAN = [
    (
        "Identify and protect victims of trafficking",
        [
            (
                "Identify victims early",
                [
                    (
                        "Screen labour migrants returning through Dushanbe airport",
                        "madad",
                        ["mia", "iom-tj"],
                        Decimal("120000"),
                        [("Victims identified", "persons", 60, 90, "victims_identified")],
                    ),
                    (
                        "Run the national hotline around the clock",
                        "madad",
                        [],
                        Decimal("45000"),
                        [("Screenings made", "events", 400, 600, "screenings")],
                    ),
                ],
            ),
            (
                "Give every victim shelter and assistance",
                [
                    (
                        "Keep the Sughd shelter open for women and children",
                        "sughd-shelter",
                        ["iom-tj"],
                        Decimal("210000"),
                        [("Persons referred", "persons", 80, 110, "persons_referred")],
                    ),
                ],
            ),
        ],
    ),
    (
        "Prosecute traffickers",
        [
            (
                "Strengthen investigation",
                [
                    (
                        "Train investigators and cadets of the Academy",
                        "mia",
                        ["iom-tj"],
                        Decimal("30000"),
                        [("Officers and cadets trained", "persons", 40, 80, "")],
                    ),
                    (
                        "Represent victims in court",
                        "khatlon-legal",
                        [],
                        Decimal("25000"),
                        [("Share of victims represented", "percent", 35, 60, "")],
                    ),
                ],
            ),
        ],
    ),
    (
        "Prevent trafficking",
        [
            (
                "Inform labour migrants before they leave",
                [
                    (
                        "Hold forums for labour migrants' rights",
                        "iom-tj",
                        ["madad"],
                        Decimal("60000"),
                        [("Forums held", "events", 4, 8, "")],
                    ),
                ],
            ),
        ],
    ),
]

PROGRESS = ["on_track", "on_track", "delayed", "on_track", "done"]


def _quarters_back(today: datetime.date, n: int) -> list[tuple[int, int]]:
    """The last `n` quarters, oldest first, ending with the current one."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(n):
        out.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return list(reversed(out))


def _member(org):
    m = Membership.objects.filter(organisation=org).select_related("user").order_by("id").first()
    return m.user if m else None


@transaction.atomic
def populate(ctx: dict) -> None:
    orgs = ctx["organisations"]
    rng = random.Random(ctx["seed"] + 16)
    today = timezone.localdate()
    coordinator = _member(orgs["commission"])
    if coordinator is None or ActionPlan.objects.exists():
        return
    plan = plans.do_create_plan(
        orgs["commission"],
        title="National Action Plan to Combat Trafficking in Persons",
        kind=ActionPlan.Kind.NATIONAL,
        first_year=today.year - 1,
        last_year=today.year + 1,
        acting_user=coordinator,
    )
    start = datetime.date(today.year - 1, 1, 1)
    due = datetime.date(today.year + 1, 12, 31)
    for goal_title, objectives in PLAN:
        goal = plans.do_add_goal(plan, title=goal_title, acting_user=coordinator)
        for objective_title, activities in objectives:
            objective = plans.do_add_objective(goal, title=objective_title, acting_user=coordinator)
            for title, slug, partners, budget, indicators in activities:
                activity = plans.do_add_activity(
                    objective,
                    title=title,
                    responsible=orgs[slug],
                    partners=[orgs[p] for p in partners],
                    starts_on=start,
                    due_on=due,
                    budget=budget,
                    currency="TJS",
                    funding_source="State budget" if slug in ("mia", "commission") else "Donors",
                    acting_user=coordinator,
                )
                for name, unit, baseline, target, engine_key in indicators:
                    plans.do_add_indicator(
                        activity,
                        name=name,
                        unit=unit,
                        baseline=Decimal(baseline),
                        targets={y: Decimal(target) for y in plan.years()},
                        engine_key=engine_key,
                        acting_user=coordinator,
                    )
    plans.do_adopt(plan, adopted_on=start + datetime.timedelta(days=40), acting_user=coordinator)
    quarters = _quarters_back(today, 5)
    for i, (year, quarter) in enumerate(quarters[:-1]):  # a year of reports; now is due
        for activity in plans.Activity.objects.filter(objective__goal__plan=plan):
            reporter = _member(activity.responsible) or coordinator
            values = {
                ind.pk: Decimal(
                    rng.randint(1, 25) if ind.unit != "percent" else rng.randint(30, 60)
                )
                for ind in activity.indicators.all()
                if not ind.engine_key
            }
            report = plans.do_submit_report(
                activity,
                organisation=activity.responsible,
                year=year,
                quarter=quarter,
                progress=PROGRESS[(i + activity.pk) % len(PROGRESS)],
                done="Carried out as planned; details in the attached minutes.",
                spent=(activity.budget or Decimal(0)) / 12,
                values=values,
                acting_user=reporter,
            )
            if i < len(quarters) - 2:
                plans.do_accept_report(report, acting_user=coordinator)
            elif activity.responsible.slug == "khatlon-legal":
                plans.do_return_report(
                    report,
                    because="Give the number of victims represented, not only the share.",
                    acting_user=coordinator,
                )
        if i < len(quarters) - 2:
            plans.do_close_quarter(plan, year, quarter, acting_user=coordinator)
    _meetings(orgs, coordinator, today)
    _training(orgs, today)
    _awareness(orgs, today, rng)


def _meetings(orgs, coordinator, today) -> None:
    previous = None
    for n, months_ago in enumerate((11, 8, 5, 2), start=1):
        held = today - datetime.timedelta(days=30 * months_ago)
        meeting = meetings.do_record_meeting(
            orgs["commission"],
            body=Meeting.Body.DIALOGUE,
            title=f"High-level dialogue, session {n}",
            held_on=held,
            place="Dushanbe",
            participants=[orgs[s] for s in ("madad", "mia", "iom-tj", "sughd-shelter")],
            agenda="1. Progress of the National Action Plan\n2. Shelter funding\n3. Next steps",
            minutes="The commission heard the quarterly progress of each organisation.",
            decisions=[
                "Approve the quarterly progress report",
                "Ask the Ministry of Finance to fund a second shelter",
            ],
            tasks=[
                {
                    "text": "Prepare a costed proposal for a second shelter",
                    "owner": orgs["sughd-shelter"],
                    "due_on": held + datetime.timedelta(days=45),
                },
                {
                    "text": "Share the screening checklist with border posts",
                    "owner": orgs["mia"],
                    "due_on": held + datetime.timedelta(days=70),
                },
            ],
            acting_user=coordinator,
        )
        if previous is not None:
            for item in previous.action_items.all():
                # One task is carried over to the last dialogue; the rest were done.
                status = "open" if (item.owner.slug == "mia" and n == 4) else "done"
                meetings.do_follow_up(
                    item, status=status, at_meeting=meeting, acting_user=coordinator
                )
        previous = meeting


def _training(orgs, today) -> None:
    academy = orgs["mia"]
    user = _member(academy)
    course = training.do_create_course(
        academy,
        title="Identification and investigation of trafficking in persons",
        topic="identification",
        description="A permanent course for fourth-year cadets of the Academy.",
        acting_user=user,
    )
    held = today - datetime.timedelta(days=120)
    session = training.do_record_session(
        course,
        organisation=academy,
        starts_on=held - datetime.timedelta(days=14),
        ends_on=held,
        region="TJ-DU",
        place="Academy of the Ministry of Internal Affairs",
        trainers="IOM and Academy lecturers",
        acting_user=user,
    )
    for sex, count in (("male", 62), ("female", 18)):
        training.do_add_participants(
            session,
            count=count,
            role="cadet",
            sex=sex,
            age_group="under_25",
            agency=academy,
            pre_score=45,
            post_score=82,
            acting_user=user,
        )
    ngo_course = training.do_create_course(
        orgs["madad"],
        title="Safe referral of presumed victims",
        topic="assistance",
        acting_user=_member(orgs["madad"]),
    )
    ngo_session = training.do_record_session(
        ngo_course,
        organisation=orgs["madad"],
        starts_on=today - datetime.timedelta(days=40),
        ends_on=today - datetime.timedelta(days=39),
        region="TJ-KT",
        place="Bokhtar",
        acting_user=_member(orgs["madad"]),
    )
    for role, sex, count, agency in (
        ("social", "female", 14, "madad"),
        ("police", "male", 9, "mia"),
        ("border", "male", 6, "mia"),
    ):
        training.do_add_participants(
            ngo_session,
            count=count,
            role=role,
            sex=sex,
            age_group="25_39",
            agency=orgs[agency],
            acting_user=_member(orgs["madad"]),
        )


def _awareness(orgs, today, rng) -> None:
    events = [
        ("iom-tj", "forum", ["labour_migrants", "families"], "counted", (120, 260, 0, 0), 600),
        ("madad", "poster", ["students"], "estimated", (1500, 1500, 800, 700), 2000),
        ("madad", "radio", ["public"], "estimated", (20000, 18000, 0, 0), 0),
        ("iom-tj", "school", ["students"], "counted", (10, 12, 95, 88), 200),
    ]
    for i, (slug, kind, groups, basis, reached, materials) in enumerate(events):
        women, men, girls, boys = reached
        training.do_record_awareness_event(
            orgs[slug],
            campaign="Safe migration" if slug == "iom-tj" else "Posters by art students",
            kind=kind,
            held_on=today - datetime.timedelta(days=20 + 60 * i),
            region=rng.choice(["TJ-DU", "TJ-SU", "TJ-KT"]),
            target_groups=groups,
            materials_produced=materials,
            materials_distributed=materials,
            reached_women=women,
            reached_men=men,
            reached_girls=girls,
            reached_boys=boys,
            basis=basis,
            note="",
            acting_user=_member(orgs[slug]),
        )
