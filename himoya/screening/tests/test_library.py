import pytest

from himoya.screening.models import Checklist, Indicator
from himoya.vocab import registry

LISTS = {
    "ilo_indicators": "ilo_forced_labour",
    "methods_of_control": "vic_MethodsOfControl",
    "exploitation_types": "vic_TypeOfExploitation",
    "ages": "screening_age_group",
    "forms": "screening_form",
}


@pytest.mark.django_db
def test_national_checklist_exists_after_migrate(national):
    version = national.current_version()
    assert version.number == 1
    assert 40 <= version.indicators.count() <= 60
    assert national.name_tg and national.name_ru and national.name_en


@pytest.mark.django_db
def test_every_indicator_uses_known_codes_and_has_three_languages(national):
    for indicator in national.current_version().indicators.all():
        assert registry.is_valid("screening_section", indicator.section), indicator.code
        assert registry.is_valid("screening_strength", indicator.strength), indicator.code
        assert not indicator.dimension or registry.is_valid(
            "screening_dimension", indicator.dimension
        )
        for field, list_name in LISTS.items():
            for code in getattr(indicator, field):
                assert registry.is_valid(list_name, code), (indicator.code, field, code)
        assert indicator.text_en.endswith("?")
        assert indicator.text_ru.endswith("?") and indicator.text_tg.endswith("?")
        assert indicator.text_ru != indicator.text_en != indicator.text_tg


@pytest.mark.django_db
def test_checklist_covers_every_section_and_all_eleven_ilo_indicators(national):
    indicators = list(national.current_version().indicators.all())
    assert {i.section for i in indicators} == set(registry.codes("screening_section"))
    ilo = {c for i in indicators for c in i.ilo_indicators}
    assert ilo == set(registry.codes("ilo_forced_labour"))
    assert len(registry.codes("ilo_forced_labour")) == 11


@pytest.mark.django_db
def test_tajik_text_uses_tajik_letters(national):
    texts = " ".join(national.current_version().indicators.values_list("text_tg", flat=True))
    assert all(letter in texts for letter in "ғӣқӯҳҷ")


@pytest.mark.django_db
def test_adult_labour_screening_asks_a_short_list(national):
    asked = [
        i
        for i in Indicator.objects.filter(version__checklist=national)
        if i.applies_to("adult", "labour")
    ]
    child_sexual = [
        i
        for i in Indicator.objects.filter(version__checklist=national)
        if i.applies_to("child", "sexual")
    ]
    assert len(asked) <= 45
    assert {i.section for i in child_sexual} >= {"module_child", "module_sexual"}
    assert "module_domestic" not in {i.section for i in child_sexual}
    assert Checklist.objects.count() == 1
