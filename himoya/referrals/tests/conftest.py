from dataclasses import dataclass

import pytest

from himoya.access.roles import Role
from himoya.cases.tests.factories import register_case
from himoya.organisations.models import Organisation


@dataclass
class World:
    ngo: Organisation
    shelter: Organisation
    outsider: Organisation
    worker: object  # NGO caseworker who registered the case
    lawyer: object  # NGO lawyer: in scope, without the permissions
    shelter_worker: object
    shelter_lawyer: object
    outsider_admin: object
    case: object


@pytest.fixture
def world(make_org, make_user):
    ngo = make_org("ngo")
    shelter = make_org("shelter", kind=Organisation.Kind.SHELTER)
    outsider = make_org("outsider")
    worker = make_user(ngo, Role.CASEWORKER)
    return World(
        ngo=ngo,
        shelter=shelter,
        outsider=outsider,
        worker=worker,
        lawyer=make_user(ngo, Role.LAWYER),
        shelter_worker=make_user(shelter, Role.CASEWORKER),
        shelter_lawyer=make_user(shelter, Role.LAWYER),
        outsider_admin=make_user(outsider, Role.ORG_ADMIN),
        case=register_case(ngo, worker),
    )


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages and messages in English, so assertions read the source strings."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
