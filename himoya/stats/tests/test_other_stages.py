"""The engine counts the other stages of the mechanism the way their apps count them."""

from datetime import date

import pytest
from django.utils import timezone

from himoya.access.roles import Role
from himoya.justice import actions
from himoya.justice.models import Defendant
from himoya.organisations.models import Organisation
from himoya.stats import engine, periods
from himoya.stats.indicators import INDICATORS

pytestmark = pytest.mark.django_db

ALL = engine.Scope(None, 0)


def count(key, start, end, by=()):
    table = engine.compute(INDICATORS[key], periods.custom(start, end), ALL, by, compare=False)
    return {c.key: c.current for c in table.cells} if by else table.total.current


@pytest.fixture
def agency(make_org):
    return make_org("police", kind=Organisation.Kind.LAW_ENFORCEMENT)


@pytest.fixture
def investigator(agency, make_user):
    return make_user(agency, Role.SUPERVISOR, username="investigator")


def _open(agency, user, case_number, opened_on):
    return actions.do_open_proceeding(
        agency,
        kind="criminal",
        case_number=case_number,
        opened_on=opened_on,
        articles=["130.1"],
        acting_user=user,
    )


def _suspect(proceeding, user, sex="male"):
    return actions.do_add_perpetrator(
        proceeding,
        sex=sex,
        age_group="30-38",
        role="RecruiterOrIntermediary",
        citizenship="TJ",
        acting_user=user,
    )


def test_prosecuted_counts_persons_indicted_in_the_period_once(agency, investigator):
    # Opened in 2025, indicted in March 2026: prosecuted in 2026, not in 2025.
    p = _open(agency, investigator, "1/2025", date(2025, 11, 1))
    man = _suspect(p, investigator)
    actions.do_indict(p, on=date(2026, 3, 1), acting_user=investigator)
    # The same man accused in a second proceeding indicted the same year: still one person.
    q = _open(agency, investigator, "2/2026", date(2026, 1, 10))
    Defendant.objects.create(proceeding=q, perpetrator=man.perpetrator, status="suspected")
    actions.do_indict(q, on=date(2026, 4, 1), acting_user=investigator)
    # Opened in 2026 but never indicted: suspected, not prosecuted.
    r = _open(agency, investigator, "3/2026", date(2026, 2, 1))
    _suspect(r, investigator, sex="female")

    assert count("prosecuted", date(2025, 1, 1), date(2025, 12, 31)) == 0
    assert count("prosecuted", date(2026, 1, 1), date(2026, 12, 31)) == 1
    assert count("prosecuted", date(2026, 1, 1), date(2026, 12, 31), ("sex",)) == {("male",): 1}
    assert count("suspects", date(2026, 1, 1), date(2026, 12, 31), ("sex",)) == {
        ("male",): 1,
        ("female",): 1,
    }


def test_proceedings_by_article_and_stage(agency, investigator):
    p = actions.do_open_proceeding(
        agency,
        kind="criminal",
        case_number="4/2026",
        opened_on=date(2026, 2, 1),
        articles=["130.1", "132"],
        acting_user=investigator,
    )
    _suspect(p, investigator)
    actions.do_indict(p, on=date(2026, 3, 1), acting_user=investigator)
    _open(agency, investigator, "5/2026", date(2026, 2, 2))

    assert count("proceedings", date(2026, 1, 1), date(2026, 12, 31), ("article", "stage")) == {
        ("130.1", "prosecution"): 1,
        ("132", "prosecution"): 1,
        ("130.1", "investigation"): 1,
    }


def test_a_screening_outcome_is_the_decision_else_the_suggestion(org, make_user):
    from himoya.screening import actions as screening_actions
    from himoya.screening import rule
    from himoya.screening.library import load_national_checklist
    from himoya.screening.models import Checklist, ChecklistVersion, Indicator
    from himoya.screening.tests.conftest import ADULT_LABOUR_YES, AT_RISK_YES

    load_national_checklist(Checklist, ChecklistVersion, Indicator)
    national = Checklist.objects.get(organisation=None, slug="national")
    responder = make_user(org, Role.RESPONDER)

    def screen(yes):
        screening = screening_actions.do_start_screening(
            org,
            checklist=national,
            age_group="adult",
            suspected_form="labour",
            region="TJ-DU",
            acting_user=responder,
        )
        answers = {i.code: "no" for i in screening.indicators()}
        answers.update({c: "yes" for c in yes})
        screening_actions.do_save_answers(screening, answers, acting_user=responder)
        return screening

    overridden = screen(ADULT_LABOUR_YES)
    screening_actions.do_decide(
        overridden, decision=rule.AT_RISK, reason="Left", acting_user=responder
    )
    screen(ADULT_LABOUR_YES)  # not decided yet: the rule's suggestion counts
    screen(AT_RISK_YES)

    today = timezone.localdate(overridden.screened_at)
    assert count("screenings", today, today, ("outcome",)) == {
        (rule.AT_RISK,): 2,
        (rule.PRESUMED_VICTIM,): 1,
    }
    assert count("presumed_by_screening", today, today) == 0


def test_a_referral_counts_for_the_sender_and_the_receiver(make_org, make_user):
    from himoya.cases.tests.factories import register_case
    from himoya.referrals.tests.factories import give_consent, refer

    ngo = make_org("ngo")
    shelter = make_org("shelter", kind=Organisation.Kind.SHELTER)
    outsider = make_org("outsider")
    worker = make_user(ngo, Role.CASEWORKER)
    case = register_case(ngo, worker)
    give_consent(case, worker, shelter)
    referral = refer(case, worker, shelter, services=["shelter", "medical"])
    day = timezone.localdate(referral.sent_at)

    def referrals(org_ids, by=()):
        table = engine.compute(
            INDICATORS["referrals"],
            periods.custom(day, day),
            engine.Scope(frozenset(org_ids), 0),
            by,
            compare=False,
        )
        return {c.key: c.current for c in table.cells} if by else table.total.current

    assert referrals({ngo.pk}) == 1
    assert referrals({shelter.pk}) == 1
    assert referrals({ngo.pk, shelter.pk}) == 1
    assert referrals({outsider.pk}) == 0
    assert referrals({shelter.pk}, ("service",)) == {("shelter",): 1, ("medical",): 1}


def test_services_count_deliveries_and_cases_for_the_provider_and_the_case_owner(
    make_org, make_user
):
    from himoya.assistance.models import ServiceDelivery
    from himoya.cases.tests.factories import register_case

    ngo = make_org("ngo")
    shelter = make_org("shelter", kind=Organisation.Kind.SHELTER)
    outsider = make_org("outsider")
    worker = make_user(ngo, Role.CASEWORKER)
    first, second = register_case(ngo, worker), register_case(ngo, worker)
    day = date(2026, 3, 5)
    for case, service in [(first, "shelter"), (first, "shelter"), (second, "shelter")]:
        ServiceDelivery.objects.create(
            case=case, provider=shelter, service=service, started_on=day, recorded_by=worker
        )

    def services(key, org_ids):
        scope = engine.Scope(frozenset(org_ids), 0)
        table = engine.compute(
            INDICATORS[key], periods.custom(day, day), scope, ("service",), compare=False
        )
        return {c.key: c.current for c in table.cells}

    assert services("services", {shelter.pk}) == {("shelter",): 3}
    assert services("services", {ngo.pk}) == {("shelter",): 3}
    assert services("services", {outsider.pk}) == {}
    # Three deliveries to two cases: two cases served.
    assert services("cases_served", {ngo.pk}) == {("shelter",): 2}
