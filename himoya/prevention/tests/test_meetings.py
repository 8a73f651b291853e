"""Coordination meetings: decisions and tasks, followed up; overdue tasks on the home page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.organisations.models import Organisation
from himoya.prevention import meetings
from himoya.prevention.models import ActionItem, Meeting

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def secretariat(make_org):
    return make_org("secretariat", kind=Organisation.Kind.MINISTRY, is_national=True)


@pytest.fixture
def coordinator(make_user, secretariat):
    user = make_user(secretariat, Role.NATIONAL_COORDINATOR)
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def dialogue(secretariat, coordinator, make_org):
    iom = make_org("iom", kind=Organisation.Kind.INTERNATIONAL)
    return meetings.do_record_meeting(
        secretariat,
        body=Meeting.Body.DIALOGUE,
        title="Quarterly high-level dialogue",
        held_on=TODAY - datetime.timedelta(days=100),
        participants=[iom],
        agenda="Shelter funding",
        decisions=["Open a second shelter", "", "Train border guards"],
        tasks=[
            {
                "text": "Draft shelter budget",
                "owner": iom,
                "due_on": TODAY - datetime.timedelta(days=10),
            },
            {
                "text": "Plan the course",
                "owner": secretariat,
                "due_on": TODAY + datetime.timedelta(days=30),
            },
        ],
        acting_user=coordinator,
    )


def test_meeting_keeps_decisions_tasks_and_is_audited(dialogue):
    assert [d.text for d in dialogue.decisions.all()] == [
        "Open a second shelter",
        "Train border guards",
    ]
    assert dialogue.action_items.count() == 2
    assert dialogue.participants.count() == 2  # the convener takes part too
    assert AuditEvent.objects.filter(object_type="prevention.meeting").exists()


def test_task_due_before_the_meeting_is_refused(secretariat, coordinator):
    with pytest.raises(ValidationError):
        meetings.do_record_meeting(
            secretariat,
            body="dialogue",
            title="x",
            held_on=TODAY,
            tasks=[
                {"text": "t", "owner": secretariat, "due_on": TODAY - datetime.timedelta(days=1)}
            ],
            acting_user=coordinator,
        )
    assert not Meeting.objects.exists()


def test_overdue_tasks_on_the_coordinators_and_the_owners_home(
    dialogue, client, login, coordinator, make_user
):
    login(coordinator)
    home = client.get("/").content.decode()
    assert "Draft shelter budget" in home and "Plan the course" not in home
    iom = Organisation.objects.get(slug="iom")
    admin = make_user(iom, Role.ORG_ADMIN)
    admin.language = "en"
    admin.save(update_fields=["language"])
    login(admin)
    assert "Draft shelter budget" in client.get("/").content.decode()


def test_follow_up_at_the_next_meeting(dialogue, client, login, coordinator, secretariat):
    later = meetings.do_record_meeting(
        secretariat, body="dialogue", title="Next dialogue", held_on=TODAY, acting_user=coordinator
    )
    item = dialogue.action_items.get(text="Draft shelter budget")
    login(coordinator)
    response = client.post(
        f"/prevention/meetings/{dialogue.pk}/",
        {
            "item": item.pk,
            f"item{item.pk}-status": "done",
            f"item{item.pk}-note": "Budget sent to the ministry",
            f"item{item.pk}-at_meeting": later.pk,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.followed_up_at) == (ActionItem.Status.DONE, later)
    assert "Draft shelter budget" not in client.get("/").content.decode()


def test_meeting_form_keeps_what_was_typed(client, login, coordinator, secretariat):
    login(coordinator)
    response = client.post(
        "/prevention/meetings/new/",
        {
            "body": "working_group",
            "title": "Working group, third session",
            "held_on": (TODAY + datetime.timedelta(days=5)).isoformat(),
            "minutes": "Discussed the draft",
            "task-TOTAL_FORMS": "3",
            "task-INITIAL_FORMS": "0",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Working group, third session" in page and "Discussed the draft" in page
    assert not Meeting.objects.exists()


def test_organisation_outside_the_meeting_gets_404(dialogue, client, login, make_org, make_user):
    stranger = make_user(make_org("other"), Role.ORG_ADMIN)
    login(stranger)
    assert client.get(f"/prevention/meetings/{dialogue.pk}/").status_code == 404
    iom_admin = make_user(Organisation.objects.get(slug="iom"), Role.ORG_ADMIN)
    login(iom_admin)
    assert client.get(f"/prevention/meetings/{dialogue.pk}/").status_code == 200
    item = dialogue.action_items.first()
    response = client.post(f"/prevention/meetings/{dialogue.pk}/", {"item": item.pk})
    assert response.status_code == 403
