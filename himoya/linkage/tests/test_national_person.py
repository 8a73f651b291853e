"""One person registered by three organisations counts once nationally, once in each."""

from datetime import date

import pytest
from django.core.management import call_command

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.cases.models import Case
from himoya.linkage import actions
from himoya.stats import engine, periods
from himoya.stats.indicators import INDICATORS
from himoya.stats.tests.factories import register

pytestmark = pytest.mark.django_db
PERSONS = INDICATORS["persons"]


@pytest.fixture
def three(make_org, make_user):
    """The same woman met by a hotline NGO, a shelter and the police; plus one other man."""
    out = []
    for slug in ("hotline", "shelter", "police"):
        org = make_org(slug)
        worker = make_user(org, Role.CASEWORKER)
        case = register(org, worker, on=date(2026, 3, 1), sex="female")
        out.append((org, case))
    register(out[0][0], make_user(out[0][0], Role.CASEWORKER), on=date(2026, 3, 2))
    national = make_org("commission", is_national=True)
    officer = make_user(national, Role.LINKAGE_OFFICER, username="linker")
    return out, officer


def count(org_ids=None, by=()):
    scope = engine.Scope(None if org_ids is None else frozenset(org_ids), False)
    table = engine.compute(PERSONS, periods.year(2026), scope, by)
    return table.total.current, {c.key: c.current for c in table.cells}


def test_linked_person_counts_once_nationally_and_once_in_each_organisation(three):
    cases, officer = three
    assert count()[0] == 4
    actions.do_link_persons([c.person for _org, c in cases], acting_user=officer)
    total, by_sex = count(by=("sex",))
    assert total == 2 and by_sex[("female",)] == 1
    for org, _case in cases:
        assert count([org.pk])[0] == (2 if org.slug == "hotline" else 1)
    assert count([cases[1][0].pk, cases[2][0].pk])[0] == 1  # shelter + police: one woman
    assert AuditEvent.objects.filter(object_type="linkage.nationalperson").exists()


def test_unlinking_restores_the_count_and_is_audited(three):
    cases, officer = three
    actions.do_link_persons([c.person for _org, c in cases], acting_user=officer)
    actions.do_unlink_person(cases[2][1].person, acting_user=officer)
    assert count()[0] == 3
    actions.do_unlink_person(cases[1][1].person, acting_user=officer)
    assert count()[0] == 4
    assert not Case.objects.filter(national_person_id__isnull=False).exists()
    assert AuditEvent.objects.filter(detail="unlinked 1 person record").count() == 2


def test_the_command_links_by_case_reference_for_a_linkage_officer_only(three, make_user):
    from django.core.management import CommandError

    cases, officer = three
    refs = [c.reference for _org, c in cases]
    with pytest.raises(CommandError):
        call_command("link-persons", *refs, "--user", make_user(cases[0][0]).username)
    call_command("link-persons", *refs, "--user", officer.username)
    assert count()[0] == 2


def test_no_caseworker_page_tells_that_another_body_knows_the_person(three, client, login):
    cases, officer = three
    actions.do_link_persons([c.person for _org, c in cases], acting_user=officer)
    org, case = cases[0]
    worker = case.registered_by
    login(worker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    for other_org, _c in cases[1:]:
        assert other_org.name not in page
    assert str(case.national_person_id) not in page.replace(str(case.pk), "")
