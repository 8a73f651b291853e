"""At registration, a new person is checked against the register in the background."""

import datetime
from datetime import date
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.cases.actions import do_correct_person
from himoya.linkage import candidates, registration
from himoya.linkage.models import PossibleDuplicate
from himoya.linkage.tests.test_candidates import person
from himoya.stats.tests.factories import register

pytestmark = pytest.mark.django_db
ON = date(2026, 3, 1)


@pytest.fixture
def shelter(make_org, make_user):
    org = make_org("shelter")
    return org, make_user(org, Role.CASEWORKER, username="nigora")


@pytest.fixture
def police(make_org, make_user):
    org = make_org("police")
    return org, make_user(org, Role.CASEWORKER, username="farrukh")


@pytest.fixture
def add(django_capture_on_commit_callbacks):
    """Register a case the way a page does: the check runs when the transaction commits."""

    def do(org_user, data, on=ON):
        with django_capture_on_commit_callbacks(execute=True):
            return register(*org_user, on=on, person=data)

    return do


def open_notices():
    return set(PossibleDuplicate.objects.filter(status="open").values_list("person_id", "other_id"))


def test_a_second_registration_in_the_same_organisation_opens_a_notice(shelter, add):
    first = add(shelter, person("Ҷамила", "Раҳимова"))
    second = add(shelter, person("Djamila", "Rakhimova", latin=True))
    assert open_notices() == {(second.person_id, first.person_id)}
    notice = PossibleDuplicate.objects.get()
    assert 0.5 <= notice.score <= 1
    assert AuditEvent.objects.filter(
        object_type="linkage.possibleduplicate", organisation=shelter[0]
    ).exists()


def test_the_check_waits_for_the_commit(shelter, django_capture_on_commit_callbacks):
    register(*shelter, on=ON, person=person("Ҷамила", "Раҳимова"))
    with django_capture_on_commit_callbacks() as callbacks:
        register(*shelter, on=ON, person=person("Djamila", "Rakhimova", latin=True))
    assert not PossibleDuplicate.objects.exists() and callbacks
    for callback in callbacks:
        callback()
    assert PossibleDuplicate.objects.count() == 1


def test_a_match_in_another_organisation_goes_only_to_the_national_queue(
    shelter, police, add, client, login, make_org, make_user
):
    a = add(shelter, person("Ҷамила", "Раҳимова"))
    b = add(police, person("Djamila", "Rakhimova", latin=True))
    assert PossibleDuplicate.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="linkage.possibleduplicate").exists()
    assert {(p.first.pk, p.second.pk) for p in candidates.candidate_pairs()} == {
        (a.person_id, b.person_id)
    }
    officer = make_user(make_org("commission", is_national=True), Role.LINKAGE_OFFICER)
    login(officer)
    page = client.get(reverse("linkage_queue")).content.decode()
    assert reverse("linkage_pair", args=[a.person_id, b.person_id]) in page
    login(police[1])
    page = client.get(reverse("case_detail", args=[b.pk])).content.decode()
    assert "possible-duplicates" not in page and a.reference not in page


def test_find_likely_matches_scores_across_scripts_best_first(shelter, police, add):
    a = add(shelter, person("Ҷамила", "Раҳимова", patronymic="Каримовна"))
    b = add(shelter, person("Джамила", "Рахимова"))
    c = add(police, person("Djamila", "Rakhimova", latin=True))
    add(shelter, person("Ҷамила", "Раҳимова", born=date(1990, 1, 1)))  # born otherwise
    add(shelter, person("Ҷамила", "Раҳимова", sex="male"))
    found = registration.find_likely_matches(b.person)
    assert [p.pk for p, _s in found] == [c.person_id, a.person_id]
    assert found[0][1] > found[1][1]  # all names shared beats two of three
    assert all(0 < s <= 1 for _p, s in found)


def test_one_name_word_is_shown_in_the_own_organisation_only_with_the_same_birth_date(
    shelter, police, add
):
    one = add(shelter, person("Малика", ""))
    same = add(shelter, person("Malika", "", latin=True))
    add(shelter, person("Малика", "", born=None, age="33"))  # no full date of birth
    add(police, person("Малика", ""))  # another body: never with one word
    assert open_notices() == {(same.person_id, one.person_id)}
    assert candidates.candidate_pairs() == []


def test_a_person_without_a_name_is_never_proposed(shelter, add):
    add(shelter, person("", ""))
    add(shelter, person("", ""))
    assert PossibleDuplicate.objects.count() == 0


def test_a_corrected_name_is_checked_again(shelter, add, django_capture_on_commit_callbacks):
    first = add(shelter, person("Ҷамила", "Раҳимова"))
    other = add(shelter, person("Зарина", "Каримова"))
    assert not PossibleDuplicate.objects.exists()
    data = person("Ҷамила", "Раҳимова") | {"sex": "female"}
    with django_capture_on_commit_callbacks(execute=True):
        do_correct_person(other.person, acting_user=shelter[1], data=data)
    assert open_notices() == {(other.person_id, first.person_id)}


def test_an_import_of_many_rows_is_checked_in_one_job(
    tmp_path, shelter, add, settings, django_capture_on_commit_callbacks
):
    from himoya.interop import htcds
    from himoya.interop.actions import do_import

    settings.MEDIA_ROOT = tmp_path / "media"
    first = add(shelter, person("Ҷамила", "Раҳимова"))
    rows = [
        {
            "prs_FirstName": f"Имя{i}",
            "prs_SecondName": "Каримова",
            "prs_Gender": "Feminine",
            "prs_Birthdate": datetime.date(1980, 1, 1) + datetime.timedelta(days=i),
            "vic_TypeOfExploitation": ["ForcedLabour"],
        }
        for i in range(30)
    ]
    rows.append(
        {
            "prs_FirstName": "Jamila",
            "prs_SecondName": "Rahimova",
            "prs_Gender": "Feminine",
            "prs_Birthdate": date(1994, 5, 17),
            "vic_TypeOfExploitation": ["ForcedLabour"],
        }
    )
    path = tmp_path / "cases.csv"
    htcds.write(rows, path, "csv")
    jobs: list[list[int]] = []
    real = registration.check_registered
    spy = mock.Mock(enqueue=lambda ids: jobs.append(ids) or real.enqueue(ids))
    with mock.patch.object(registration, "check_registered", spy):
        with django_capture_on_commit_callbacks(execute=True):
            result = do_import(shelter[0], path, "htcds", acting_user=shelter[1])
    assert result["created"] == 31
    assert len(jobs) == 1 and len(jobs[0]) == 31
    imported = PossibleDuplicate.objects.get()
    assert imported.other_id == first.person_id


# --- the notice on the case page ------------------------------------------------------


@pytest.fixture
def pair(shelter, add):
    first = add(shelter, person("Ҷамила", "Раҳимова"))
    second = add(shelter, person("Djamila", "Rakhimova", latin=True))
    return first, second


def test_the_notice_links_the_other_case_in_tajik_without_names(pair, shelter, client, login):
    first, second = pair
    user = shelter[1]
    user.language = "tg"
    user.save(update_fields=["language"])
    login(user)
    with translation.override("tg"):
        page = client.get(reverse("case_detail", args=[second.pk])).content.decode()
    assert "Шояд шумо ин шахсро аллакай сабт кардаед:" in page
    assert reverse("case_detail", args=[first.pk]) in page and first.reference in page
    assert "Раҳимова" not in page and "Rakhimova" not in page
    # The older case shows it too, pointing the other way.
    page = client.get(reverse("case_detail", args=[first.pk])).content.decode()
    assert reverse("case_detail", args=[second.pk]) in page


def test_dismissing_hides_the_notice_and_is_audited(pair, shelter, client, login):
    first, second = pair
    notice = PossibleDuplicate.objects.get()
    login(shelter[1])
    url = reverse("linkage_dismiss_duplicate", args=[second.pk, notice.pk])
    assert client.post(url).status_code == 302
    notice.refresh_from_db()
    assert notice.status == "dismissed" and notice.decided_by == shelter[1]
    assert AuditEvent.objects.filter(
        object_type="linkage.possibleduplicate", object_id=str(notice.pk), action="update"
    ).exists()
    page = client.get(reverse("case_detail", args=[second.pk])).content.decode()
    assert "possible-duplicates" not in page
    assert client.post(url).status_code == 404  # no open notice any more


def test_another_organisation_gets_404_and_never_sees_the_notice(pair, client, login, police):
    first, second = pair
    notice = PossibleDuplicate.objects.get()
    login(police[1])
    url = reverse("linkage_dismiss_duplicate", args=[second.pk, notice.pk])
    assert client.post(url).status_code == 404
    assert PossibleDuplicate.objects.get().status == "open"


def test_a_user_who_cannot_open_the_other_case_sees_no_notice(
    shelter, add, client, login, make_user
):
    org = shelter[0]
    responder = make_user(org, Role.RESPONDER)
    add((org, responder), person("Ҷамила", "Раҳимова"))
    mine = add((org, responder), person("Djamila", "Rakhimova", latin=True))
    theirs = add(shelter, person("Jamila", "Rahimova", latin=True))
    assert PossibleDuplicate.objects.filter(person=theirs.person).count() == 2
    login(responder)
    page = client.get(reverse("case_detail", args=[mine.pk])).content.decode()
    assert theirs.reference not in page  # her own earlier case only
    assert page.count("possible-duplicates") == 1
    notice = PossibleDuplicate.objects.filter(person=theirs.person).first()
    url = reverse("linkage_dismiss_duplicate", args=[mine.pk, notice.pk])
    assert client.post(url).status_code == 404


def test_an_org_admin_reading_only_is_not_offered_dismissal(
    pair, shelter, client, login, make_user
):
    first, second = pair
    admin = make_user(shelter[0], Role.ORG_ADMIN)
    login(admin)
    page = client.get(reverse("case_detail", args=[second.pk])).content.decode()
    notice = PossibleDuplicate.objects.get()
    url = reverse("linkage_dismiss_duplicate", args=[second.pk, notice.pk])
    assert "possible-duplicates" in page and url not in page
    assert client.post(url).status_code == 403


def test_another_body_that_may_open_both_cases_still_sees_no_notice(
    pair, police, client, login, monkeypatch
):
    """A lawyer or a referral's receiver may open a case of A; A's notices stay A's."""
    from django.db.models import Q

    from himoya.access import cases as access_cases

    first, second = pair
    outsider = police[1]

    def granted(user):
        return Q(pk__in=[first.pk, second.pk]) if user == outsider else None

    monkeypatch.setattr(access_cases, "CASE_VISIBILITY", [*access_cases.CASE_VISIBILITY, granted])
    login(outsider)
    page = client.get(reverse("case_detail", args=[second.pk]))
    assert page.status_code == 200
    assert "possible-duplicates" not in page.content.decode()
    notice = PossibleDuplicate.objects.get()
    url = reverse("linkage_dismiss_duplicate", args=[second.pk, notice.pk])
    assert client.post(url).status_code == 404
