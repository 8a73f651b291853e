"""How fast does Himoya take an encrypted ODK Collect submission and make it a screening?

Sends, through Django's test client and the real OpenRosa view, encrypted screening
submissions with two photos (encrypted beforehand, as the phone does before it sends), and
times each POST: reception, RSA unwrapping, AES decryption of the XML and both photos,
the signature check, and the screening with its rule result and audit rows. Target: a
median under 300 ms.

Baseline, in the same run and database: the same screening made on the page — the two
POSTs a responder sends (start, then the answers), with the same profile and answers.
It is fair because both paths end in the same actions (`do_start_screening`,
`do_save_answers`) writing the same rows; the difference is what field capture adds
(multipart reception of ~100 kB, decryption, signature, XML parsing, the submission
rows). Then a burst of --burst submissions from two threads at once: every one must be
answered 201 and become a record.

    .venv/bin/python bench/openrosa_submission.py [--requests 40] [--burst 1000]

Not part of the test suite.
"""

import argparse
import os
import statistics
import sys
import threading
import time

from _common import PG, ROOT, ensure_database  # bench/ is on the path: scripts run from it

DB = "himoya_bench_openrosa"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--burst", type=int, default=1000)
    args = parser.parse_args()

    ensure_database(DB)
    os.environ["DATABASE_URL"] = PG + DB
    os.environ["HIMOYA_TESTING"] = "1"  # development keys, DEBUG off
    os.environ["DJANGO_SETTINGS_MODULE"] = "himoya.settings"
    os.environ.setdefault("HIMOYA_PRIVATE_ROOT", str(ROOT / "var" / "bench-private"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from himoya.access.roles import Role
    from himoya.fieldcapture.actions import do_create_field_user
    from himoya.fieldcapture.models import Submission
    from himoya.fieldcapture.tests.odk import PHOTO_1, PHOTO_2, Collect
    from himoya.fieldcapture.xlsform import question_name
    from himoya.organisations.models import Membership, Organisation, User
    from himoya.screening.models import Checklist

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    org, _ = Organisation.objects.get_or_create(
        slug="bench-odk",
        defaults={"name_tg": "Бенч", "name_ru": "Бенч", "name_en": "Bench", "kind": "ngo",
                  "regions": ["TJ-KT"]},
    )  # fmt: skip
    admin, _ = User.objects.get_or_create(username="bench-odk-admin")
    Membership.objects.get_or_create(user=admin, organisation=org, role=Role.ORG_ADMIN)
    responder, _ = User.objects.get_or_create(username="bench-odk-responder")
    Membership.objects.get_or_create(user=responder, organisation=org, role=Role.RESPONDER)
    field_user, secret = do_create_field_user(org, label="bench phone", acting_user=admin)

    checklist = Checklist.objects.get(organisation=None, slug="national")
    version = checklist.current_version()
    profile = {"age_group": "adult", "suspected_form": "labour", "region": "TJ-KT",
               "district": "", "place": "Bus station"}  # fmt: skip
    answers = {
        i.code: "yes" if i.dimension in ("recruitment", "exploitation", "coercion") else "no"
        for i in version.indicators.all()
    }
    values = {**profile, **{question_name(c): v for c, v in answers.items()}}
    photos = [("photo1.jpg", PHOTO_1), ("photo2.jpg", PHOTO_2)]

    phone = Collect(Client(), field_user.username, secret)
    phone.form_list()
    phone.download("himoya_screening")
    assert phone.head().status_code == 204

    def encrypted_batch(n):
        return [phone.encrypted("himoya_screening", values, photos)[1:] for _ in range(n)]

    # Warm-up: one of each path.
    phone.post(*encrypted_batch(1)[0])
    from conftest import sign_in  # logs in with the second factor a responder's role needs

    page = sign_in(Client(), responder)

    def page_screening() -> float:
        started = time.perf_counter()
        r = page.post("/screening/new/", {"checklist": checklist.pk, **profile})
        assert r.status_code == 302, r.status_code
        pk = int(r["Location"].rstrip("/").split("/")[-2])  # /screening/<pk>/answers/
        r = page.post(f"/screening/{pk}/answers/", {f"a-{c}": v for c, v in answers.items()})
        assert r.status_code == 302, r.status_code
        return time.perf_counter() - started

    page_screening()
    phone_times, page_times = [], []
    for manifest, files in encrypted_batch(args.requests):
        started = time.perf_counter()
        r = phone.post(manifest, files)
        phone_times.append(time.perf_counter() - started)
        assert r.status_code == 201, r.content
        page_times.append(page_screening())
    phone_ms = statistics.median(phone_times) * 1000
    page_ms = statistics.median(page_times) * 1000
    print(
        f"encrypted submission, 2 photos ({len(PHOTO_1) + len(PHOTO_2):,} B): "
        f"median {phone_ms:.1f} ms (target < 300 ms: {'yes' if phone_ms < 300 else 'NO'})"
    )
    print(f"baseline, the same screening on the page (2 POSTs): median {page_ms:.1f} ms")
    print(f"ratio phone / page: {phone_ms / page_ms:.2f}")

    # The burst: every submission from two phones' worth of threads at once.
    before = Submission.objects.filter(status=Submission.Status.RECORDED).count()
    batch = encrypted_batch(args.burst)
    errors: list[str] = []
    lock = threading.Lock()

    def worker(items):
        client = Collect(Client(), field_user.username, secret)
        for manifest, files in items:
            r = client.post(manifest, files)
            if r.status_code != 201:
                with lock:
                    errors.append(f"{r.status_code}: {r.content[:200]!r}")
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(batch[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    recorded = Submission.objects.filter(status=Submission.Status.RECORDED).count() - before
    print(
        f"burst: {args.burst} submissions in {elapsed:.1f} s from 2 threads, "
        f"{len(errors)} errors, {recorded} recorded"
    )
    for e in errors[:5]:
        print("  ", e)
    if errors or recorded != args.burst or phone_ms >= 300:
        sys.exit(1)


if __name__ == "__main__":
    main()
