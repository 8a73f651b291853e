import threading

import pytest
from django.db import connection

from himoya.audit.actions import Action, record, verify_chain
from himoya.audit.models import AuditEvent

THREADS = 6
EACH = 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain():
    start = threading.Barrier(THREADS)
    errors = []

    def append(n):
        try:
            start.wait()
            for i in range(EACH):
                record(Action.VIEW_IDENTITY, object_type="cases.person", object_id=f"{n}-{i}")
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert AuditEvent.objects.count() == THREADS * EACH
    report = verify_chain()
    assert report.ok, report.reason
    assert report.checked == THREADS * EACH
    # No two events claim the same predecessor: the chain never forked.
    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == len(prev_hashes)
