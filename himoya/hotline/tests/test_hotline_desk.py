import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent
from himoya.hotline.actions import do_log_contact
from himoya.hotline.models import HotlineContact

pytestmark = pytest.mark.django_db

CALL = {
    "channel": "phone",
    "caller_type": "relative",
    "language": "tg",
    "topic": "missing_person",
    "region": "TJ-KT",
    "urgency": "urgent",
    "duration_minutes": "12",
    "caller_name": "Модари Фарҳод",
    "caller_phone": "+992 93 000 00 00",
    "notes": "Son in Moscow, no contact for 3 weeks",
}


def log(org, user, **over):
    data = {k: v for k, v in CALL.items() if k not in ("duration_minutes",)}
    data.update(over)
    return do_log_contact(org, data=data, acting_user=user)


@pytest.fixture
def operator(org, make_user):
    return make_user(org, Role.RESPONDER)


class TestDesk:
    url = reverse("hotline_desk")

    def test_operator_logs_a_call_with_encrypted_identity(self, client, login, org, operator):
        login(operator)
        response = client.post(self.url, CALL)
        assert response["Location"] == self.url
        contact = HotlineContact.objects.get()
        assert (contact.organisation, contact.operator) == (org, operator)
        assert contact.caller_name == "Модари Фарҳод" and contact.duration_minutes == 12
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("select caller_name, notes from hotline_hotlinecontact")
            raw_name, raw_notes = cur.fetchone()
        assert raw_name.startswith("hx1:") and "Фарҳод" not in raw_name
        assert "Moscow" not in raw_notes
        event = AuditEvent.objects.get(action="create", object_type="hotline.hotlinecontact")
        assert "caller_name" in event.fields and "Фарҳод" not in event.detail
        page = client.get(self.url).content.decode()
        assert "Модари Фарҳод" not in page  # identity shown only on request
        assert reverse("hotline_identity", args=[contact.pk]) in page

    def test_identity_is_optional(self, client, login, operator):
        login(operator)
        data = {k: v for k, v in CALL.items() if k not in ("caller_name", "caller_phone")}
        client.post(self.url, data)
        assert not HotlineContact.objects.get().has_identity

    def test_bad_input_keeps_what_was_typed(self, client, login, operator):
        login(operator)
        response = client.post(self.url, {**CALL, "topic": "nonsense"})
        assert response.status_code == 200
        assert "+992 93 000 00 00" in response.content.decode()
        assert not HotlineContact.objects.exists()

    def test_today_shows_only_own_organisations_calls(
        self, client, login, org, other_org, operator, make_user
    ):
        log(org, operator, referred_to="OURS-CALL")
        log(other_org, make_user(other_org, Role.RESPONDER), referred_to="THEIR-CALL")
        login(operator)
        page = client.get(self.url).content.decode()
        assert "OURS-CALL" in page and "THEIR-CALL" not in page

    def test_lawyer_gets_403(self, client, login, org, make_user):
        login(make_user(org, Role.LAWYER))
        assert client.get(self.url).status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(self.url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


class TestOutcome:
    def url(self, c):
        return reverse("hotline_outcome", args=[c.pk])

    def test_htmx_referral_returns_the_updated_row(self, client, login, org, operator):
        contact = log(org, operator)
        login(operator)
        response = client.post(
            self.url(contact),
            {"outcome": "referral_made", "referred_to": "Shelter Dushanbe"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert f'id="call-{contact.pk}"' in response.content.decode()
        contact.refresh_from_db()
        assert (contact.outcome, contact.referred_to) == ("referral_made", "Shelter Dushanbe")

    def test_referral_needs_a_destination(self, client, login, org, operator):
        contact = log(org, operator)
        login(operator)
        response = client.post(
            self.url(contact), {"outcome": "referral_made"}, HTTP_HX_REQUEST="true"
        )
        assert 'role="alert"' in response.content.decode()
        contact.refresh_from_db()
        assert contact.outcome == ""

    def test_org_admin_gets_403(self, client, login, org, operator, make_user):
        contact = log(org, operator)
        login(make_user(org, Role.ORG_ADMIN))
        assert client.post(self.url(contact), {"outcome": "police_report"}).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, org, other_org, operator, make_user):
        contact = log(org, operator)
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.post(self.url(contact), {"outcome": "police_report"}).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, org, operator):
        assert client.post(self.url(log(org, operator))).status_code == 302


class TestIdentity:
    def url(self, c):
        return reverse("hotline_identity", args=[c.pk])

    def test_reveal_is_audited(self, client, login, org, operator):
        contact = log(org, operator)
        login(operator)
        assert "Модари Фарҳод" in client.get(self.url(contact)).content.decode()
        event = AuditEvent.objects.get(action="view_identity")
        assert event.object_id == str(contact.pk) and event.actor == operator

    def test_org_admin_gets_403(self, client, login, org, operator, make_user):
        contact = log(org, operator)
        login(make_user(org, Role.ORG_ADMIN))
        assert client.get(self.url(contact)).status_code == 403

    def test_admin_of_other_org_gets_404(self, client, login, org, other_org, operator, make_user):
        contact = log(org, operator)
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.get(self.url(contact)).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, org, operator):
        assert client.get(self.url(log(org, operator))).status_code == 302


class TestScreeningFromCall:
    def test_call_starts_a_screening(self, client, login, org, operator, national):
        contact = log(org, operator)
        login(operator)
        start = reverse("screening_start") + f"?contact={contact.pk}"
        assert client.get(start).status_code == 200
        client.post(
            reverse("screening_start"),
            {
                "contact": contact.pk,
                "checklist": national.pk,
                "age_group": "adult",
                "suspected_form": "unknown",
                "region": "TJ-KT",
            },
        )
        contact.refresh_from_db()
        assert contact.screening is not None and contact.outcome == "screening_started"

    def test_other_org_call_cannot_start_a_screening(
        self, client, login, org, other_org, operator, make_user
    ):
        contact = log(other_org, make_user(other_org, Role.RESPONDER))
        login(operator)
        assert client.get(reverse("screening_start") + f"?contact={contact.pk}").status_code == 404


class TestAttachCase:
    def url(self, c):
        return reverse("hotline_attach_case", args=[c.pk])

    def test_call_attaches_to_a_case_of_the_organisation(self, client, login, org, make_user):
        from himoya.cases.actions import do_register_case

        caseworker = make_user(org, Role.CASEWORKER)
        case = do_register_case(org, acting_user=caseworker, person={"given_name": "Али"})
        contact = log(org, caseworker)
        login(caseworker)
        client.post(self.url(contact), {"reference": case.reference}, HTTP_HX_REQUEST="true")
        contact.refresh_from_db()
        assert contact.case == case

    def test_other_org_case_reference_is_not_found(self, client, login, org, other_org, make_user):
        from himoya.cases.actions import do_register_case

        theirs = do_register_case(
            other_org, acting_user=make_user(other_org, Role.CASEWORKER), person={}
        )
        caseworker = make_user(org, Role.CASEWORKER)
        contact = log(org, caseworker)
        login(caseworker)
        response = client.post(
            self.url(contact), {"reference": theirs.reference}, HTTP_HX_REQUEST="true"
        )
        assert 'role="alert"' in response.content.decode()
        contact.refresh_from_db()
        assert contact.case is None

    def test_admin_of_other_org_gets_404(self, client, login, org, other_org, operator, make_user):
        contact = log(org, operator)
        login(make_user(other_org, Role.ORG_ADMIN))
        assert client.post(self.url(contact), {"reference": "x"}).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, org, operator):
        assert client.post(self.url(log(org, operator))).status_code == 302


def test_desk_query_count_does_not_grow(
    client, login, org, operator, django_assert_max_num_queries
):
    for _ in range(2):
        log(org, operator)
    login(operator)
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("hotline_desk"))
    for _ in range(6):
        log(org, operator)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("hotline_desk")).content.decode().count('class="card call"') == 8
