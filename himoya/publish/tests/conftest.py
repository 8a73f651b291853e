import datetime

import pytest

from himoya.access.roles import Role
from himoya.organisations.models import Organisation

START, END = datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)


def generate(count: int) -> dict:
    """Synthetic cases of the demo organisations (a few persons with two or more)."""
    from himoya.cases import bulk, demo
    from himoya.organisations import demo as organisations_demo

    ctx = {"cases": 0, "seed": 17}
    organisations_demo.populate(ctx)
    bulk.generate(count, demo.registrars(ctx["organisations"]), seed=17, batch_size=5000)
    return ctx["organisations"]


@pytest.fixture
def register_20000(db):
    return generate(20_000)


@pytest.fixture
def register_3000(db):
    return generate(3_000)


@pytest.fixture
def secretariat(make_org):
    return make_org("secretariat", kind=Organisation.Kind.MINISTRY, is_national=True)


@pytest.fixture
def coordinators(make_user, secretariat):
    users = [make_user(secretariat, Role.NATIONAL_COORDINATOR) for _ in range(2)]
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])
    return users
