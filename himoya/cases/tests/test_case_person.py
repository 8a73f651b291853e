import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.cases import actions
from himoya.cases.models import Case, Person
from himoya.cases.queries import search_by_name
from himoya.cases.tests.factories import register_case


def url(case):
    return reverse("case_person", args=[case.pk])


@pytest.mark.django_db
class TestCorrectPerson:
    def test_every_case_of_the_person_follows_and_the_name_is_found_again(self, org, make_user):
        user = make_user(org, Role.CASEWORKER)
        first = register_case(org, user)
        second = register_case(org, user, person=first.person)
        person = first.person

        changed = actions.do_correct_person(
            person,
            acting_user=user,
            data={
                "family_name": "Раҳимова",
                "given_name": "Нигора",
                "sex": "female",
                "age_at_identification": 15,
                "citizenship": "UZ",
                "region_of_origin": "TJ-SU",
            },
        )

        assert {"family_name", "given_name", "sex", "citizenship"} <= set(changed)
        assert "given_name_latin" in changed  # left out: emptied
        for case in Case.objects.filter(pk__in=[first.pk, second.pk]):
            assert (case.sex, case.citizenship, case.region_of_origin) == ("female", "UZ", "TJ-SU")
            assert case.age_group == Person.objects.get(pk=person.pk).age_group != ""
            assert case.is_cross_border is True  # RU is abroad for a citizen of UZ
            assert case.events.filter(kind="person_corrected").exists()
        assert search_by_name(Case.objects.all(), "Нигора Рахимова").count() == 2
        assert not search_by_name(Case.objects.all(), "Jamshed").exists()
        event = AuditEvent.objects.filter(action="update", object_type="cases.person").get()
        assert "family_name" in event.fields and "Нигора" not in str(event.detail)

    def test_an_unknown_code_changes_nothing(self, org, make_user):
        user = make_user(org, Role.CASEWORKER)
        case = register_case(org, user)
        with pytest.raises(actions.ValidationError):
            actions.do_correct_person(
                case.person, acting_user=user, data={"family_name": "X", "citizenship": "ZZ"}
            )
        person = Person.objects.get(pk=case.person_id)
        assert person.family_name == "Раҳимов" and person.citizenship == "TJ"

    def test_opening_the_form_is_an_audited_identity_read_and_saving_as_is_changes_nothing(
        self, client, login, org, make_user
    ):
        user = make_user(org, Role.CASEWORKER)
        case = register_case(org, user)
        login(user)

        page = client.get(url(case))

        assert 'value="Раҳимов"' in page.content.decode()
        assert AuditEvent.objects.filter(action="view_identity").count() == 1
        form = page.context["form"]
        data = {k: v for k, v in form.initial.items() if v not in (None, "")}
        response = client.post(url(case), data)
        assert response.status_code == 302
        assert not AuditEvent.objects.filter(action="update").exists()

    def test_a_bad_form_keeps_what_was_typed(self, client, login, org, make_user):
        user = make_user(org, Role.CASEWORKER)
        case = register_case(org, user)
        login(user)
        response = client.post(
            url(case),
            {"organisation": org.pk, "sex": "male", "phone": "+992 90 000 00 00"},
        )
        assert response.status_code == 200
        assert 'value="+992 90 000 00 00"' in response.content.decode()
        assert Person.objects.get(pk=case.person_id).phone == ""

    def test_another_organisation_gets_404_and_a_responder_403(
        self, client, login, org, other_org, make_user
    ):
        case = register_case(org, make_user(org, Role.CASEWORKER))
        login(make_user(other_org, Role.CASEWORKER))
        assert client.get(url(case)).status_code == 404
        responder = make_user(org, Role.RESPONDER)
        own = register_case(org, responder)
        login(responder)
        assert client.get(url(own)).status_code == 403
        assert not AuditEvent.objects.filter(action="view_identity").exists()


@pytest.mark.django_db
def test_a_correction_keeps_the_age_at_identification_unless_the_birth_date_changed(org, make_user):
    import datetime

    user = make_user(org, Role.CASEWORKER)
    born = datetime.date(2004, 6, 1)
    first = register_case(
        org,
        user,
        person={"family_name": "Каримова", "sex": "female", "date_of_birth": born,
                "age_at_identification": 15},
        registered_on=datetime.date(2020, 3, 1),
    )  # fmt: skip
    later = register_case(org, user, person=first.person, registered_on=datetime.date(2026, 3, 1))
    group = Case.objects.get(pk=first.pk).age_group
    data = {"family_name": "Каримова", "sex": "female", "date_of_birth": born}

    actions.do_correct_person(
        first.person,
        acting_user=user,
        data={**data, "phone": "+992 90 1", "age_at_identification": 21},
    )

    assert {c.age_group for c in Case.objects.filter(pk__in=[first.pk, later.pk])} == {group}
    assert Person.objects.get(pk=first.person_id).age_at_identification == 15


@pytest.mark.django_db
def test_an_imported_age_group_without_an_age_survives_a_correction(org, make_user):
    user = make_user(org, Role.CASEWORKER)
    case = register_case(org, user)
    Person.objects.filter(pk=case.person_id).update(age_at_identification=None, age_group="18-20")
    Case.objects.filter(pk=case.pk).update(age_group="18-20")

    actions.do_correct_person(
        case.person, acting_user=user, data={"family_name": "Раҳимов", "sex": "male"}
    )

    assert Case.objects.get(pk=case.pk).age_group == "18-20"
    assert Person.objects.get(pk=case.person_id).age_group == "18-20"


@pytest.mark.django_db
def test_sync_marks_cases_written_around_the_model(org, make_user):
    from himoya.cases.models import sync_shared_persons

    user = make_user(org, Role.CASEWORKER)
    first = register_case(org, user)
    second = register_case(org, user, person=first.person)
    Case.objects.update(shares_person=False)

    assert sync_shared_persons() == 2
    assert set(Case.objects.filter(shares_person=True).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
