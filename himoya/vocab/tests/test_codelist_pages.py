import pytest
from django.urls import reverse

from himoya.access.roles import Role
from himoya.audit.models import AuditEvent


@pytest.mark.django_db
class TestCodelistPages:
    def test_member_sees_every_list_and_finds_a_code_in_any_language(
        self, client, login, org, make_user
    ):
        login(make_user(org, Role.RESPONDER))
        response = client.get(reverse("codelist_list"))
        assert response.status_code == 200
        assert ">Соҳаҳои меҳнати маҷбурӣ</a>" in response.content.decode()
        response = client.get(reverse("codelist_list"), {"q": "строительство"})
        assert ">Соҳаҳои меҳнати маҷбурӣ</a>: Сохтмон" in response.content.decode()
        # legacy Tajik glyphs (љ for ҷ, ї for ӣ) still find "Меҳнати маҷбурӣ"
        response = client.get(reverse("codelist_list"), {"q": "маљбурї"})
        assert "Меҳнати маҷбурӣ</li>" in response.content.decode()

    def test_list_page_shows_labels_in_three_languages_and_tiers(
        self, client, login, org, make_user
    ):
        login(make_user(org, Role.CASEWORKER))
        url = reverse("codelist_detail", args=["vic_ForcedLabourIndustry"])
        body = client.get(url).content.decode()
        assert "Сохтмон" in body and "Строительство" in body and "Construction" in body
        assert 'class="depth-2"' in body  # a tier 3 code under its tier 2 parent

    def test_unknown_list_is_404(self, client, login, org, make_user):
        login(make_user(org, Role.CASEWORKER))
        assert client.get(reverse("codelist_detail", args=["no_such_list"])).status_code == 404

    def test_user_without_membership_gets_403(self, client, login, django_user_model):
        user = django_user_model.objects.create_user("loner", password="correct-horse-battery")
        login(user)
        assert client.get(reverse("codelist_list")).status_code == 403
        assert AuditEvent.objects.filter(action="permission_denied").count() == 1

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("codelist_list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
