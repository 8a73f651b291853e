import pytest

from himoya.access.roles import Role


@pytest.fixture
def admin(make_user, org):
    return make_user(org, Role.ORG_ADMIN)


@pytest.fixture
def phone(org, admin):
    """A field user of `org` and its one-time secret."""
    from himoya.fieldcapture.actions import do_create_field_user

    return do_create_field_user(org, label="Panj border post", acting_user=admin)


@pytest.fixture
def collect(client, phone):
    from himoya.fieldcapture.tests.odk import Collect

    field_user, secret = phone
    c = Collect(client, field_user.username, secret)
    c.form_list()
    for form_id in c.forms:
        c.download(form_id)
    return c


SCREENING = "himoya_screening"
REGISTRATION = "himoya_registration"
HOTLINE = "himoya_hotline"

# A woman recruited with a false job offer, her passport taken, unpaid and threatened.
PRESUMED_ANSWERS = {
    "age_group": "adult",
    "suspected_form": "labour",
    "region": "TJ-KT",
    "district": "",
    "place": "Bus station",
}


@pytest.fixture
def presumed_answers():
    """Profile fields plus "yes" to enough indicators for a presumed victim."""
    from himoya.fieldcapture.xlsform import question_name
    from himoya.screening.models import Checklist

    version = Checklist.objects.get(organisation=None, slug="national").current_version()
    values = dict(PRESUMED_ANSWERS)
    for i in version.indicators.all():
        if i.dimension in ("recruitment", "exploitation", "coercion") and i.strength in (
            "strong",
            "medium",
        ):
            values[question_name(i.code)] = "yes"
    return values
