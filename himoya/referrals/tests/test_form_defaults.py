"""The referral form starts from organisations in Himoya; the consent form pre-selects
nothing it should not; long forms list their errors at the top with links to the fields."""

import re

import pytest
from django.urls import reverse

from himoya.organisations.models import Organisation
from himoya.referrals.models import Referral
from himoya.referrals.tests.factories import give_consent

pytestmark = pytest.mark.django_db


def test_referral_form_defaults_to_organisations_in_himoya(client, login, world):
    give_consent(world.case, world.worker, world.shelter)
    login(world.worker)
    page = client.get(reverse("referral_send", args=[world.case.pk])).content.decode()
    select = re.search(r'<select name="to_organisation".*?</select>', page, re.S).group(0)
    assert "outside Himoya" not in select
    checked = re.search(r'<input[^>]*name="recipient_kind"[^>]*checked[^>]*>', page).group(0)
    assert 'value="himoya"' in checked
    # the organisation the person consented to is chosen already
    assert re.search(rf'<option value="{world.shelter.pk}" selected>', select)


def test_referral_in_himoya_needs_the_organisation(client, login, world):
    give_consent(world.case, world.worker, world.shelter)
    login(world.worker)
    response = client.post(
        reverse("referral_send", args=[world.case.pk]),
        {"recipient_kind": "himoya", "services": ["shelter"], "shared_parts": ["demographics"]},
    )
    assert response.status_code == 200
    assert "Choose the organisation" in response.content.decode()
    assert not Referral.objects.exists()


def test_referral_outside_himoya_is_still_possible(client, login, world):
    give_consent(world.case, world.worker, external_recipient="Caritas Moscow")
    login(world.worker)
    response = client.post(
        reverse("referral_send", args=[world.case.pk]),
        {
            "recipient_kind": "external",
            "to_organisation": world.shelter.pk,  # ignored: outside Himoya was chosen
            "external_recipient": "Caritas Moscow",
            "external_country": "RU",
            "services": ["shelter"],
            "shared_parts": ["demographics"],
            "passphrase": "a long enough passphrase here",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    referral = Referral.objects.get()
    assert referral.to_organisation is None and referral.external_recipient == "Caritas Moscow"


def test_consent_form_has_no_preselected_empty_choice(client, login, world):
    login(world.worker)
    page = client.get(reverse("consent_add", args=[world.case.pk])).content.decode()
    assert "---------" not in page
    assert not re.search(r'<input[^>]*type="radio"[^>]*value=""', page)


def test_long_form_summarises_errors_at_the_top_with_links(client, login, world):
    login(world.worker)
    response = client.post(reverse("consent_add", args=[world.case.pk]), {"method": "verbal"})
    page = response.content.decode()
    assert response.status_code == 200
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert summary
    links = re.findall(r'href="#(field-[\w-]+)"', summary)
    assert "field-purpose" in links and "field-witness_name" in links
    for anchor in links:
        assert f'id="{anchor}"' in page
    assert page.index("error-summary") < page.index('id="field-purpose"')


def test_no_summary_without_errors(client, login, world):
    login(world.worker)
    page = client.get(reverse("consent_add", args=[world.case.pk])).content.decode()
    assert "error-summary" not in page


def test_other_organisation_is_still_not_offered_when_inactive(client, login, world):
    Organisation.objects.filter(pk=world.outsider.pk).update(is_active=False)
    give_consent(world.case, world.worker, world.shelter)
    login(world.worker)
    page = client.get(reverse("referral_send", args=[world.case.pk])).content.decode()
    assert f'<option value="{world.outsider.pk}"' not in page
