"""An import into one organisation must not hold up registrations in another."""

import datetime
import threading

import pytest
from django.db import connection

from himoya.access.roles import Role
from himoya.cases.models import Case
from himoya.interop import actions
from himoya.interop.tests.test_htcds_import import GOOD, write


@pytest.mark.django_db(transaction=True)
def test_registration_in_another_org_does_not_wait_for_an_import(
    tmp_path, org, other_org, make_user, monkeypatch
):
    from himoya.stats.tests.factories import register

    monkeypatch.setattr(actions, "CHUNK", 5)
    importer = make_user(org)
    worker = make_user(other_org, Role.SUPERVISOR)
    path = write(tmp_path, [{**GOOD, "prs_FirstName": f"Шахс {i}"} for i in range(12)])
    paused, resume = threading.Event(), threading.Event()
    outcome: dict = {}

    def progress(done, total=None):
        # The first chunk is written; the import's transaction stays open meanwhile.
        paused.set()
        resume.wait(20)

    def run_import():
        try:
            outcome["import"] = actions.do_import(
                org, path, "htcds", acting_user=importer, progress=progress
            )
        finally:
            connection.close()

    thread = threading.Thread(target=run_import)
    thread.start()
    try:
        assert paused.wait(20)
        with connection.cursor() as cur:
            cur.execute("SET lock_timeout = '1s'")  # the other connection: it must not wait
        case = register(other_org, worker, on=datetime.date(2026, 3, 1))
        assert case.pk and Case.objects.filter(organisation=other_org).count() == 1
        # The import has not committed yet: nothing of it is visible here.
        assert Case.objects.filter(organisation=org).count() == 0
    finally:
        resume.set()
        thread.join(30)
    assert outcome["import"]["created"] == 12
    assert Case.objects.filter(organisation=org).count() == 12
