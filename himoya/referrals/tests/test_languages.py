"""The referral and assistance pages render in Tajik and Russian."""

import pytest
from django.urls import reverse

from himoya.referrals import actions
from himoya.referrals.tests.factories import give_consent, refer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "lang, words",
    [
        ("tg", ["Равонакунӣ", "Розигӣ", "Хизматрасонӣ"]),
        ("ru", ["Перенаправлен", "Согласие", "Услуг"]),
    ],
)
def test_pages_speak_the_users_language(client, login, world, lang, words, settings):
    give_consent(world.case, world.worker, world.shelter)
    referral = refer(world.case, world.worker, world.shelter, parts=["demographics", "needs"])
    actions.do_accept_referral(referral, acting_user=world.shelter_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    pages = []
    login(world.worker)
    for url in (
        reverse("referral_inbox"),
        reverse("service_list"),
        reverse("case_referrals", args=[world.case.pk]),
        reverse("consent_add", args=[world.case.pk]),
        reverse("referral_send", args=[world.case.pk]),
        reverse("referral_detail", args=[referral.pk]),
        reverse("case_assistance", args=[world.case.pk]),
        reverse("plan_edit", args=[world.case.pk]),
        reverse("risk_add", args=[world.case.pk]),
        reverse("service_delivery_add", args=[world.case.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    login(world.shelter_worker)
    response = client.get(reverse("referral_case", args=[referral.pk]))
    assert response.status_code == 200
    pages.append(response.content.decode())
    text = "\n".join(pages)
    for word in words:
        assert word in text
    assert "Sent, waiting" not in text and "Record consent" not in text
