"""No caseworker page, JSON or export lets one organisation learn that another registered
the same person.

Organisation A (a hotline) registers a woman whom a clinic D had registered earlier. Every
URL of the project is read by A's caseworker and A's organisation admin (pages with a
session, the REST API with their tokens) three times: before the shelter B and the
police C register the same woman, after they did (the background check ran), and after
the national linkage officer linked all four records. The three answers must be the same
once volatile parts (CSRF tokens, CSP nonces, times) are taken out, and none may carry a
national identity or a sharing mark. Exports, the subject-access report, the API search
and the organisation's own statistics are compared the same way.
"""

import csv
import datetime
import difflib
import io
import re
import zipfile
from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import sign_in
from himoya.access.roles import Role
from himoya.linkage.actions import do_link_persons
from himoya.linkage.tests.test_candidates import person
from himoya.stats.tests.factories import register

pytestmark = pytest.mark.django_db
ON = date(2026, 3, 1)
WOMAN = person("Ҷамила", "Раҳимова", patronymic="Каримовна")
SPELLINGS = [
    person("Джамила", "Рахимова"),
    person("Djamila", "Rakhimova", latin=True),
    person("Jamila", "Rahimova", latin=True),
]
NOWHERE = 987654321  # an id no test object has: such URLs answer 404, both times


def _walk(patterns, outer=()):
    for p in patterns:
        args = (*outer, *p.pattern.regex.groupindex)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, args)
        elif isinstance(p, URLPattern) and p.name:
            yield p.name, list(args)


def url_names() -> dict[str, list[str]]:
    """Every named URL of the project with its arguments (resolved at collection)."""
    return dict(_walk(get_resolver().url_patterns))


# Values of URL arguments that are not ids of the world's objects.
WORDS = {
    "step": "person",
    "kind": "identify",
    "verdict": "approve",
    "fmt": "csv",
    "verb": "adopt",
    "part": "activity",
    "name": "vic_RelationshipToTrafficker",
    "form_id": "htcds",
    "version": "1",
    "year": 2026,
    "quarter": 1,
}
KEYS = {
    "stats_indicator_json": "persons",
    "api-indicator-detail": "persons",
    "stats_report": "unodc",
    "stats_report_export": "unodc",
}
# Query strings that make a page show the organisation's own figures for the year.
QUERIES = {
    "stats_dashboard": "?period=year&year=2026",
    "stats_report": "?period=year&year=2026",
    "stats_indicator_json": "?period=year&year=2026",
    "api-indicator-list": "",
    "api-indicator-detail": "?year=2026",
    "case_list": "?status=",
}


# The machine's health and metrics: free disk and counters move with every request.
MACHINE_READINGS = {"healthz", "metrics"}


class World:
    """The woman registered by D, then A; A's staff; B and C wait to register her."""

    def __init__(self, make_org, make_user, issue_token, capture):
        self.capture = capture
        self.clinic = make_org("clinic")
        first = register(self.clinic, make_user(self.clinic), on=ON, person=WOMAN)
        self.a = make_org("hotline")
        self.worker = make_user(self.a, Role.CASEWORKER, username="nigora")
        self.admin = make_user(self.a, Role.ORG_ADMIN, username="zebo")
        with capture(execute=True):
            self.case = register(self.a, self.worker, on=ON, person=SPELLINGS[0])
            register(self.a, self.worker, on=ON, person=person("Зарина", "Каримова"))
        self.woman = [first.person, self.case.person]
        self.tokens = {u.pk: issue_token(self.a, u) for u in (self.worker, self.admin)}
        # Signed in once, before anything is read: signing in is itself in the audit log.
        self.clients = {u.pk: sign_in(Client(), u) for u in (self.worker, self.admin)}
        self.b = make_org("shelter")
        self.c = make_org("police")
        self.others = [(self.b, make_user(self.b)), (self.c, make_user(self.c))]
        self.officer = make_user(make_org("commission", is_national=True), Role.LINKAGE_OFFICER)
        self._more_of_a(make_org)
        self.ids = {
            "case_id": self.case.pk,
            "pk": self.case.pk,
            "slug": self.a.slug,
            "key": "persons",
            "job_id": self.job.pk,
            "referral_id": self.referral.pk,
            "consent_id": self.consent.pk,
        }
        # A "pk" of these URLs is of another kind of object than a case.
        self.pks = {
            "hotline_": self.contact.pk,
            "api-referral-": self.referral.pk,
            "api-person-": self.case.person_id,
        }

    def _more_of_a(self, make_org):
        """A's consent and referral to a service provider, a hotline call, an export job."""
        from himoya.core import jobs
        from himoya.hotline.actions import do_log_contact
        from himoya.interop.jobs import EXPORT_JOB
        from himoya.referrals.tests.factories import give_consent, refer

        provider = make_org("clinic-services")
        self.consent = give_consent(self.case, self.worker, provider)
        self.referral = refer(self.case, self.worker, provider)
        self.contact = do_log_contact(
            self.a,
            data={
                "channel": "phone",
                "caller_type": "relative",
                "language": "tg",
                "topic": "missing_person",
                "region": "TJ-KT",
                "urgency": "urgent",
            },
            acting_user=self.worker,
        )
        self.job = jobs.start(
            EXPORT_JOB, user=self.worker, organisation=self.a, fmt="htcds", file_kind="csv"
        )
        jobs.execute(self.job.pk)

    def register_elsewhere(self):
        with self.capture(execute=True):
            for (org, user), data in zip(self.others, SPELLINGS[1:], strict=True):
                later = register(org, user, on=ON + datetime.timedelta(days=30), person=data)
                self.woman.append(later.person)

    def link(self):
        """The officer's review, as on her pages: names revealed, each pair confirmed."""
        from himoya.linkage.actions import do_confirm_pair, do_reveal_pair_names

        mine = self.case.person
        for other in self.woman:
            if other.pk != mine.pk:
                first, second = sorted((mine, other), key=lambda p: p.pk)
                do_reveal_pair_names(first, second, acting_user=self.officer)
                do_confirm_pair(first, second, acting_user=self.officer)
        do_link_persons(self.woman, acting_user=self.officer)

    def url(self, name: str, args: list[str]) -> str:
        kwargs = {}
        for arg in args:
            prefix = next((p for p in self.pks if name.startswith(p)), None)
            if arg == "pk" and prefix:
                kwargs[arg] = self.pks[prefix]
            elif arg == "key":
                kwargs[arg] = KEYS.get(name, "persons")
            elif arg in self.ids:
                kwargs[arg] = self.ids[arg]
            elif arg in WORDS:
                kwargs[arg] = WORDS[arg]
            elif arg == "rest":
                kwargs[arg] = "nothing/"
            else:
                kwargs[arg] = NOWHERE
        return reverse(name, kwargs=kwargs) + QUERIES.get(name, "")


@pytest.fixture
def world(make_org, make_user, django_capture_on_commit_callbacks):
    return World(make_org, make_user, issue_token, django_capture_on_commit_callbacks)


def issue_token(org, user) -> str:
    """A member's API token for every part, read and write as far as her role allows."""
    from himoya.api.actions import do_issue_token
    from himoya.api.models import Part

    admin = user if user.memberships.filter(role=Role.ORG_ADMIN).exists() else None
    _token, raw = do_issue_token(
        org,
        name="partner system",
        access="write",
        parts=[p.value for p in Part],
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        member=user,
        acting_user=admin or user,
    )
    return raw


_VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), "csrf"),
    (re.compile(r'name="csrf-token" content="[^"]*"'), "csrf"),
    (re.compile(r'nonce="[^"]*"'), "nonce"),
    (re.compile(r'"X-CSRFToken": "[^"]*"'), "csrf"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"), "T"),
    (re.compile(r"\b\d{1,2}:\d{2}\b"), "hh:mm"),
    (re.compile(r"\b\d{2}\.\d{2}\.\d{4} hh:mm"), "T"),
]
FORBIDDEN = ("national_person", "shares_person", "national identity", "linked")


def normalise(body: bytes, content_type: str) -> str:
    if content_type.startswith(("text/", "application/json", "application/xml")):
        text = body.decode()
    elif "spreadsheetml" in content_type:
        text = xlsx_text(body)
    elif "pdf" in content_type:
        text = pdf_text(body)
    else:
        text = body.hex()
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def xlsx_text(data: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        "\t".join("" if v is None else str(v) for v in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def pdf_text(data: bytes) -> str:
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def answer(client, world, user, url: str, method: str = "get", data=None) -> tuple:
    client = world.clients[user.pk]
    if url.startswith("/api/v1/"):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[user.pk]}"}
        if method == "get":
            response = client.get(url, **headers)
        else:
            response = client.post(url, data, content_type="application/json", **headers)
    else:
        response = getattr(client, method)(url, data or {})
    content = b"".join(response) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    text = normalise(content, kind)
    return response.status_code, response.get("Location", ""), kind, text


def three_answers(client, world, read) -> list[dict]:
    """Read (user -> answer) before B and C, after they registered, after the link."""
    users = (world.worker, world.admin)
    seen = [{u.username: read(client, world, u) for u in users}]
    world.register_elsewhere()
    seen.append({u.username: read(client, world, u) for u in users})
    world.link()
    seen.append({u.username: read(client, world, u) for u in users})
    return seen


def _difference(a, b) -> str:
    if isinstance(a, tuple) and isinstance(b, tuple) and a[:-1] != b[:-1]:
        return f"{a[:-1]} became {b[:-1]}"
    a, b = (x[-1] if isinstance(x, tuple) else x for x in (a, b))
    lines = difflib.unified_diff(str(a).splitlines(), str(b).splitlines(), lineterm="", n=0)
    return "\n".join(list(lines)[:30])


def assert_same(seen, label):
    before, registered, linked = seen
    for when, after in (("B and C registered", registered), ("the records were linked", linked)):
        for username in before:
            if after[username] != before[username]:
                diff = _difference(before[username], after[username])
                pytest.fail(f"{label} for {username} changed when {when}:\n{diff}")
    for username, reply in before.items():
        text = reply[-1] if isinstance(reply, tuple) else str(reply)
        for word in FORBIDDEN:
            assert word not in text.lower(), f"{label} for {username} says {word!r}"


@pytest.mark.parametrize("name", sorted(url_names()))
def test_no_url_tells_organisation_a_that_others_registered_the_person(name, world, client):
    args = url_names()[name]

    def read(client, world, user):
        reply = answer(client, world, user, world.url(name, args))
        if name in MACHINE_READINGS:  # counters of the process: checked for words only
            assert not any(word in reply[-1].lower() for word in FORBIDDEN), name
            return reply[0]
        return reply

    assert_same(three_answers(client, world, read), name)


def test_the_world_reaches_the_pages_it_is_meant_to(world, client):
    """Guard: the comparison is not of 404s — the case, the person, figures all answer."""
    for name in (
        "case_detail",
        "case_list",
        "api-case-detail",
        "api-person-detail",
        "api-case-list",
        "stats_dashboard",
        "stats_indicator_json",
        "organisation_detail",
        "audit_log",
        "job_download",
        "referral_detail",
        "api-referral-detail",
        "case_referrals",
    ):
        user = world.admin if name == "audit_log" else world.worker
        status = answer(client, world, user, world.url(name, url_names()[name]))[0]
        assert status == 200, name


# --- searches, reveals, exports and reports: posted or produced --------------------------


def test_the_api_search_by_name_finds_only_her_own_case(world, client):
    def read(client, world, user):
        return answer(client, world, user, reverse("api-case-search"), "post", {"q": "Рахимова"})

    seen = three_answers(client, world, read)
    assert f'"id":{world.case.pk}' in seen[0]["nigora"][-1].replace(" ", "")
    assert_same(seen, "api case search")


def test_the_case_list_search_by_name_finds_only_her_own_case(world, client):
    def read(client, world, user):
        response = world.clients[user.pk].post(
            reverse("case_list"), {"q": "Rakhimova"}, follow=True
        )
        text = normalise(response.content, response["Content-Type"])
        return response.status_code, re.sub(r"search=[\w-]+", "search=", text)

    seen = three_answers(client, world, read)
    assert world.case.reference in seen[0]["nigora"][-1]
    assert_same(seen, "case search")


def test_the_revealed_identity_page_is_the_same(world, client):
    def read(client, world, user):
        return answer(client, world, user, reverse("case_identity", args=[world.case.pk]), "post")

    seen = three_answers(client, world, read)
    assert "Рахимова" in seen[0]["nigora"][-1]
    assert_same(seen, "identity")


def test_the_subject_access_report_is_the_same(world, client):
    def read(client, world, user):
        url = reverse("subject_access_report", args=[world.case.pk])
        return answer(client, world, user, url, "post", {"language": "tg"})

    seen = three_answers(client, world, read)
    assert seen[0]["nigora"][0] == 200 and "Рахимова" in seen[0]["nigora"][-1]
    # The report lists who exported the person's data: each report made here adds a line
    # of A's own (time, A, exported), and nothing else may change.
    own = {"T", world.a.name, "Содир кард"}
    for phase in seen:
        for username, reply in phase.items():
            lines = reply[-1].splitlines()
            kept = "\n".join(x for x in lines if x.strip() not in own)
            phase[username] = (*reply[:-1], kept)
    assert_same(seen, "subject-access report")


@pytest.mark.parametrize(
    "target", ["htcds.xlsx", "htcds.csv", "ctdc.csv", "ctdc.xlsx", "xlsform.csv", "xlsform.zip"]
)
def test_case_exports_are_the_same(world, client, target, tmp_path):
    from himoya.interop.actions import do_export

    fmt, kind = target.split(".")

    def read(client, world, user):
        path = tmp_path / f"{user.username}-{timezone.now().timestamp()}.{kind}"
        do_export(world.a, fmt, path, acting_user=user)
        data = path.read_bytes()
        if kind == "xlsx":
            return normalise(data, "spreadsheetml")
        if kind == "zip":
            with zipfile.ZipFile(path) as archive:
                return sorted(
                    (n, normalise(archive.read(n), "text/xml")) for n in archive.namelist()
                )
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        return normalise("\n".join("\t".join(r) for r in rows).encode(), "text/csv")

    seen = three_answers(client, world, read)
    assert "Рахимова" in str(seen[0]["nigora"]) or fmt == "ctdc"
    assert_same(seen, target)


def test_the_organisations_own_statistics_export_is_the_same(world, client, settings):
    from himoya.core import jobs

    def read(client, world, user):
        row = jobs.start(
            "stats.report_xlsx",
            user=user,
            organisation=world.a,
            report="unodc",
            period={"period": "year", "year": "2026"},
            org=world.a.pk,
            edition="",
            language="tg",
        )
        jobs.execute(row.pk)
        row.refresh_from_db()
        assert row.state == row.State.DONE, row.message
        with row.result_file.open("rb") as fh:
            return normalise(fh.read(), "spreadsheetml")

    assert_same(three_answers(client, world, read), "statistics export")


def test_the_comparison_catches_a_leaking_field(world, client, monkeypatch):
    """Guard: were the API to show the national identity, these tests would fail."""
    from himoya.api.serializers import CaseSerializer

    fields = [*CaseSerializer.Meta.fields, "national_person_id", "shares_person"]
    monkeypatch.setattr(CaseSerializer.Meta, "fields", fields)
    url = reverse("api-case-detail", args=[world.case.pk])

    def read(client, world, user):
        return answer(client, world, user, url)

    with pytest.raises(pytest.fail.Exception, match="changed when the records were linked"):
        assert_same(three_answers(client, world, read), "leaky api")
