"""One way to write a date in each language, whichever filter a template uses."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from himoya.access.roles import Role
from himoya.stats.tests.factories import register

DAY = datetime.date(2026, 12, 5)
MOMENT = datetime.datetime(2026, 12, 5, 12, 19)
EXPECTED = {"tg": "05.12.2026", "ru": "05.12.2026", "en": "5 Dec 2026"}


@pytest.mark.parametrize("lang", ["tg", "ru", "en"])
def test_every_date_format_of_a_language_writes_the_day_alike(lang):
    with translation.override(lang):
        days = {formats.date_format(DAY, f) for f in ("DATE_FORMAT", "SHORT_DATE_FORMAT")}
        moments = {
            formats.date_format(MOMENT, f) for f in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT")
        }
    assert days == {EXPECTED[lang]}
    assert len(moments) == 1
    (moment,) = moments
    assert moment.startswith(EXPECTED[lang]) and moment.endswith("12:19")


def test_no_template_writes_dates_its_own_way():
    """A fixed pattern such as |date:"Y-m-d" would be a fourth format beside the language's."""
    fixed = re.compile(r"\|date:[\"'](?!(SHORT_)?DATE(TIME)?_FORMAT)[^\"']*[\"']\s*}}")
    machine = re.compile(r'datetime="{{[^}]*}}"')  # <time datetime="…"> is for machines
    offenders = [
        str(path)
        for path in Path(settings.BASE_DIR).rglob("*.html")
        if fixed.search(machine.sub("", path.read_text(encoding="utf-8")))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_english_case_list_and_case_write_the_registration_date_alike(
    client, login, org, make_user
):
    user = make_user(org, Role.CASEWORKER)
    user.language = "en"
    user.save()
    case = register(org, user, on=DAY)
    login(user)
    listing = client.get(reverse("case_list")).content.decode()
    detail = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "5 Dec 2026" in listing and "5 Dec 2026" in detail
    assert "2026-12-05<" not in listing and "2026-12-05<" not in detail
