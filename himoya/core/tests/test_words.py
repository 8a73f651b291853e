"""One word, one meaning; each text in the reader's language and script."""

import csv
import glob
import io
import re
from collections import defaultdict
from datetime import date

import polib
import pytest
from django.conf import settings
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from himoya.access.roles import Role
from himoya.core import translations
from himoya.stats.tests.factories import register
from himoya.vocab import registry

PERIOD = "period=ytd&year=2026&month=9"
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


@pytest.fixture
def coordinator(org, make_org, make_user):
    caseworker = make_user(org, Role.CASEWORKER)
    for i in range(12):
        register(org, caseworker, on=date(2025 + i % 2, 1 + i % 9, 3))
    return make_user(make_org("commission", is_national=True), Role.NATIONAL_COORDINATOR)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lang, difference, switch",
    [("ru", "Изменение", "Сменить"), ("tg", "Тағйирот", "Иваз кардан")],
)
def test_statistics_change_is_a_difference_not_the_language_switch(
    client, login, coordinator, lang, difference, switch
):
    coordinator.language = lang
    coordinator.save()
    login(coordinator)
    page = client.get(f"{reverse('stats_dashboard')}?{PERIOD}").content.decode()
    assert f'scope="col">{difference}</th>' in page
    assert f">{switch}</th>" not in page
    assert f">{switch}</button>" in page  # the language switch itself keeps its verb

    url = reverse("stats_report", args=["unodc"])
    body = client.get(f"{url}?{PERIOD}&format=csv").content.decode("utf-8-sig")
    cells = {cell for row in csv.reader(io.StringIO(body)) for cell in row}
    assert difference in cells
    assert switch not in cells


def _catalogue_translations(lang):
    found = defaultdict(dict)
    for path in glob.glob(
        f"{settings.BASE_DIR}/**/locale/{lang}/LC_MESSAGES/django.po", recursive=True
    ):
        for entry in polib.pofile(path):
            if not entry.obsolete and not entry.msgid_plural:
                found[(entry.msgctxt, entry.msgid)][path] = entry.msgstr
    return found


@pytest.mark.parametrize("lang", ["tg", "ru"])
def test_no_message_is_translated_two_ways_in_two_apps(lang):
    """All apps share one catalogue at run time: a second meaning needs a pgettext context.

    After a merge, `himoya translations --unify` keeps the translation users see.
    """
    assert translations.clashes(lang) == {}


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("en", "Only for an organisation outside Himoya: at least"),
        ("ru", "Только для организации вне Химои: не менее"),
        ("tg", "Ҳимоя"),
    ],
)
def test_passphrase_help_is_in_the_readers_language(org, lang, expected):
    from himoya.referrals.forms import ReferralForm

    with translation.override(lang):
        form = ReferralForm(organisation=org, parts=[])
        assert expected in str(form.fields["passphrase"].help_text)


def test_django_password_rules_are_tajik_on_the_tajik_page():
    with translation.override("tg"):
        texts = password_validators_help_texts()
        with pytest.raises(ValidationError) as raised:
            validate_password("12345")
    assert len(texts) == 4
    messages = [*texts, *raised.value.messages]
    assert len(messages) >= 6  # too short, too common, entirely numeric
    assert [m for m in messages if LATIN_WORD.search(m)] == []


@pytest.mark.parametrize("lang, name", [("ru", "Химоя"), ("tg", "Ҳимоя")])
def test_product_name_is_written_in_the_languages_script(lang, name):
    for (_ctxt, msgid), by_path in _catalogue_translations(lang).items():
        if "Himoya" in msgid:
            for path, msgstr in by_path.items():
                assert "Himoya" not in msgstr, (path, msgstr)
                assert name[:3] in msgstr, (path, msgstr)


@pytest.mark.parametrize(
    "name, code, english",
    [
        ("vic_RelationshipToTrafficker", "Unaquainted", "Unacquainted"),
        ("per_RoleInProcess", "RecruiterOrIntermediary", "Recruiter or Intermediary"),
        ("per_RoleInProcess", "BrokerTravelAgent", "Broker / Travel Agent"),
        ("vic_TraffickingStatus", "PossibleVictimOfTrafficking", "Presumed victim of trafficking"),
    ],
)
def test_english_labels_are_spelled_right(name, code, english):
    assert registry.label(name, code, "en") == english


@pytest.mark.django_db
def test_code_lists_page_names_lists_for_people(client, login, org, make_user):
    from himoya.vocab.titles import TITLES

    assert sorted(TITLES) == registry.names()
    user = make_user(org, Role.CASEWORKER)
    user.language = "ru"
    user.save()
    login(user)
    page = client.get(reverse("codelist_list")).content.decode()
    assert ">Причина входящего перенаправления</a>" in page
    assert ">cas_ReasonForIncomingReferral<" not in page
    assert not re.search(r">\w+_\w+</a>", page)  # no identifier as a link's text


@pytest.mark.parametrize(
    "name, code, term",
    [
        ("vic_TraffickingStatus", "PossibleVictimOfTrafficking", "presumed victim"),
        ("screening_classification", "presumed_victim", "presumed victim"),
        ("hotline_caller_type", "potential_victim", "presumed victim"),
        ("vic_TraffickingStatus", "ActualVictimOfTrafficking", "identified victim"),
    ],
)
def test_one_term_per_concept_as_the_glossary_says(name, code, term):
    glossary = (settings.HIMOYA_SHARED_DATA.parent / "GLOSSARY.md").read_text(encoding="utf-8")
    row = next(line for line in glossary.splitlines() if line.startswith(f"| {term}"))
    _en, tg, ru = (cell.strip() for cell in row.strip("|").split("|"))
    # Tajik joins a following word with the izofa: "эҳтимолӣ" becomes "эҳтимолии савдо…".
    for lang, expected in (("en", term), ("tg", tg.rstrip("ӣ")), ("ru", ru)):
        assert expected.lower() in registry.label(name, code, lang).lower(), (lang, expected)


@pytest.mark.parametrize("lang", ["tg", "ru", "en"])
def test_no_two_menu_entries_share_a_name(lang):
    """ "Cases" and "Proceedings" were both "Дела" in Russian."""
    from himoya.access import roles
    from himoya.core.context_processors import navigation

    every = {v for k, v in vars(roles).items() if k.isupper() and isinstance(v, str)}
    with translation.override(lang):
        labels = [str(item["label"]) for item in navigation(every)]
    assert sorted({label for label in labels if labels.count(label) > 1}) == []


@pytest.mark.django_db
def test_password_page_states_the_rules_in_tajik(client, login, org, make_user):
    login(make_user(org, Role.CASEWORKER))
    page = client.get(reverse("password_change")).content.decode()
    assert "Рамзи шумо бояд на камтар аз 10 аломат дошта бошад." in page
    assert "Your password" not in page
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "1234567",
            "new_password2": "1234567",
        },
    )
    page = response.content.decode()
    assert "Ин рамз хеле кӯтоҳ аст" in page
    assert "This password" not in page


@pytest.mark.parametrize("lang, word", [("ru", "регион"), ("tg", "минтақа")])
def test_a_region_of_tajikistan_is_called_as_the_glossary_says(lang, word):
    """Glossary: region (viloyat) = вилоят / область, not a vaguer word."""
    vague = [
        (msgid, msgstr)
        for (_ctxt, msgid), by_path in _catalogue_translations(lang).items()
        if "region" in msgid.lower()
        for msgstr in by_path.values()
        if word in msgstr.lower()
    ]
    assert vague == []
